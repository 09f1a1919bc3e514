/**
 * Diagnostic codes of the Authenticode reader (`fileinfo.authenticode.*`). A signature that gives no
 * publisher always carries at least one of these as a reason (formats.md §B.3–§B.6).
 */
import type { Diagnostic, Severity } from '../../diag/index.js';

export const AUTH_CODES = {
  noSignature: 'fileinfo.authenticode.no-signature',
  tableOutsideFile: 'fileinfo.authenticode.table-outside-file',
  entryMalformed: 'fileinfo.authenticode.entry-malformed',
  entryRevision: 'fileinfo.authenticode.entry-revision',
  entryType: 'fileinfo.authenticode.entry-type',
  extraEntries: 'fileinfo.authenticode.extra-entries',
  duplicateEntry: 'fileinfo.authenticode.duplicate-entry',
  trailingBytes: 'fileinfo.authenticode.signature-stuffing',
  der: 'fileinfo.authenticode.bad-der',
  notSignedData: 'fileinfo.authenticode.not-signed-data',
  notIndirectData: 'fileinfo.authenticode.not-spc-indirect-data',
  signerCount: 'fileinfo.authenticode.signer-count',
  signerNotFound: 'fileinfo.authenticode.signer-certificate-missing',
  unsupportedDigest: 'fileinfo.authenticode.unsupported-digest',
  digestMismatch: 'fileinfo.authenticode.digest-mismatch',
  digestAlgorithmMismatch: 'fileinfo.authenticode.digest-algorithm-mismatch',
  messageDigestMismatch: 'fileinfo.authenticode.message-digest-mismatch',
  noSignedAttributes: 'fileinfo.authenticode.no-signed-attributes',
  badSignature: 'fileinfo.authenticode.bad-signature',
  unsupportedKey: 'fileinfo.authenticode.unsupported-key',
  explicitEcc: 'fileinfo.authenticode.explicit-ecc-parameters',
  nestedTooDeep: 'fileinfo.authenticode.nested-too-deep',
  chainNotTrusted: 'fileinfo.authenticode.chain-not-trusted',
  noCodeSigningEku: 'fileinfo.authenticode.no-code-signing-eku',
  primaryInvalid: 'fileinfo.authenticode.primary-signature-invalid',
  multipleOrganizations: 'fileinfo.authenticode.multiple-o-attributes',
} as const;

export type AuthenticodeCode = (typeof AUTH_CODES)[keyof typeof AUTH_CODES];

export function authDiag(code: AuthenticodeCode, severity: Severity, message: string, offset?: number, field?: string, file?: string, help?: string): Diagnostic {
  return {
    code,
    severity,
    message,
    ...(offset !== undefined ? { location: { kind: 'bytes' as const, offset, ...(field !== undefined ? { field } : {}), ...(file !== undefined ? { file } : {}) } } : {}),
    ...(help !== undefined ? { help } : {}),
  };
}
