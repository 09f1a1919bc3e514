/**
 * PKCS#7 / CMS ContentInfo → SignedData, decoded with asn1js + pkijs (a kept ASN.1/PKCS library, not a
 * hand-written DER reader). Reports bytes after the DER object ("signature stuffing", MS13-098) and rejects
 * anything that is not SignedData. Used by readAuthenticode, the script reader and the MSI/MSIX readers
 * through readSignedData. Parsed certificates and whole clean parses are cached by the SHA-256 of their DER
 * (bounded LRU maps) so a scan maps each vendor certificate and each repeated signature once.
 * Spec: RFC 2315 §9.1, RFC 5652 §5; formats.md §B.4.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { fromBerSafe } from './asn1.js';
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
  const asn = fromBerSafe(copy, { copyInput: false });
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
    // Cached certificates keep their signature's decoded copy alive: only small signatures take part.
    signedData = (copy.length <= PARSE_CACHE_MAX_DER ? withSharedCertificates(contentInfo.content) : undefined)
      ?? new pkijs.SignedData({ schema: contentInfo.content });
  } catch (e) {
    diags.push(authDiag(AUTH_CODES.der, 'error', `SignedData does not match its schema: ${errorText(e)}`, at, 'SignedData', loc.file));
    return undefined;
  }
  return { signedData, derLength, trailing };
}

/**
 * Parsed certificates by the SHA-256 of their DER. Every signature of a vendor ships the same signer and
 * intermediate certificates, and pkijs' schema matching of the certificate set is about a third of a
 * signature's parse cost: map each certificate once per scan. Same bytes, same schema, same object.
 */
const CERT_CACHE = new Map<string, pkijs.Certificate>();
export const CERT_CACHE_ENTRIES = 256;

/**
 * SignedData with its certificate set taken from CERT_CACHE instead of pkijs' CertificateSet mapping.
 * Only the plain case (every member a SEQUENCE that maps as a Certificate on its own); anything else —
 * attribute certificates, a member pkijs refuses, a SignedData that then fails its schema — returns
 * undefined with the tree as it was, and the caller maps the whole thing the ordinary way (same result,
 * same errors as before).
 */
function withSharedCertificates(content: unknown): pkijs.SignedData | undefined {
  if (!(content instanceof asn1js.Sequence)) return undefined;
  const children = content.valueBlock.value;
  // certificates [0] can only follow version, digestAlgorithms and encapContentInfo (RFC 5652 §5.1); a [0]
  // anywhere else is for pkijs' own schema check to refuse.
  const at = 3;
  const set = children[at];
  if (!(set instanceof asn1js.Constructed) || set.idBlock.tagClass !== 3 || set.idBlock.tagNumber !== 0) return undefined;
  const certs: pkijs.Certificate[] = [];
  for (const member of set.valueBlock.value) {
    if (!(member instanceof asn1js.Sequence)) return undefined;
    const key = createHash('sha256').update(member.valueBeforeDecodeView).digest('base64');
    let cert = CERT_CACHE.get(key);
    if (!cert) {
      try {
        cert = new pkijs.Certificate({ schema: member });
      } catch {
        return undefined;
      }
      if (CERT_CACHE.size >= CERT_CACHE_ENTRIES) {
        const oldest = CERT_CACHE.keys().next().value;
        if (oldest !== undefined) CERT_CACHE.delete(oldest);
      }
      CERT_CACHE.set(key, cert);
    }
    certs.push(cert);
  }
  // The tree is this call's private copy (parseSignedData decoded its own buffer): take the set out, map the
  // rest, and put it back whatever happens.
  children.splice(at, 1);
  try {
    const sd = new pkijs.SignedData({ schema: content });
    if (sd.certificates !== undefined) return undefined;
    sd.certificates = certs;
    return sd;
  } catch {
    return undefined;
  } finally {
    children.splice(at, 0, set);
  }
}

/**
 * Parsed SignedData by the SHA-256 of its DER, most recently used last. asn1js + pkijs take 5–15 ms per
 * signature (≈90 % of a signed file's scan cost) while a scanned tree holds the same signed file in many
 * places (redistributables, copies per application): the same bytes parse to the same objects, so parse once.
 * Only clean parses are kept (no diagnostics — those would carry another file's location), only small DER,
 * and only a few entries, so memory stays bounded. Callers must treat the result as read-only (readSignedData
 * and checkSigner only read it; pkijs SignedData.verify does not modify it).
 */
const PARSE_CACHE = new Map<string, ParsedSignedData>();
export const PARSE_CACHE_ENTRIES = 32;
export const PARSE_CACHE_MAX_DER = 64 * 1024;

/**
 * Forgets cached parses (benchmarks measure the uncached cost; verification results go with them).
 * `keepCertificates` keeps the certificate cache: a new signature by a signer seen before.
 */
export function clearSignatureParseCache(opts: { readonly keepCertificates?: boolean } = {}): void {
  PARSE_CACHE.clear();
  if (!opts.keepCertificates) CERT_CACHE.clear();
}

/** parseSignedData, reusing an earlier parse of byte-identical DER (same result, same diagnostics: none). */
export function parseSignedDataCached(der: Uint8Array, loc: Pkcs7Location, diags: Diagnostic[]): ParsedSignedData | undefined {
  if (der.length > PARSE_CACHE_MAX_DER) return parseSignedData(der, loc, diags);
  const key = createHash('sha256').update(der).digest('base64');
  const hit = PARSE_CACHE.get(key);
  if (hit) {
    PARSE_CACHE.delete(key);
    PARSE_CACHE.set(key, hit);
    return hit;
  }
  const local: Diagnostic[] = [];
  const parsed = parseSignedData(der, loc, local);
  diags.push(...local);
  if (parsed && local.length === 0) {
    // `trailing` views the caller's file buffer: copy it so the cache never keeps a whole file alive.
    if (PARSE_CACHE.size >= PARSE_CACHE_ENTRIES) {
      const oldest = PARSE_CACHE.keys().next().value;
      if (oldest !== undefined) PARSE_CACHE.delete(oldest);
    }
    PARSE_CACHE.set(key, { ...parsed, trailing: parsed.trailing.slice() });
  }
  return parsed;
}

/** A library error as a lowercase message without a stack or class name. */
export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return (m.charAt(0).toLowerCase() + m.slice(1)).replace(/\.$/, '');
}
