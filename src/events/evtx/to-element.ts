/**
 * Instantiation: intermediate tree + template values → EventElement (src/events/raw-event.ts), with values
 * formatted as Windows renders them (formats.md §A.5.4 substitution semantics, §A.6 value text, §A.7):
 * attributes whose value renders empty are omitted, elements are kept even when empty, array values repeat
 * the enclosing element once per item, BinXml (0x21) values are parsed as nested fragments of the same
 * chunk and spliced in place. Called by record.ts for each record.
 */
import { ByteCursor } from '../../bytes/index.js';
import type { EventElement } from '../raw-event.js';
import { BinXmlError, EvtxCode, evtxDiagnostic } from './errors.js';
import { IR_ELEMENT, IR_SUBST, IR_TEMPLATE, IR_TEXT, RECORD_CHAR_BUDGET, RECORD_ELEMENT_BUDGET, type ChunkContext, type IrElement, type IrNode, type IrSubst, type ValueRef } from './binxml/ir.js';
import { parseFragment } from './binxml/tokens.js';
import { decodeValue, typeName, ValueType, type DecodedValue } from './binxml/values.js';

interface MutableElement {
  name: string;
  attributes: Array<readonly [string, string]>;
  children: EventElement[];
  text: string;
  selfClosing?: boolean;
}

const NO_VALUES: ValueRef[] = [];

/** Turns top-level IR nodes into elements, appending to `out`. */
export function instantiate(ctx: ChunkContext, nodes: readonly IrNode[], values: readonly ValueRef[], depth: number, out: EventElement[]): void {
  for (const n of nodes) {
    switch (n.k) {
      case IR_ELEMENT:
        buildElement(ctx, n, values, depth, out);
        break;
      case IR_TEMPLATE:
        spend(ctx, 1, n.def.offset);
        instantiate(ctx, n.def.root, n.values, depth + 1, out);
        break;
      case IR_SUBST:
        spliceSubstitution(ctx, n, values, depth, out);
        break;
      default:
        break; // character data outside any element has no place in the tree
    }
  }
}

/** A substitution used as element content whose value is BinXml: parse and splice its elements. */
function spliceSubstitution(ctx: ChunkContext, s: IrSubst, values: readonly ValueRef[], depth: number, out: EventElement[]): void {
  const v = values[s.index];
  if (!v || v.type !== ValueType.BinXml || v.size === 0) return;
  nestedBinXml(ctx, v, depth, out);
}

/** Charges `n` elements to the record's output budget (ir.ts RECORD_ELEMENT_BUDGET). */
function spend(ctx: ChunkContext, n: number, at: number): void {
  ctx.budget.elements -= n;
  if (ctx.budget.elements < 0) {
    throw new BinXmlError(EvtxCode.tooMany, `record expands to more than ${RECORD_ELEMENT_BUDGET} elements`, at);
  }
}

function nestedBinXml(ctx: ChunkContext, v: ValueRef, depth: number, out: EventElement[]): void {
  spend(ctx, 1, v.offset);
  if (depth + 1 > ctx.limits.maxDepth) {
    throw new BinXmlError(EvtxCode.depth, `binxml nesting deeper than ${ctx.limits.maxDepth} fragments`, v.offset);
  }
  // Parse a BinXml value once even when the template references it many times (hostile fan-out).
  let nodes = fragmentCache.get(v);
  if (!nodes) {
    const cur = new ByteCursor(ctx.bytes, v.offset, v.offset + v.size, ctx.file);
    nodes = parseFragment(ctx, cur, v.offset + v.size, false, depth + 1);
    fragmentCache.set(v, nodes);
  }
  instantiate(ctx, nodes, NO_VALUES, depth + 1, out);
}

const fragmentCache = new WeakMap<ValueRef, IrNode[]>();

/** Decoded arrays, so an element repeated per item does not decode its array once per copy (quadratic). */
const arrayCache = new WeakMap<ValueRef, DecodedValue>();

function decodeArray(ctx: ChunkContext, v: ValueRef): DecodedValue {
  let d = arrayCache.get(v);
  if (!d) {
    d = decode(ctx, v);
    arrayCache.set(v, d);
  }
  return d;
}

function decode(ctx: ChunkContext, v: ValueRef): DecodedValue {
  const d = decodeValue(ctx.bytes, ctx.view, v.type, v.offset, v.size);
  if (d.kind === 'invalid') {
    ctx.warnings.push(
      evtxDiagnostic(EvtxCode.valueType, 'warning', `substitution value rendered empty: ${d.message}`, {
        offset: ctx.fileOffset + v.offset,
        field: `value type ${typeName(v.type)}`,
        context: `chunk ${ctx.chunkIndex}`,
      }),
    );
  }
  return d;
}

