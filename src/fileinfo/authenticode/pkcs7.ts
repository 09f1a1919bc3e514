/**
 * PKCS#7 / CMS ContentInfo → SignedData, decoded with asn1js + pkijs (a kept ASN.1/PKCS library, not a
 * hand-written DER reader). Reports bytes after the DER object ("signature stuffing", MS13-098) and rejects
 * anything that is not SignedData. Used by readAuthenticode, the script reader and the MSI/MSIX readers
 * through readSignedData. Spec: RFC 2315 §9.1, RFC 5652 §5; formats.md §B.4.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Diagnostic } from '../../diag/index.js';
import { AUTH_CODES, authDiag } from './errors.js';

export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';
export const OID_NESTED_SIGNATURE = '1.3.6.1.4.1.311.2.4.1';
export const OID_COUNTER_SIGNATURE = '1.2.840.113549.1.9.6';
export const OID_RFC3161_TIMESTAMP = '1.3.6.1.4.1.311.3.3.1';
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';

export interface ParsedSignedData {
  readonly signedData: pkijs.SignedData;
  /** Length of the DER ContentInfo; bytes after it inside the container are `trailing`. */
  readonly derLength: number;
  readonly trailing: Uint8Array;
}

export interface Pkcs7Location {
  readonly file?: string;
  /** File offset of `der[0]`, for diagnostics. */
  readonly offset?: number;
}

/** Decodes a DER ContentInfo holding SignedData. Malformed input → undefined plus an error in `diags`. */
export function parseSignedData(der: Uint8Array, loc: Pkcs7Location, diags: Diagnostic[]): ParsedSignedData | undefined {
  const at = loc.offset ?? 0;
  // asn1js wants its own buffer; a signature is a few KiB, so the copy is cheap and keeps the file untouched.
  // One private copy (even when `der` is a Buffer view); asn1js then works on it without copying again —
  // its default per-call copy made parsing ~4× slower (measured on kernel32.dll's 15 KB signature).
  const copy = new Uint8Array(der);
  const asn = asn1js.fromBER(copy, { copyInput: false });
  if (asn.offset === -1 || asn.result.error) {
    diags.push(authDiag(AUTH_CODES.der, 'error', `signature is not valid DER: ${asn.result.error || 'decoding failed'}`, at, 'ContentInfo', loc.file));
    return undefined;
  }
  const derLength = asn.offset;
  const trailing = der.subarray(derLength);
  // Zero bytes after the DER are the 8-byte alignment padding signers add; anything else is stuffing.
  if (trailing.some((b) => b !== 0)) {
    diags.push(authDiag(AUTH_CODES.trailingBytes, 'warning', `${trailing.length} bytes follow the signature's DER object (signature stuffing)`, at + derLength, 'WIN_CERTIFICATE.bCertificate', loc.file,
      'Windows ignores them unless EnableCertPaddingCheck is set (MS13-098)'));
  }
  let contentInfo: pkijs.ContentInfo;
  try {
    contentInfo = new pkijs.ContentInfo({ schema: asn.result });
  } catch (e) {
    diags.push(authDiag(AUTH_CODES.der, 'error', `signature is not a PKCS#7 ContentInfo: ${errorText(e)}`, at, 'ContentInfo', loc.file));
    return undefined;
  }
  if (contentInfo.contentType !== OID_SIGNED_DATA) {
    diags.push(authDiag(AUTH_CODES.notSignedData, 'error', `ContentInfo type \`${contentInfo.contentType}\` is not SignedData (1.2.840.113549.1.7.2)`, at, 'ContentInfo.contentType', loc.file));
    return undefined;
  }
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch (e) {
    diags.push(authDiag(AUTH_CODES.der, 'error', `SignedData does not match its schema: ${errorText(e)}`, at, 'SignedData', loc.file));
    return undefined;
  }
  return { signedData, derLength, trailing };
}

/** A library error as a lowercase message without a stack or class name. */
export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return (m.charAt(0).toLowerCase() + m.slice(1)).replace(/\.$/, '');
}
