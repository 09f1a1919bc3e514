/**
 * The attribute certificate table: WIN_CERTIFICATE entries {dwLength, wRevision, wCertificateType,
 * bCertificate}, each on an 8-byte boundary, at the FILE OFFSET given by DataDirectory[4]. Walks every
 * entry (the Debian shim carries two), bounded by the table and a count cap. Used by readAuthenticode.
 * Spec: PE Format (MS Learn) "The Attribute Certificate Table (Image Only)"; formats.md §B.3.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { PeImage } from '../pe/index.js';
import { AUTH_CODES, authDiag } from './errors.js';

export const WIN_CERT_REVISION_1_0 = 0x0100;
export const WIN_CERT_REVISION_2_0 = 0x0200;
export const WIN_CERT_TYPE_X509 = 0x0001;
export const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
export const WIN_CERT_TYPE_TS_STACK_SIGNED = 0x0004;

export interface WinCertificate {
  /** File offset of the entry header. */
  readonly offset: number;
  readonly length: number;
  readonly revision: number;
  readonly certificateType: number;
  /** bCertificate (a view, not a copy). */
  readonly certificate: Uint8Array;
}

/** More entries than this in one table is hostile; real files carry one or two. */
export const MAX_CERTIFICATE_ENTRIES = 64;

export function readCertificateTable(bytes: Uint8Array, pe: PeImage, diags: Diagnostic[], file?: string): WinCertificate[] {
  const t = pe.certificateTable;
  if (!t) return [];
  const field = 'IMAGE_DATA_DIRECTORY[4]';
  if (t.offset + t.size > bytes.length || t.offset < 0) {
    diags.push(authDiag(AUTH_CODES.tableOutsideFile, 'error', `certificate table [${t.offset}, ${t.offset + t.size}) lies outside the file (${bytes.length} bytes)`, pe.layout.certificateEntryOffset ?? 0, field, file));
    return [];
  }
  const end = t.offset + t.size;
  const out: WinCertificate[] = [];
  let at = t.offset;
  while (at + 8 <= end) {
    if (out.length >= MAX_CERTIFICATE_ENTRIES) {
      diags.push(authDiag(AUTH_CODES.entryMalformed, 'warning', `more than ${MAX_CERTIFICATE_ENTRIES} WIN_CERTIFICATE entries; the rest are ignored`, at, 'WIN_CERTIFICATE', file));
      break;
    }
    const length = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
    const revision = bytes[at + 4]! | (bytes[at + 5]! << 8);
    const certificateType = bytes[at + 6]! | (bytes[at + 7]! << 8);
    if (length <= 8 || at + length > end) {
      // Padding after the last entry is zeros; a zero length there ends the table quietly.
      if (length === 0 && out.length > 0 && bytes.subarray(at, end).every((b) => b === 0)) break;
      diags.push(authDiag(AUTH_CODES.entryMalformed, 'error', `WIN_CERTIFICATE dwLength ${length} does not fit the table (${end - at} bytes left)`, at, 'WIN_CERTIFICATE.dwLength', file));
      break;
    }
    if (revision !== WIN_CERT_REVISION_2_0) {
      diags.push(authDiag(AUTH_CODES.entryRevision, 'warning', `WIN_CERTIFICATE wRevision \`0x${revision.toString(16)}\` is not 0x0200`, at + 4, 'WIN_CERTIFICATE.wRevision', file));
    }
    out.push({ offset: at, length, revision, certificateType, certificate: bytes.subarray(at + 8, at + length) });
    at = Math.ceil((at + length) / 8) * 8;
  }
  return out;
}
