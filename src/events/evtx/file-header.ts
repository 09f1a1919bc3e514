/**
 * The EVTX file header (formats.md §A.2): signature `ElfFile\0`, chunk numbers, version, flags and the
 * CRC-32 of bytes [0,120). Validation follows the §A.2 policy: a wrong signature is fatal (with a separate
 * code for a legacy `.evt` file); a bad CRC, inconsistent chunk numbers or the dirty flag are warnings and
 * everything is derived from the chunks themselves. Used by index.ts (readEvtx).
 */
import { crc32 } from 'node:zlib';
import { ByteCursor, TruncatedError } from '../../bytes/index.js';
import type { Diagnostic } from '../../diag/index.js';
import { EvtxCode, evtxDiagnostic } from './errors.js';

export const FILE_HEADER_BLOCK = 4096;
export const FILE_FLAG_DIRTY = 0x1;
export const FILE_FLAG_FULL = 0x2;
export const FILE_FLAG_NO_CRC32 = 0x4;

export interface EvtxFileHeader {
  readonly firstChunkNumber: number;
  readonly lastChunkNumber: number;
  readonly nextRecordId: number;
  readonly headerSize: number;
  readonly minorVersion: number;
  readonly majorVersion: number;
  readonly headerBlockSize: number;
  /** The header's u16 chunk count (often stale; readEvtx derives the count from the file size, §A.1). */
  readonly chunkCount: number;
  readonly flags: number;
  readonly checksum: number;
  readonly checksumValid: boolean;
  readonly dirty: boolean;
  readonly full: boolean;
}

const MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

/** True when the bytes start with the EVTX signature `ElfFile\0`. */
export function isEvtx(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/** Legacy Windows NT/XP event log (EVT): header size 0x30 then `LfLe` at offset 4. */
export function isLegacyEvt(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[4] === 0x4c && bytes[5] === 0x66 && bytes[6] === 0x4c && bytes[7] === 0x65;
}

function num(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

export interface FileHeaderResult {
  readonly header: EvtxFileHeader | undefined;
  readonly diagnostics: Diagnostic[];
  /** False when the input is not an EVTX file at all (no records can follow). */
  readonly isEvtx: boolean;
}

export function parseFileHeader(bytes: Uint8Array, file?: string): FileHeaderResult {
  const loc = (offset: number, field?: string): { offset: number; field?: string; file?: string } => ({
    offset,
    ...(field !== undefined ? { field } : {}),
    ...(file !== undefined ? { file } : {}),
  });
  if (!isEvtx(bytes)) {
    if (isLegacyEvt(bytes)) {
      return {
        header: undefined,
        isEvtx: false,
        diagnostics: [
          evtxDiagnostic(EvtxCode.legacyEvt, 'error', 'this is a legacy windows event log (`.evt`, signature `LfLe`), not evtx', loc(4, 'signature'),
            'export it on a current windows with `wevtutil epl old.evt new.evtx /lf:true`, or read the text export instead'),
        ],
      };
    }
    return {
      header: undefined,
      isEvtx: false,
      diagnostics: [
        evtxDiagnostic(EvtxCode.notEvtx, 'error', 'not an evtx file: the signature `ElfFile` is missing', loc(0, 'signature'),
          'give a `.evtx` file, or an event export the text readers understand (xml, json, csv)'),
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  try {
    const c = new ByteCursor(bytes, 8, bytes.length, file);
    const firstChunkNumber = num(c.u64le('FileHeader.firstChunkNumber'));
    const lastChunkNumber = num(c.u64le('FileHeader.lastChunkNumber'));
    const nextRecordId = num(c.u64le('FileHeader.nextRecordIdentifier'));
    const headerSize = c.u32le('FileHeader.headerSize');
    const minorVersion = c.u16le('FileHeader.minorVersion');
    const majorVersion = c.u16le('FileHeader.majorVersion');
    const headerBlockSize = c.u16le('FileHeader.headerBlockSize');
    const chunkCount = c.u16le('FileHeader.numberOfChunks');
    c.seek(120, 'FileHeader.flags');
    const flags = c.u32le('FileHeader.flags');
    const checksum = c.u32le('FileHeader.checksum');
    const checksumValid = crc32(bytes.subarray(0, 120)) === checksum;
    const header: EvtxFileHeader = {
      firstChunkNumber, lastChunkNumber, nextRecordId, headerSize, minorVersion, majorVersion, headerBlockSize, chunkCount,
      flags, checksum, checksumValid, dirty: (flags & FILE_FLAG_DIRTY) !== 0, full: (flags & FILE_FLAG_FULL) !== 0,
    };
    if (!checksumValid && (flags & FILE_FLAG_NO_CRC32) === 0) {
      diagnostics.push(evtxDiagnostic(EvtxCode.headerCrc, 'warning',
        `file header checksum mismatch: stored 0x${checksum.toString(16).padStart(8, '0')}, computed 0x${crc32(bytes.subarray(0, 120)).toString(16).padStart(8, '0')}`,
        loc(124, 'FileHeader.checksum'), 'header values are not trusted; chunks are read from the file size'));
    }
    if (firstChunkNumber > lastChunkNumber) {
      diagnostics.push(evtxDiagnostic(EvtxCode.headerInconsistent, 'warning',
        `file header first chunk ${firstChunkNumber} is after last chunk ${lastChunkNumber}`, loc(8, 'FileHeader.firstChunkNumber')));
    }
    if (header.dirty) {
      diagnostics.push(evtxDiagnostic(EvtxCode.dirty, 'warning', 'the log was not closed cleanly (dirty flag set): header counts may be stale',
        loc(120, 'FileHeader.flags'), 'every chunk in the file is read, including those past the header count'));
    }
    if (bytes.length < FILE_HEADER_BLOCK) {
      diagnostics.push(evtxDiagnostic(EvtxCode.headerTruncated, 'error', `file ends inside the 4096-byte header block (${bytes.length} bytes)`, loc(bytes.length)));
    }
    return { header, diagnostics, isEvtx: true };
  } catch (e) {
    if (!(e instanceof TruncatedError)) throw e;
    diagnostics.push({ ...e.diagnostic, code: EvtxCode.headerTruncated });
    return { header: undefined, diagnostics, isEvtx: true };
  }
}
