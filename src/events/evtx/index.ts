/**
 * The native EVTX reader's public facade (formats.md §A; issue 5 item 1). Pipeline, one module per stage:
 * file-header.ts → chunk.ts → record.ts → binxml/{tokens,template,values}.ts → ir → to-element.ts →
 * render-xml.ts / render-json.ts. Pure: takes the file's bytes, returns values.
 *
 * readEvtx reads the file header and every chunk header eagerly (cheap: native CRC-32), so
 * `diagnostics` holds the file- and chunk-level findings at once; `records()` then parses chunk by chunk.
 * Records carved from slack (recovery) come last, and only those whose EventRecordID no chain record has.
 * readEvtxChunk parses one chunk on its own so the CLI edge can spread chunks over worker threads.
 */
import { DEFAULT_LIMITS, type ByteLimits } from '../../bytes/index.js';
import type { Diagnostic } from '../../diag/index.js';
import { CHUNK_SIZE, parseChunkHeader, readChunkRecords, type ChunkState, type EvtxChunkHeader } from './chunk.js';
import { EvtxCode, evtxDiagnostic } from './errors.js';
import { FILE_FLAG_NO_CRC32, FILE_HEADER_BLOCK, parseFileHeader, type EvtxFileHeader } from './file-header.js';
import type { EvtxRecordResult } from './record.js';

export { isEvtx, isLegacyEvt, type EvtxFileHeader } from './file-header.js';
export type { EvtxChunkHeader, ChunkState } from './chunk.js';
export type { EvtxRecordResult } from './record.js';
export { EvtxCode } from './errors.js';
export { renderEventXml, escapeXmlText, escapeXmlAttribute, type RenderXmlOptions } from './render-xml.js';
export { renderEventJson, type JsonValue } from './render-json.js';
export { fileTimeText } from './binxml/values.js';

export interface ReadEvtxOptions {
  /** File name for diagnostics. */
  readonly file?: string;
  /** Caps on counts, sizes and nesting (defaults: DEFAULT_LIMITS). */
  readonly limits?: Partial<ByteLimits>;
  /** Carve intact records from chunk slack and after broken record chains (§A.9). Default true. */
  readonly recover?: boolean;
}

export interface EvtxFile {
  readonly header: EvtxFileHeader | undefined;
  /**
   * File- and chunk-level findings (not-evtx, checksums, dirty flag, bad chunk magic). Filled when
   * readEvtx returns; `records()` appends one info note when carved candidates had to be rejected.
   */
  readonly diagnostics: Diagnostic[];
  /** Every record, in physical chunk order; then recovered ones. Each is its own ok/error result. */
  records(): Generator<EvtxRecordResult>;
  /** Chunk slots in the file, from its size (§A.1; a trailing partial chunk counts). */
  readonly chunkCount: number;
}

export interface EvtxChunkResult {
  readonly chunk: number;
  readonly state: ChunkState;
  readonly header?: EvtxChunkHeader;
  readonly diagnostics: Diagnostic[];
  readonly records: EvtxRecordResult[];
  /** Carved records; deduplicate across chunks with `dedupeRecovered`. */
  readonly recovered: EvtxRecordResult[];
  readonly rejected: number;
}

