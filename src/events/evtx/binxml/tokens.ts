/**
 * The BinXml token stream (formats.md §A.5, MS-EVEN6 §2.2.12): reads tokens from a chunk region and builds
 * the intermediate tree (ir.ts). One flat loop with an explicit element stack, so hostile nesting cannot
 * overflow the JS stack; only template instances and BinXml values recurse, and those are depth-capped.
 * Used by template.ts (definitions), record.ts (record bodies) and to-element.ts (nested BinXml values).
 */
import { ByteCursor, decodeUtf16le } from '../../../bytes/index.js';
import { BinXmlError, EvtxCode } from '../errors.js';
import {
  IR_ELEMENT,
  IR_SUBST,
  IR_TEXT,
  type ChunkContext,
  type IrAttribute,
  type IrElement,
  type IrNode,
} from './ir.js';
import { parseTemplateInstance } from './template.js';
import { fixedSize, decodeValue } from './values.js';

/** Token bytes (base values; 0x40 = "more data follows" variant for 0x01 and 0x05–0x09), §A.5 table. */
export const Token = {
  EOF: 0x00,
  OpenStartElement: 0x01,
  CloseStartElement: 0x02,
  CloseEmptyElement: 0x03,
  EndElement: 0x04,
  Value: 0x05,
  Attribute: 0x06,
  CDataSection: 0x07,
  CharRef: 0x08,
  EntityRef: 0x09,
  PITarget: 0x0a,
  PIData: 0x0b,
  TemplateInstance: 0x0c,
  NormalSubstitution: 0x0d,
  OptionalSubstitution: 0x0e,
  FragmentHeader: 0x0f,
} as const;

/** RUST-EVTX caps open elements at 512 (§A.5.4); nested fragments use limits.maxDepth. */
export const MAX_OPEN_ELEMENTS = 512;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Resolves a name reference (§A.5.1). When `nameOffset` equals the cursor position the name is stored
 * inline and the cursor skips it; otherwise it is an earlier name of the same chunk (cached by offset).
 */
export function readName(ctx: ChunkContext, cur: ByteCursor, field: string): string {
  const nameOffset = cur.u32le(field);
  const cached = ctx.names.get(nameOffset);
  if (nameOffset === cur.pos) {
    cur.skip(6, 'Name.nextOffset+hash');
    const n = cur.u16le('Name.characterCount');
    const s = cached ?? cur.utf16le(n, 'Name.characters');
    if (cached !== undefined) cur.skip(n * 2, 'Name.characters');
    cur.skip(2, 'Name.terminator');
    if (cached === undefined) ctx.names.set(nameOffset, s);
    return s;
  }
  if (cached !== undefined) return cached;
  const b = ctx.bytes;
  if (nameOffset + 8 > b.length) {
    throw new BinXmlError(EvtxCode.badName, `name offset ${nameOffset} is outside the chunk`, cur.pos - 4, field);
  }
  const n = b[nameOffset + 6]! | (b[nameOffset + 7]! << 8);
  if (nameOffset + 8 + 2 * n > b.length) {
    throw new BinXmlError(EvtxCode.badName, `name at offset ${nameOffset} runs past the chunk (${n} characters)`, cur.pos - 4, field);
  }
  const s = decodeUtf16le(b.subarray(nameOffset + 8, nameOffset + 8 + 2 * n));
  ctx.names.set(nameOffset, s);
  return s;
}

/** A Value token (0x05) body: type byte, then a UTF-16 string with a u16 count, or a fixed-size scalar. */
function readValueText(ctx: ChunkContext, cur: ByteCursor): string {
  const type = cur.u8('Value.type');
  if (type === 0x01) return cur.utf16le(cur.u16le('Value.characterCount'), 'Value.characters');
  const size = fixedSize(type);
  if (size === 0) throw new BinXmlError(EvtxCode.valueType, `value token of type 0x${type.toString(16)} is not supported`, cur.pos - 1, 'Value.type');
  const at = cur.pos;
  cur.skip(size, 'Value.data');
  const v = decodeValue(ctx.bytes, ctx.view, type, at, size);
  return v.kind === 'text' ? v.text : '';
}

/**
 * Parses tokens in [cur.pos, end) until EOF (0x00) or the end, returning the top-level nodes (elements and
 * template instances). `inTemplate`: element starts carry a 2-byte dependency id (§A.5, measured rule).
 */
