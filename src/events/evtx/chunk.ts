/**
 * EVTX chunks (formats.md §A.3): a 512-byte header (`ElfChnk\0`, record numbers and ids, free space
 * offset, CRC-32 of the header and of the records) then records until the free space offset. Each chunk is
 * self-contained (names and templates are chunk-local), so chunks are parsed independently (§A.10.1).
 * Checksums are verified but never drop a chunk (§A.9.5). After the record chain ends (or breaks), the
 * rest of the chunk is carved at 8-byte-aligned offsets for records (§A.9.3 recovery, §A.9.6 slack).
 * Used by index.ts (readEvtx, readEvtxChunk).
 */
import { crc32 } from 'node:zlib';
import type { ByteLimits } from '../../bytes/index.js';
import type { Diagnostic } from '../../diag/index.js';
import type { EventElement } from '../raw-event.js';
import { newChunkContext } from './binxml/ir.js';
import { EvtxCode, evtxDiagnostic } from './errors.js';
import { parseRecord, recordError, recordIdAt, RECORD_MAGIC, RECORD_MIN_SIZE, type EvtxRecordResult } from './record.js';

export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
export const CHUNK_FLAG_DIRTY = 0x1;
export const CHUNK_FLAG_NO_CRC32 = 0x4;

export interface EvtxChunkHeader {
  readonly firstRecordNumber: number;
  readonly lastRecordNumber: number;
  readonly firstRecordId: number;
  readonly lastRecordId: number;
  readonly headerSize: number;
  readonly lastRecordOffset: number;
  readonly freeSpaceOffset: number;
  readonly dataChecksum: number;
  readonly flags: number;
  readonly headerChecksum: number;
  readonly headerChecksumValid: boolean;
  readonly dataChecksumValid: boolean;
}

export type ChunkState = 'ok' | 'empty' | 'bad-magic' | 'truncated';

export interface ChunkHeaderResult {
  readonly state: ChunkState;
  readonly header?: EvtxChunkHeader;
  readonly diagnostics: Diagnostic[];
}

const MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function u64n(b: Uint8Array, o: number): number {
  const hi = u32(b, o + 4);
  return hi < 0x200000 ? hi * 4294967296 + u32(b, o) : Number.MAX_SAFE_INTEGER;
}

export function hasChunkMagic(b: Uint8Array, off = 0): boolean {
  if (off + 8 > b.length) return false;
  for (let i = 0; i < 8; i++) if (b[off + i] !== MAGIC[i]) return false;
  return true;
}

function allZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function hex8(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/**
 * Reads and checks the header of chunk `index` (`chunk` = its bytes, up to 64 KiB; a truncated last chunk
 * is shorter). `skipCrc`: the file header carries the no-CRC32 flag.
 */
export function parseChunkHeader(chunk: Uint8Array, index: number, fileOffset: number, file?: string, skipCrc = false): ChunkHeaderResult {
  const loc = (off: number, field: string): { offset: number; field: string; context: string; file?: string } => ({
    offset: fileOffset + off,
    field,
    context: `chunk ${index}`,
    ...(file !== undefined ? { file } : {}),
  });
  if (!hasChunkMagic(chunk)) {
    if (allZero(chunk)) return { state: 'empty', diagnostics: [] }; // pre-allocated, never used (§A.3)
    return {
      state: 'bad-magic',
      diagnostics: [evtxDiagnostic(EvtxCode.chunkBadMagic, 'warning', `chunk ${index} has no \`ElfChnk\` signature`, loc(0, 'ChunkHeader.signature'),
        'its records are carved where they are intact (marked recovered)')],
    };
  }
  if (chunk.length < CHUNK_HEADER_SIZE) {
    return {
      state: 'truncated',
      diagnostics: [evtxDiagnostic(EvtxCode.chunkTruncated, 'warning', `chunk ${index} is cut off inside its header (${chunk.length} bytes)`, loc(chunk.length, 'ChunkHeader'))],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const flags = u32(chunk, 120);
  const headerChecksum = u32(chunk, 124);
  const dataChecksum = u32(chunk, 52);
  const freeSpaceOffset = u32(chunk, 48);
  const noCrc = skipCrc || (flags & CHUNK_FLAG_NO_CRC32) !== 0;
  // Header CRC covers [0,120) and [128,512) (§A.3).
  const headerCrc = crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120)));
  const headerChecksumValid = headerCrc === headerChecksum;
  const dataEnd = Math.min(Math.max(freeSpaceOffset, CHUNK_HEADER_SIZE), chunk.length);
  const dataCrc = crc32(chunk.subarray(CHUNK_HEADER_SIZE, dataEnd));
  const dataChecksumValid = dataCrc === dataChecksum && freeSpaceOffset <= chunk.length;
  if (!noCrc && !headerChecksumValid) {
    diagnostics.push(evtxDiagnostic(EvtxCode.chunkHeaderCrc, 'warning',
      `chunk ${index} header checksum mismatch: stored ${hex8(headerChecksum)}, computed ${hex8(headerCrc)}`, loc(124, 'ChunkHeader.headerChecksum'),
      'the chunk is parsed anyway; its records may be damaged'));
  }
  if (!noCrc && !dataChecksumValid) {
    // A data-CRC mismatch in a chunk still open for writing (flag 0x1) is normal (§A.3, measured 11/11).
    const dirty = (flags & CHUNK_FLAG_DIRTY) !== 0;
    diagnostics.push(evtxDiagnostic(EvtxCode.chunkDataCrc, dirty ? 'info' : 'warning',
      `chunk ${index} records checksum mismatch: stored ${hex8(dataChecksum)}, computed ${hex8(dataCrc)}` + (dirty ? ' (chunk was still open for writing)' : ''),
      loc(52, 'ChunkHeader.eventRecordsChecksum'), dirty ? undefined : 'the chunk is parsed anyway; its records may be damaged'));
  }
  if (freeSpaceOffset < CHUNK_HEADER_SIZE || freeSpaceOffset > CHUNK_SIZE) {
    diagnostics.push(evtxDiagnostic(EvtxCode.chunkFreeSpace, 'warning', `chunk ${index} free space offset ${freeSpaceOffset} is outside [512, 65536]`,
      loc(48, 'ChunkHeader.freeSpaceOffset'), 'records are read up to the end of the chunk'));
  }
  if (chunk.length < CHUNK_SIZE) {
    diagnostics.push(evtxDiagnostic(EvtxCode.chunkTruncated, 'warning', `chunk ${index} is cut off after ${chunk.length} of 65536 bytes`, loc(chunk.length, 'Chunk'),
      'records that are complete are read'));
  }
  return {
    state: 'ok',
    diagnostics,
    header: {
      firstRecordNumber: u64n(chunk, 8),
      lastRecordNumber: u64n(chunk, 16),
      firstRecordId: u64n(chunk, 24),
      lastRecordId: u64n(chunk, 32),
      headerSize: u32(chunk, 40),
      lastRecordOffset: u32(chunk, 44),
      freeSpaceOffset,
      dataChecksum,
      flags,
      headerChecksum,
      headerChecksumValid,
      dataChecksumValid,
    },
  };
}

/**
 * A carved record is kept only when it renders as a real event whose System/EventRecordID equals the record
 * header's id: slack records can reference template definitions that newer data has overwritten, and then
 * "parse" into nonsense (measured on issue_38.evtx), which this check rejects.
 */
export function plausibleRecovered(event: EventElement, recordId: number): boolean {
  if (event.name !== 'Event') return false;
  const system = event.children.find((c) => c.name === 'System');
  const rid = system?.children.find((c) => c.name === 'EventRecordID');
  return rid !== undefined && rid.text === String(recordId);
}

export interface ChunkRecords {
  /** Records of the chunk's record chain, in order, each ok or a located error. */
  readonly records: EvtxRecordResult[];
  /** Records carved after the chain (slack or after a break) that parsed; their ids are not in `records`. */
  readonly recovered: EvtxRecordResult[];
  /** Carved candidates (valid magic, size and size copy) whose body did not parse: old, overwritten data. */
  readonly rejected: number;
}

