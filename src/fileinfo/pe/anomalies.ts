/**
 * Anomalies: coded warnings about a PE that still parses but is shaped in a way that matters for hashing or
 * trust — sections past EOF or overlapping, a certificate table that is not the last thing in the file or
 * sits inside a section (YourPhone.exe), trailing data that the Authenticode hash pads. An improved saferwall
 * anomaly list: values on the result, never log lines. Used by parsePe. Spec: formats.md §B.2 notes 1, 3, 4;
 * §B.3.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { DataDirectory, PeHeaders } from './headers.js';
import type { SectionHeader } from './sections.js';
import { DIRECTORY } from './raw.js';
import { PE_CODES, peDiag } from './errors.js';

/** The certificate table's place in the file, when the directory is present and non-empty. */
export function certificateDirectory(dirs: readonly DataDirectory[]): DataDirectory | undefined {
  const d = dirs[DIRECTORY.Certificate];
  return d && d.virtualAddress !== 0 && d.size !== 0 ? d : undefined;
}

export function findAnomalies(bytes: Uint8Array, headers: PeHeaders, sections: readonly SectionHeader[], file?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const size = bytes.length;
  const { sizeOfHeaders } = headers.optional;
  if (sizeOfHeaders > size) {
    out.push(peDiag(PE_CODES.sizeOfHeadersBeyondEof, 'warning', `SizeOfHeaders ${sizeOfHeaders} is larger than the file (${size} bytes)`, headers.layout.optionalHeaderOffset + 60, 'IMAGE_OPTIONAL_HEADER.SizeOfHeaders', file));
  }
  const raw = sections.filter((s) => s.sizeOfRawData > 0).sort((a, b) => a.pointerToRawData - b.pointerToRawData);
  let prevEnd = 0;
  let prevName = '';
  for (const s of raw) {
    const end = s.pointerToRawData + s.sizeOfRawData;
    if (end > size) {
      out.push(peDiag(PE_CODES.sectionBeyondEof, 'warning', `section \`${s.name}\` raw data [${s.pointerToRawData}, ${end}) runs past the end of the file (${size} bytes)`, s.headerOffset + 16, `IMAGE_SECTION_HEADER[${s.name}].SizeOfRawData`, file));
    }
    if (s.pointerToRawData < sizeOfHeaders) {
      out.push(peDiag(PE_CODES.sectionInHeaders, 'warning', `section \`${s.name}\` raw data starts at ${s.pointerToRawData}, inside the headers (SizeOfHeaders ${sizeOfHeaders})`, s.headerOffset + 20, `IMAGE_SECTION_HEADER[${s.name}].PointerToRawData`, file));
    }
    if (s.pointerToRawData < prevEnd) {
      out.push(peDiag(PE_CODES.sectionsOverlap, 'warning', `section \`${s.name}\` raw data overlaps section \`${prevName}\``, s.headerOffset + 20, `IMAGE_SECTION_HEADER[${s.name}].PointerToRawData`, file));
    }
    if (end > prevEnd) {
      prevEnd = end;
      prevName = s.name;
    }
  }
  const cert = certificateDirectory(headers.dataDirectories);
  const certField = 'IMAGE_DATA_DIRECTORY[4]';
  const certAt = headers.layout.certificateEntryOffset ?? 0;
  if (cert) {
    const end = cert.virtualAddress + cert.size;
    if (end > size) {
      out.push(peDiag(PE_CODES.certTableOutsideFile, 'warning', `certificate table [${cert.virtualAddress}, ${end}) runs past the end of the file (${size} bytes)`, certAt, certField, file));
    } else if (end !== size) {
      // Since MS12-024 a signature that is not the last thing in the file is ignored by osslsigncode (§B.2 note 4).
      out.push(peDiag(PE_CODES.certTableNotAtEnd, 'warning', `certificate table ends at ${end} but the file continues to ${size} (${size - end} bytes after it)`, certAt, certField, file));
    }
    if (cert.virtualAddress < prevEnd) {
      out.push(peDiag(PE_CODES.certTableInsideSection, 'warning', `certificate table starts at ${cert.virtualAddress}, inside section \`${prevName}\` raw data (ends at ${prevEnd})`, certAt, certField, file,
        'the Authenticode hash of such files is [uncertain]: Lockstep follows the spec order'));
    }
  } else {
    const last = Math.max(prevEnd, sizeOfHeaders);
    if (size > last && size % 8 !== 0) {
      out.push(peDiag(PE_CODES.unalignedTrailingData, 'info', `unsigned file of ${size} bytes has trailing data not a multiple of 8: the Authenticode hash pads it with ${8 - (size % 8)} zero bytes`, last, 'trailing data', file));
    }
  }
  return out;
}
