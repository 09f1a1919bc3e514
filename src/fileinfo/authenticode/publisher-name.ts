/**
 * AppLocker's PublisherName from a signer certificate's Subject, read from the DER (not from a library's
 * display string, which reorders and escapes differently from Windows): `O=…, L=…, S=…, C=…` upper-cased
 * when O and at least one of L/S/C exist, else the full subject as CertNameToStr(CERT_X500_NAME_STR |
 * CERT_NAME_STR_REVERSE_FLAG) renders it, upper-cased. Used by signer.ts and by the MSI/script readers.
 * Spec: formats.md §B.6 (AARONLOCKER2, verified against Get-AppLockerFileInformation); applocker.md §5.1.
 */
import * as asn1js from 'asn1js';
import { fromBerSafe } from './asn1.js';

/** One attribute of a Name, value decoded to text by its string tag. */
export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

/** A Name as stored: RDNs in DER order, each a set of one or more attributes. */
export type DistinguishedName = readonly (readonly NameAttribute[])[];

const OID_O = '2.5.4.10';
const OID_L = '2.5.4.7';
const OID_S = '2.5.4.8';
const OID_C = '2.5.4.6';

/** CertNameToStr X.500 keys (wincrypt.h CERT_RDN_ATTR names; unknown OIDs print as `OID.n.n=`). */
const X500_KEYS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.6': 'C',
  '2.5.4.8': 'S',
  '2.5.4.9': 'STREET',
  '2.5.4.12': 'T',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.17': 'PostalCode',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.44': 'GenerationQualifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.3.6.1.4.1.311.60.2.1.3': 'OID.1.3.6.1.4.1.311.60.2.1.3',
};

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const utf16be = new TextDecoder('utf-16be');

/** Decodes a DirectoryString by tag (§B.6): UTF8, Printable, IA5, T61 (as Latin-1), BMP, Universal. */
function decodeDirectoryString(v: asn1js.AsnType): string {
  const b = v as asn1js.BaseBlock;
  const tag = b.idBlock.tagNumber;
  // The contents octets: the DER as read minus the identifier and length octets.
  const raw = b.valueBeforeDecodeView.subarray(b.idBlock.blockLength + b.lenBlock.blockLength);
  switch (tag) {
    case 12: // UTF8String
      return utf8.decode(raw);
    case 19: // PrintableString
    case 22: // IA5String
    case 26: // VisibleString
    case 20: // T61String / TeletexString — treated as Latin-1 like Windows
      return latin1.decode(raw);
    case 30: // BMPString
      return utf16be.decode(raw);
    case 28: { // UniversalString (UTF-32BE)
      let s = '';
      for (let i = 0; i + 3 < raw.length; i += 4) s += String.fromCodePoint(((raw[i]! << 24) | (raw[i + 1]! << 16) | (raw[i + 2]! << 8) | raw[i + 3]!) >>> 0 & 0x10ffff);
      return s;
    }
    default:
      return `#${Buffer.from(raw).toString('hex')}`;
  }
}

/** Parses DER `Name` (SEQUENCE OF SET OF AttributeTypeAndValue). Returns undefined on malformed input. */
export function parseName(der: ArrayBuffer | Uint8Array): DistinguishedName | undefined {
  const asn = fromBerSafe(der instanceof Uint8Array ? new Uint8Array(der) : new Uint8Array(der.slice(0)), { copyInput: false });
  if (asn.offset === -1 || !(asn.result instanceof asn1js.Sequence)) return undefined;
  const out: NameAttribute[][] = [];
  for (const rdn of asn.result.valueBlock.value) {
    if (!(rdn instanceof asn1js.Set)) return undefined;
    const set: NameAttribute[] = [];
    for (const atv of rdn.valueBlock.value) {
      if (!(atv instanceof asn1js.Sequence)) return undefined;
      const [t, v] = atv.valueBlock.value;
      if (!(t instanceof asn1js.ObjectIdentifier) || !v) return undefined;
      set.push({ oid: t.valueBlock.toString(), value: decodeDirectoryString(v) });
    }
    out.push(set);
  }
  return out;
}

/**
 * Upper-cases one UTF-16 code unit at a time, as Windows does; where JavaScript's full mapping would change
 * the length (`ß` → `SS`) the original unit is kept. No locale rules (§B.6 step 2).
 */
export function upperCaseLikeWindows(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const u = c.toUpperCase();
    out += u.length === 1 ? u : c;
  }
  return out;
}

/** Quotes a value the way CertNameToStr does when it holds `, + = " \n < > # ;` or has outer spaces. */
function quoteX500(v: string): string {
  if (v === '' || /[,+="\n<>#;]/.test(v) || /^\s|\s$/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

/** CertNameToStr(CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG): most-specific RDN first, `, ` / ` + `. */
export function x500NameString(name: DistinguishedName): string {
  return [...name]
    .reverse()
    .map((rdn) => rdn.map((a) => `${X500_KEYS[a.oid] ?? `OID.${a.oid}`}=${quoteX500(a.value)}`).join(' + '))
    .join(', ');
}

/** The first value of `oid` in DER order, and how many there were. */
function firstValue(name: DistinguishedName, oid: string): { value?: string; count: number } {
  let value: string | undefined;
  let count = 0;
  for (const rdn of name) {
    for (const a of rdn) {
      if (a.oid !== oid) continue;
      count++;
      if (value === undefined) value = a.value;
    }
  }
  return value !== undefined ? { value, count } : { count };
}

export interface PublisherNameResult {
  readonly publisherName: string;
  /** Which rule of §B.6 produced it. */
  readonly form: 'O-L-S-C' | 'x500-fallback';
  /** True when the subject has more than one O (practically non-existent; the first is used). */
  readonly multipleOrganizations: boolean;
}

/**
 * AppLocker's PublisherName for a subject (§B.6 steps 1–4).
 *
 * @example
 * appLockerPublisherName(parseName(subjectDer)!).publisherName; // 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US'
 */
export function appLockerPublisherName(name: DistinguishedName): PublisherNameResult {
  const o = firstValue(name, OID_O);
  const l = firstValue(name, OID_L).value;
  const s = firstValue(name, OID_S).value;
  const c = firstValue(name, OID_C).value;
  const multipleOrganizations = o.count > 1;
  if (o.value !== undefined && (l !== undefined || s !== undefined || c !== undefined)) {
    let text = `O=${o.value}`;
    if (l !== undefined) text += `, L=${l}`;
    if (s !== undefined) text += `, S=${s}`;
    if (c !== undefined) text += `, C=${c}`;
    return { publisherName: upperCaseLikeWindows(text), form: 'O-L-S-C', multipleOrganizations };
  }
  return { publisherName: upperCaseLikeWindows(x500NameString(name)), form: 'x500-fallback', multipleOrganizations };
}