/** Text of a substitution in an attribute or element: arrays pick item `arrayIndex` (or join with `,` in attributes). */
function substText(ctx: ChunkContext, s: IrSubst, values: readonly ValueRef[], arrayIndex: number): string {
  const v = values[s.index];
  if (!v) return ''; // index ≥ numValues → NullType (§A.5.3)
  if (v.type === ValueType.Null) return '';
  if (v.type === ValueType.BinXml) return '';
  const d = v.type & ValueType.ArrayFlag ? decodeArray(ctx, v) : decode(ctx, v);
  if (d.kind === 'text') return d.text;
  if (d.kind === 'array') return arrayIndex >= 0 ? (d.items[arrayIndex] ?? '') : d.items.join(',');
  return '';
}

/** Number of copies an element's array-valued substitution asks for (§A.5.4 Arrays), or -1 for none. */
function arrayCount(ctx: ChunkContext, el: IrElement, values: readonly ValueRef[]): number {
  for (const c of el.children) {
    if (c.k !== IR_SUBST) continue;
    const v = values[c.index];
    if (v && v.type & ValueType.ArrayFlag) {
      const d = decodeArray(ctx, v);
      return d.kind === 'array' ? Math.max(1, d.items.length) : -1;
    }
  }
  return -1;
}

/**
 * MS-EVEN6 §3.1.4.7.2: an optional substitution whose value is NULL suppresses its enclosing element.
 * Measured on WIN-XML: `<Binary>%n</Binary>` with a NULL value is absent from Windows' rendering, while
 * normal substitutions keep an empty element (`<Data Name='P10'></Data>`), §A.5.4 / formats.md G.10.
 */
function suppressed(el: IrElement, values: readonly ValueRef[]): boolean {
  // Only when the substitution is the element's whole content: `<Event><System/>%17</Event>` with a NULL
  // EventData value keeps its Event (a record with all-NULL values is still an event, measured on
  // HelloForBusiness record 6 where python-evtx renders one).
  if (el.children.length !== 1) return false;
  const c = el.children[0]!;
  if (c.k !== IR_SUBST || !c.optional) return false;
  const v = values[c.index];
  return !v || v.type === ValueType.Null;
}

function buildElement(ctx: ChunkContext, el: IrElement, values: readonly ValueRef[], depth: number, out: EventElement[]): void {
  if (el.hasSubst && suppressed(el, values)) return;
  const copies = el.hasSubst && values.length > 0 ? arrayCount(ctx, el, values) : -1;
  if (copies < 0) {
    out.push(buildOne(ctx, el, values, depth, -1));
    return;
  }
  if (copies > ctx.limits.maxItems) throw new BinXmlError(EvtxCode.tooMany, `array with ${copies} items`, 0);
  for (let i = 0; i < copies; i++) out.push(buildOne(ctx, el, values, depth, i));
}

function buildOne(ctx: ChunkContext, el: IrElement, values: readonly ValueRef[], depth: number, arrayIndex: number): EventElement {
  spend(ctx, 1, 0);
  const attributes: Array<readonly [string, string]> = [];
  for (const a of el.attrs) {
    let s = '';
    for (const p of a.parts) s += p.k === IR_TEXT ? p.text : substText(ctx, p, values, -1);
    // An attribute whose whole value renders empty is omitted (MS-EVEN6 §2.2.12.2; measured, §A.5.4).
    if (s !== '') attributes.push([a.name, s]);
  }
  const children: EventElement[] = [];
  let text = '';
  for (const c of el.children) {
    switch (c.k) {
      case IR_TEXT:
        text += c.text;
        break;
      case IR_ELEMENT:
        buildElement(ctx, c, values, depth, children);
        break;
      case IR_TEMPLATE:
        spend(ctx, 1, c.def.offset);
        instantiate(ctx, c.def.root, c.values, depth + 1, children);
        break;
      case IR_SUBST: {
        const v = values[c.index];
        if (v && v.type === ValueType.BinXml) {
          if (v.size > 0) nestedBinXml(ctx, v, depth, children);
        } else text += substText(ctx, c, values, arrayIndex);
        break;
      }
    }
  }
  let chars = text.length;
  for (const a of attributes) chars += a[1].length;
  ctx.budget.chars -= chars;
  if (ctx.budget.chars < 0) throw new BinXmlError(EvtxCode.tooMany, `record expands to more than ${RECORD_CHAR_BUDGET} characters of text`, 0);
  const e: MutableElement = { name: el.name, attributes, children, text };
  if (el.selfClosing) e.selfClosing = true;
  return e;
}