function limitsOf(opts: ReadEvtxOptions): ByteLimits {
  return { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
}

/** Number of chunk slots: whole chunks plus a trailing partial one (§A.1; truncated files, §A.9). */
export function chunkSlots(fileSize: number): number {
  return fileSize > FILE_HEADER_BLOCK ? Math.ceil((fileSize - FILE_HEADER_BLOCK) / CHUNK_SIZE) : 0;
}

function chunkBytes(bytes: Uint8Array, index: number): { view: Uint8Array; fileOffset: number } {
  const fileOffset = FILE_HEADER_BLOCK + index * CHUNK_SIZE;
  return { view: bytes.subarray(fileOffset, Math.min(bytes.length, fileOffset + CHUNK_SIZE)), fileOffset };
}

/** Parses chunk `chunkIndex` of the EVTX file `bytes` on its own (chunks are independent, §A.10.1). */
export function readEvtxChunk(bytes: Uint8Array, chunkIndex: number, opts: ReadEvtxOptions = {}): EvtxChunkResult {
  const { view, fileOffset } = chunkBytes(bytes, chunkIndex);
  const skipCrc = bytes.length >= 124 && ((bytes[120]! | (bytes[121]! << 8)) & FILE_FLAG_NO_CRC32) !== 0;
  const h = parseChunkHeader(view, chunkIndex, fileOffset, opts.file, skipCrc);
  const r = readChunkRecords(view, chunkIndex, fileOffset, h.state, h.header, limitsOf(opts), opts.recover ?? true, opts.file);
  return { chunk: chunkIndex, state: h.state, ...(h.header ? { header: h.header } : {}), diagnostics: h.diagnostics, ...r };
}

/**
 * Keeps the carved records whose EventRecordID is in no chain record (`seen`) nor an earlier carved one
 * (slack often holds older copies of live records, §A.9.3). Adds the kept ids to `seen`.
 */
export function dedupeRecovered(recovered: readonly EvtxRecordResult[], seen: Set<number>): EvtxRecordResult[] {
  const out: EvtxRecordResult[] = [];
  for (const r of recovered) {
    if (r.recordId === undefined || seen.has(r.recordId)) continue;
    seen.add(r.recordId);
    out.push(r);
  }
  return out;
}

/** The info note about carved candidates that did not parse (old, partly overwritten records). */
export function rejectedNote(rejected: number, file?: string): Diagnostic {
  return evtxDiagnostic(EvtxCode.recoveredRejected, 'info',
    `${rejected} record-shaped blocks in chunk slack did not parse and were skipped`, { offset: 0, ...(file !== undefined ? { file } : {}) },
    'they are leftovers of overwritten records; intact ones are returned as recovered');
}

/** Reads an EVTX file (formats.md §A). Never throws on bad input: see `diagnostics` and each record result. */
export function readEvtx(bytes: Uint8Array, opts: ReadEvtxOptions = {}): EvtxFile {
  const fh = parseFileHeader(bytes, opts.file);
  const diagnostics = [...fh.diagnostics];
  if (!fh.isEvtx) {
    return { header: undefined, diagnostics, chunkCount: 0, *records() {} };
  }
  const limits = limitsOf(opts);
  const recover = opts.recover ?? true;
  const skipCrc = fh.header !== undefined && (fh.header.flags & FILE_FLAG_NO_CRC32) !== 0;
  const count = chunkSlots(bytes.length);
  const heads = new Array<ReturnType<typeof parseChunkHeader>>(count);
  for (let i = 0; i < count; i++) {
    const { view, fileOffset } = chunkBytes(bytes, i);
    const h = parseChunkHeader(view, i, fileOffset, opts.file, skipCrc);
    heads[i] = h;
    diagnostics.push(...h.diagnostics);
  }
  return {
    header: fh.header,
    diagnostics,
    chunkCount: count,
    *records() {
      const seen = new Set<number>();
      const carved: EvtxRecordResult[] = [];
      let rejected = 0;
      for (let i = 0; i < count; i++) {
        const h = heads[i]!;
        if (h.state === 'empty') continue;
        const { view, fileOffset } = chunkBytes(bytes, i);
        const r = readChunkRecords(view, i, fileOffset, h.state, h.header, limits, recover, opts.file);
        for (const rec of r.records) {
          if (rec.ok) seen.add(rec.recordId);
          yield rec;
        }
        carved.push(...r.recovered);
        rejected += r.rejected;
      }
      yield* dedupeRecovered(carved, seen);
      if (rejected > 0) diagnostics.push(rejectedNote(rejected, opts.file));
    },
  };
}
