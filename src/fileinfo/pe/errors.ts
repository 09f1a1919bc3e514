/**
 * The diagnostic codes of the PE reader (`fileinfo.pe.*`) and a helper that builds a located diagnostic.
 * Errors are fatal for parsePe (the file is not a usable PE image); warnings are anomalies on a file that
 * still parses (formats.md §B.1, §B.2 note 4, §B.3, §B.7).
 */
import type { Diagnostic, Severity } from '../../diag/index.js';

export const PE_CODES = {
  notPe: 'fileinfo.pe.not-pe',
  truncated: 'fileinfo.pe.truncated',
  badLfanew: 'fileinfo.pe.bad-e-lfanew',
  badOptionalMagic: 'fileinfo.pe.bad-optional-magic',
  optionalHeaderTooSmall: 'fileinfo.pe.optional-header-too-small',
  tooManySections: 'fileinfo.pe.too-many-sections',
  sizeOfHeadersBeyondEof: 'fileinfo.pe.size-of-headers-beyond-eof',
  sectionBeyondEof: 'fileinfo.pe.section-beyond-eof',
  sectionsOverlap: 'fileinfo.pe.sections-overlap',
  sectionInHeaders: 'fileinfo.pe.section-inside-headers',
  directoriesTruncated: 'fileinfo.pe.data-directories-truncated',
  rvaCountLarge: 'fileinfo.pe.rva-count-large',
  certTableOutsideFile: 'fileinfo.pe.certificate-table-outside-file',
  certTableNotAtEnd: 'fileinfo.pe.certificate-table-not-at-end',
  certTableInsideSection: 'fileinfo.pe.certificate-table-inside-section',
  unalignedTrailingData: 'fileinfo.pe.unaligned-trailing-data',
  resourceUnmapped: 'fileinfo.pe.resource-unmapped',
  resourceLoop: 'fileinfo.pe.resource-loop',
  resourceTooDeep: 'fileinfo.pe.resource-too-deep',
  resourceTruncated: 'fileinfo.pe.resource-truncated',
  resourceTooManyEntries: 'fileinfo.pe.resource-too-many-entries',
  versionMultipleLanguages: 'fileinfo.pe.version-multiple-languages',
  versionMalformed: 'fileinfo.pe.version-malformed',
  versionBadSignature: 'fileinfo.pe.version-bad-fixed-signature',
  versionNoTranslation: 'fileinfo.pe.version-no-translation',
  versionTableMissing: 'fileinfo.pe.version-string-table-missing',
} as const;

export type PeCode = (typeof PE_CODES)[keyof typeof PE_CODES];

/** A diagnostic located at a byte offset and a named field. */
export function peDiag(
  code: PeCode,
  severity: Severity,
  message: string,
  offset: number,
  field: string,
  file?: string,
  help?: string,
): Diagnostic {
  return {
    code,
    severity,
    message,
    location: { kind: 'bytes', offset, field, ...(file !== undefined ? { file } : {}) },
    ...(help !== undefined ? { help } : {}),
  };
}