export function parseFragment(ctx: ChunkContext, cur: ByteCursor, end: number, inTemplate: boolean, depth: number): IrNode[] {
  if (depth > ctx.limits.maxDepth) {
    throw new BinXmlError(EvtxCode.depth, `binxml nesting deeper than ${ctx.limits.maxDepth} fragments`, cur.pos);
  }
  const root: IrNode[] = [];
  const stack: IrElement[] = [];
  let attr: IrAttribute | undefined;
  const add = (node: IrNode): void => {
    const top = stack[stack.length - 1];
    if (top) {
      top.children.push(node);
      if (node.k === IR_SUBST) top.hasSubst = true;
    } else if (node.k !== IR_TEXT) root.push(node);
  };
  const addPart = (node: IrNode): void => {
    if (attr && node.k !== IR_ELEMENT && node.k !== 3) attr.parts.push(node);
    else add(node);
  };
  while (cur.pos < end) {
    const at = cur.pos;
    const t = cur.u8('BinXml.token');
    const base = t & 0xbf;
    if (t & 0x40 && !(base === 0x01 || (base >= 0x05 && base <= 0x09))) {
      throw new BinXmlError(EvtxCode.unknownToken, `unknown binxml token 0x${t.toString(16).padStart(2, '0')}`, at, 'BinXml.token');
    }
    switch (base) {
      case Token.EOF:
        if (stack.length > 0) throw new BinXmlError(EvtxCode.structure, `end of fragment with ${stack.length} open elements`, at);
        return root;
      case Token.OpenStartElement: {
        if (inTemplate) cur.skip(2, 'OpenStartElement.dependencyId');
        cur.skip(4, 'OpenStartElement.dataSize');
        const name = readName(ctx, cur, 'OpenStartElement.nameOffset');
        if (t & 0x40) cur.skip(4, 'OpenStartElement.attributeListSize');
        if (stack.length >= MAX_OPEN_ELEMENTS) {
          throw new BinXmlError(EvtxCode.depth, `more than ${MAX_OPEN_ELEMENTS} nested elements`, at);
        }
        const el: IrElement = { k: IR_ELEMENT, name, attrs: [], children: [], selfClosing: false, hasSubst: false };
        attr = undefined;
        add(el);
        stack.push(el);
        break;
      }
      case Token.CloseStartElement:
        if (stack.length === 0) throw new BinXmlError(EvtxCode.structure, 'close start element token outside an element', at);
        attr = undefined;
        break;
      case Token.CloseEmptyElement: {
        const el = stack.pop();
        if (!el) throw new BinXmlError(EvtxCode.structure, 'close empty element token outside an element', at);
        el.selfClosing = true;
        attr = undefined;
        break;
      }
      case Token.EndElement:
        if (!stack.pop()) throw new BinXmlError(EvtxCode.structure, 'end element token outside an element', at);
        attr = undefined;
        break;
      case Token.Value:
        addPart({ k: IR_TEXT, text: readValueText(ctx, cur) });
        break;
      case Token.Attribute: {
        const top = stack[stack.length - 1];
        if (!top) throw new BinXmlError(EvtxCode.structure, 'attribute token outside an element', at);
        attr = { name: readName(ctx, cur, 'Attribute.nameOffset'), parts: [] };
        top.attrs.push(attr);
        break;
      }
      case Token.CDataSection:
        addPart({ k: IR_TEXT, text: cur.utf16le(cur.u16le('CDataSection.characterCount'), 'CDataSection.characters') });
        break;
      case Token.CharRef:
        addPart({ k: IR_TEXT, text: String.fromCharCode(cur.u16le('CharRef.value')) });
        break;
      case Token.EntityRef: {
        const name = readName(ctx, cur, 'EntityRef.nameOffset');
        addPart({ k: IR_TEXT, text: ENTITIES[name] ?? `&${name};` });
        break;
      }
      case Token.PITarget:
        // Processing instructions have no place in EventElement; read past them (§A.5 table).
        readName(ctx, cur, 'PITarget.nameOffset');
        break;
      case Token.PIData:
        cur.skip(cur.u16le('PIData.characterCount') * 2, 'PIData.characters');
        break;
      case Token.TemplateInstance:
        add(parseTemplateInstance(ctx, cur, end, depth));
        attr = undefined;
        break;
      case Token.NormalSubstitution:
      case Token.OptionalSubstitution: {
        const index = cur.u16le('Substitution.index');
        const type = cur.u8('Substitution.valueType');
        addPart({ k: IR_SUBST, index, optional: base === Token.OptionalSubstitution, type });
        break;
      }
      case Token.FragmentHeader:
        cur.skip(3, 'FragmentHeader.version+flags');
        break;
      default:
        throw new BinXmlError(EvtxCode.unknownToken, `unknown binxml token 0x${t.toString(16).padStart(2, '0')}`, at, 'BinXml.token');
    }
  }
  if (stack.length > 0) throw new BinXmlError(EvtxCode.structure, `binxml ends with ${stack.length} open elements`, cur.pos);
  return root;
}
