/**
 * One event record (formats.md §A.4): `**\0\0`, size, EventRecordID, written FILETIME, the BinXml body and
 * a copy of the size. parseRecord turns one record into its own result: an EventElement tree, or a typed
 * error located by file offset, chunk and record id (§A.9.7: one bad record never ends the file).
 * Used by chunk.ts for every record it walks or carves.
 */
import { ByteCursor, TruncatedError } from '../../bytes/index.js';
import type { Diagnostic } from '../../diag/index.js';
import type { EventElement } from '../raw-event.js';
import { BinXmlError, EvtxCode, evtxDiagnostic } from './errors.js';
import { RECORD_CHAR_BUDGET, RECORD_ELEMENT_BUDGET, type ChunkContext } from './binxml/ir.js';
import { parseFragment } from './binxml/tokens.js';
import { fileTimeText } from './binxml/values.js';
import { instantiate } from './to-element.js';

export const RECORD_MAGIC = 0x00002a2a;
/** Record header (24) + trailing size copy (4). */
export const RECORD_MIN_SIZE = 28;

export type EvtxRecordResult =
  | {
      readonly ok: true;
      readonly recordId: number;
      readonly chunk: number;
      /** Absolute file offset of the record. */
      readonly offset: number;
      /** Written time from the record header, ISO 8601 with Windows' 7 fraction digits. */
      readonly timeCreated: string;
      readonly event: EventElement;
      /** Carved from chunk slack or after a broken record chain (§A.9.3, §A.9.6). */
      readonly recovered?: true;
      /** Non-fatal problems (values that could not be decoded and rendered empty). */
      readonly diagnostics?: readonly Diagnostic[];
    }
  | {
      readonly ok: false;
      readonly chunk: number;
      readonly offset: number;
      readonly recordId?: number;
      readonly diagnostic: Diagnostic;
    };

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Record id as a number (ids above 2^53 do not occur; clamp rather than lose the record). */
export function recordIdAt(b: Uint8Array, off: number): number {
  const lo = u32(b, off + 8);
  const hi = u32(b, off + 12);
  return hi < 0x200000 ? hi * 4294967296 + lo : Number.MAX_SAFE_INTEGER;
}

export function recordContext(ctx: ChunkContext, recordId: number | undefined): string {
  return recordId === undefined ? `chunk ${ctx.chunkIndex}` : `chunk ${ctx.chunkIndex}, record ${recordId}`;
}

/** A located error result for the record at chunk offset `off`. */
export function recordError(ctx: ChunkContext, off: number, recordId: number | undefined, code: string, message: string, field?: string, at?: number): EvtxRecordResult {
  return {
    ok: false,
    chunk: ctx.chunkIndex,
    offset: ctx.fileOffset + off,
    ...(recordId !== undefined ? { recordId } : {}),
    diagnostic: evtxDiagnostic(code, 'error', message, {
      offset: ctx.fileOffset + (at ?? off),
      ...(field !== undefined ? { field } : {}),
      ...(ctx.file !== undefined ? { file: ctx.file } : {}),
      context: recordContext(ctx, recordId),
    }),
  };
}

/**
 * Parses the record at chunk offset `off` whose header (magic, `size`, size copy) the caller has checked.
 * Never throws for bad input: BinXml and truncation errors become an `ok: false` result.
 */
export function parseRecord(ctx: ChunkContext, off: number, size: number, recovered = false): EvtxRecordResult {
  const b = ctx.bytes;
  const recordId = recordIdAt(b, off);
  const timeCreated = fileTimeText(u32(b, off + 16), u32(b, off + 20));
  const end = off + size - 4;
  ctx.warnings = [];
  ctx.budget = { elements: RECORD_ELEMENT_BUDGET, chars: RECORD_CHAR_BUDGET };
  try {
    const cur = new ByteCursor(b, off + 24, end, ctx.file);
    const nodes = parseFragment(ctx, cur, end, false, 0);
    const out: EventElement[] = [];
    instantiate(ctx, nodes, [], 0, out);
    const event = out[0];
    if (!event) {
      return recordError(ctx, off, recordId, EvtxCode.recordEmpty, `record ${recordId} holds no event element`, 'EventRecord.binxml', off + 24);
    }
    const diagnostics = ctx.warnings.map((d) => (d.location?.kind === 'bytes' ? { ...d, location: { ...d.location, context: recordContext(ctx, recordId) } } : d));
    return {
      ok: true,
      recordId,
      chunk: ctx.chunkIndex,
      offset: ctx.fileOffset + off,
      timeCreated,
      event,
      ...(recovered ? { recovered: true as const } : {}),
      ...(diagnostics.length > 0 ? { diagnostics } : {}),
    };
  } catch (e) {
    if (e instanceof BinXmlError) return recordError(ctx, off, recordId, e.code, e.message, e.field, e.offset > 0 ? e.offset : off + 24);
    if (e instanceof TruncatedError) {
      return recordError(ctx, off, recordId, 'bytes.truncated', `record ${recordId}: binxml ends while reading \`${e.field}\``, e.field, e.offset);
    }
    if (e instanceof RangeError) {
      // Defensive: a JS engine limit (string or array length) reached by hostile input is still a record error.
      return recordError(ctx, off, recordId, EvtxCode.tooMany, `record ${recordId}: ${e.message.toLowerCase()}`);
    }
    throw e;
  }
}
