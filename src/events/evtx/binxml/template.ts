/**
 * Template instances and definitions (formats.md §A.5.3): a TemplateInstance token names a definition by
 * chunk-relative offset; the first use stores it inline. Definitions are parsed once per chunk and cached
 * in the ChunkContext by offset (RUST-EVTX `IrTemplateCache`), then each instance reads only its values.
 */
import { ByteCursor } from '../../../bytes/index.js';
import { BinXmlError, EvtxCode } from '../errors.js';
import { IR_TEMPLATE, type ChunkContext, type IrTemplateInstance, type TemplateDefinition, type ValueRef } from './ir.js';
import { parseFragment } from './tokens.js';
import { guidText } from './values.js';

/** Bytes before the definition's data: next offset (4), GUID (16), data size (4). */
const DEF_HEADER = 24;

/** Parses (or fetches from the chunk cache) the template definition at `offset`. */
export function templateDefinition(ctx: ChunkContext, offset: number, depth: number, at: number): TemplateDefinition {
  const cached = ctx.templates.get(offset);
  if (cached) {
    if (cached instanceof Error) throw cached;
    return cached;
  }
  if (cached === null) throw new BinXmlError(EvtxCode.templateOffset, `template definition at offset ${offset} refers to itself`, at);
  const b = ctx.bytes;
  if (offset < 0 || offset + DEF_HEADER > b.length) {
    throw new BinXmlError(EvtxCode.templateOffset, `template definition offset ${offset} is outside the chunk`, at, 'TemplateInstance.definitionOffset');
  }
  const cur = new ByteCursor(b, offset, b.length, ctx.file);
  cur.skip(4, 'TemplateDefinition.nextOffset');
  const guid = guidText(b, cur.pos);
  cur.skip(16, 'TemplateDefinition.guid');
  const size = cur.u32le('TemplateDefinition.dataSize');
  if (size > cur.remaining) {
    const e = new BinXmlError(EvtxCode.templateOffset, `template definition at offset ${offset} claims ${size} bytes, ${cur.remaining} left in the chunk`, offset + 20, 'TemplateDefinition.dataSize');
    ctx.templates.set(offset, e);
    throw e;
  }
  ctx.templates.set(offset, null);
  try {
    const root = parseFragment(ctx, cur, cur.pos + size, true, depth + 1);
    const def: TemplateDefinition = { offset, guid, root };
    ctx.templates.set(offset, def);
    return def;
  } catch (e) {
    // Remember the failure so every later instance of this chunk fails fast with the same located error.
    ctx.templates.set(offset, e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
}

/** Reads a TemplateInstance (token byte already consumed) and its value descriptors (§A.5.3). */
export function parseTemplateInstance(ctx: ChunkContext, cur: ByteCursor, end: number, depth: number): IrTemplateInstance {
  cur.skip(1, 'TemplateInstance.unknown');
  cur.skip(4, 'TemplateInstance.templateId');
  const at = cur.pos;
  const defOffset = cur.u32le('TemplateInstance.definitionOffset');
  let def: TemplateDefinition;
  if (defOffset === cur.pos) {
    // Inline definition: parse it from here (or reuse), then skip past it.
    cur.skip(20, 'TemplateDefinition.header');
    const size = cur.u32le('TemplateDefinition.dataSize');
    def = templateDefinition(ctx, defOffset, depth, at);
    cur.skip(size, 'TemplateDefinition.data');
  } else {
    def = templateDefinition(ctx, defOffset, depth, at);
  }
  const count = cur.u32le('TemplateInstance.valueCount');
  // Cap before allocating: each descriptor takes 4 bytes of what is left of this fragment.
  if (count * 4 > end - cur.pos || count > ctx.limits.maxItems) {
    throw new BinXmlError(EvtxCode.tooMany, `template instance claims ${count} values, more than fit in ${Math.max(0, end - cur.pos)} bytes`, cur.pos - 4, 'TemplateInstance.valueCount');
  }
  const descAt = cur.pos;
  let off = descAt + count * 4;
  const values: ValueRef[] = new Array<ValueRef>(count);
  const b = ctx.bytes;
  for (let i = 0; i < count; i++) {
    const d = descAt + i * 4;
    const size = b[d]! | (b[d + 1]! << 8);
    values[i] = { type: b[d + 2]!, offset: off, size };
    off += size;
  }
  if (off > end) {
    throw new BinXmlError(EvtxCode.valueSize, `template values need ${off - descAt} bytes, ${end - descAt} left`, descAt, 'TemplateInstance.values');
  }
  cur.seek(off, 'TemplateInstance.values');
  return { k: IR_TEMPLATE, def, values };
}