/**
 * Walks the record chain of a chunk (§A.4 pseudo-code), then carves the remainder when `recover`.
 * `state` 'bad-magic' chunks are carved only. Every loop advances by ≥ 8 bytes.
 */
export function readChunkRecords(
  chunk: Uint8Array,
  index: number,
  fileOffset: number,
  state: ChunkState,
  header: EvtxChunkHeader | undefined,
  limits: ByteLimits,
  recover: boolean,
  file?: string,
): ChunkRecords {
  const ctx = newChunkContext(chunk, index, fileOffset, limits, file);
  const records: EvtxRecordResult[] = [];
  const recovered: EvtxRecordResult[] = [];
  let rejected = 0;
  const len = chunk.length;
  let carveFrom = CHUNK_HEADER_SIZE;
  if (state === 'ok' && header) {
    const fso = header.freeSpaceOffset;
    const end = fso >= CHUNK_HEADER_SIZE && fso <= len ? fso : len;
    let off = CHUNK_HEADER_SIZE;
    while (off + 24 <= end) {
      const magic = u32(chunk, off);
      if (magic === 0) break; // zero fill: clean end of the chain (§A.3)
      if (magic !== RECORD_MAGIC) {
        records.push(recordError(ctx, off, undefined, EvtxCode.recordBadMagic, `expected a record signature \`**\\0\\0\` at chunk offset ${off}, found ${hex8(magic)}`, 'EventRecord.signature'));
        off += 8;
        break;
      }
      const size = u32(chunk, off + 4);
      const id = recordIdAt(chunk, off);
      if (size < RECORD_MIN_SIZE || off + size > len) {
        records.push(recordError(ctx, off, id, EvtxCode.recordSize, `record ${id} size ${size} does not fit in the chunk (offset ${off})`, 'EventRecord.size', off + 4));
        off += 8;
        break;
      }
      const copy = u32(chunk, off + size - 4);
      if (copy !== size) {
        // The chain cannot be trusted past here (log copied while being written): carve the rest (§A.9.3).
        // The record itself is often complete (python-evtx renders it): keep it when its body parses into
        // a plausible event, with a warning; otherwise it is a located error.
        const message = `record ${id} size ${size} differs from its trailing copy ${copy}`;
        const r = parseRecord(ctx, off, size);
        if (r.ok && plausibleRecovered(r.event, id)) {
          const warning = evtxDiagnostic(EvtxCode.recordSizeCopy, 'warning', message, {
            offset: fileOffset + off + size - 4, field: 'EventRecord.sizeCopy', context: `chunk ${index}, record ${id}`, ...(file !== undefined ? { file } : {}),
          });
          records.push({ ...r, diagnostics: [...(r.diagnostics ?? []), warning] });
        } else {
          records.push(recordError(ctx, off, id, EvtxCode.recordSizeCopy, message, 'EventRecord.sizeCopy', off + size - 4));
        }
        off += 8;
        break;
      }
      records.push(parseRecord(ctx, off, size));
      off += size;
    }
    carveFrom = off;
  }
  if (recover && state !== 'truncated') {
    const seen = new Set<number>();
    for (const r of records) if (r.recordId !== undefined) seen.add(r.recordId);
    let off = (carveFrom + 7) & ~7;
    while (off + RECORD_MIN_SIZE <= len) {
      if (chunk[off] !== 0x2a || chunk[off + 1] !== 0x2a || chunk[off + 2] !== 0 || chunk[off + 3] !== 0) {
        off += 8;
        continue;
      }
      const size = u32(chunk, off + 4);
      if (size < RECORD_MIN_SIZE || off + size > len || u32(chunk, off + size - 4) !== size) {
        off += 8;
        continue;
      }
      const id = recordIdAt(chunk, off);
      if (seen.has(id)) {
        off += 8;
        continue;
      }
      const r = parseRecord(ctx, off, size, true);
      if (r.ok && plausibleRecovered(r.event, id)) {
        seen.add(id);
        recovered.push(r);
        off += (size + 7) & ~7;
      } else {
        rejected++;
        off += 8;
      }
    }
  }
  return { records, recovered, rejected };
}
