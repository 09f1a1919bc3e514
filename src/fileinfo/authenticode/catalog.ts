/**
 * Security catalogs (.cat): PKCS#7 SignedData whose content is a Certificate Trust List (szOID_CTL) listing
 * member files by hash — how inbox Windows binaries without an embedded signature are signed. Reads the
 * members' digests (SpcIndirectDataContent per member: the Authenticode hash for PE members, the flat hash
 * otherwise), checks the catalog's own signature like any Authenticode signer, and finds a file's member by
 * its SHA-1/SHA-256 Authenticode hash. Offline this only works with the catalogs supplied (a copied CatRoot).
 * Used by fileinfo/identify.ts when a catalog directory is given. Spec: formats.md §B.8 (MS-CAESO; SIGNIFY
 * asn1/ctl.py, authenticode/trust_list.py); AARONLOCKER2 GetSignerInfo.
 */
import * as asn1js from 'asn1js';
import { fromBerSafe } from './asn1.js';
import type { Diagnostic } from '../../diag/index.js';
import { AUTH_CODES, authDiag } from './errors.js';
import { parseSignedData } from './pkcs7.js';
import { readSpcIndirectData } from './spc-indirect-data.js';
import { checkSigner, type SignerCheck } from './signer.js';
import { OID_SPC_INDIRECT_DATA } from './pkcs7.js';

export const OID_CTL = '1.3.6.1.4.1.311.10.1';
export const OID_CATALOG_LIST = '1.3.6.1.4.1.311.12.1.1';
export const OID_CAT_NAMEVALUE = '1.3.6.1.4.1.311.12.2.1';
const SUBJECT_ALGORITHMS: Readonly<Record<string, 'sha1' | 'sha256'>> = {
  '1.3.6.1.4.1.311.12.1.2': 'sha1',
  '1.3.6.1.4.1.311.12.1.3': 'sha256',
};

export interface CatalogMember {
  /** The CTL subject identifier (the member's hash, or a tag), upper-case hex. */
  readonly subjectIdentifier: string;
  /** SpcIndirectDataContent digests of the member, upper-case hex by algorithm. */
  readonly digests: Readonly<Partial<Record<'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512', string>>>;
  /** CAT_NAMEVALUE attributes such as `File`, `OSAttr` (name → value). */
  readonly nameValues: Readonly<Record<string, string>>;
}

export interface CatalogInfo {
  readonly subjectAlgorithm?: 'sha1' | 'sha256';
  readonly members: readonly CatalogMember[];
  /** The catalog's signer check (undefined for an unsigned catalog). */
  readonly signer?: SignerCheck;
  /** PublisherName for files matched in this catalog, ONLY when the catalog's signature verifies. */
  readonly publisher?: { readonly publisherName: string };
  readonly reasons: readonly Diagnostic[];
}

/** More members than this in one catalog is hostile (Windows' largest catalogs hold tens of thousands). */
export const MAX_CATALOG_MEMBERS = 500_000;

const hex = (b: ArrayBuffer | Uint8Array): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex').toUpperCase();

/**
 * Reads a security catalog.
 *
 * @example
 * const cat = await readCatalog(catBytes);
 * findCatalogMember(cat, { sha256: authenticodeDigest(exe, pe) }); // the member, or undefined
 */
export async function readCatalog(der: Uint8Array, opts: { readonly file?: string } = {}): Promise<CatalogInfo> {
  const reasons: Diagnostic[] = [];
  const parsed = parseSignedData(der, opts, reasons);
  if (!parsed) return { members: [], reasons };
  const sd = parsed.signedData;
  if (sd.encapContentInfo.eContentType !== OID_CTL) {
    reasons.push(authDiag(AUTH_CODES.notIndirectData, 'error', `SignedData content type \`${sd.encapContentInfo.eContentType}\` is not a certificate trust list (${OID_CTL})`, 0, 'SignedData.contentInfo.contentType', opts.file));
    return { members: [], reasons };
  }
  // makecat embeds the CTL itself ([0] EXPLICIT SEQUENCE, like SpcIndirectDataContent); plain CMS signers
  // (openssl cms) wrap it in an OCTET STRING. Accept both; the signed bytes differ accordingly.
  let ctl: asn1js.AsnType | undefined = sd.encapContentInfo.eContent;
  let contentOctets: Uint8Array | undefined = ctl instanceof asn1js.Sequence ? new Uint8Array(ctl.valueBlock.valueBeforeDecodeView) : undefined;
  if (ctl instanceof asn1js.OctetString) {
    const inner = new Uint8Array(ctl.getValue());
    const asn = fromBerSafe(inner.slice().buffer);
    contentOctets = inner;
    ctl = asn.offset === -1 ? undefined : asn.result;
  }
  if (!(ctl instanceof asn1js.Sequence) || !contentOctets) {
    reasons.push(authDiag(AUTH_CODES.der, 'error', 'the certificate trust list is not a SEQUENCE', 0, 'CertificateTrustList', opts.file));
    return { members: [], reasons };
  }
  // CTL ::= SEQUENCE { version DEFAULT v1, subjectUsage, listIdentifier OPT, sequenceNumber OPT, thisUpdate,
  //   nextUpdate OPT, subjectAlgorithm, trustedSubjects OPT, extensions [0] OPT } — the optional fields make
  // positions vary, so locate subjectAlgorithm (a SEQUENCE starting with an OID) after thisUpdate.
  const fields = ctl.valueBlock.value;
  let subjectAlgorithm: 'sha1' | 'sha256' | undefined;
  let subjects: asn1js.Sequence | undefined;
  for (let i = 1; i < fields.length; i++) {
    const f = fields[i];
    if (!(f instanceof asn1js.Sequence)) continue;
    const first = f.valueBlock.value[0];
    if (subjectAlgorithm === undefined && first instanceof asn1js.ObjectIdentifier && SUBJECT_ALGORITHMS[first.valueBlock.toString()]) {
      subjectAlgorithm = SUBJECT_ALGORITHMS[first.valueBlock.toString()];
      const next = fields[i + 1];
      if (next instanceof asn1js.Sequence) subjects = next;
      break;
    }
  }
  const members: CatalogMember[] = [];
  const list = subjects?.valueBlock.value ?? [];
  if (list.length > MAX_CATALOG_MEMBERS) {
    reasons.push(authDiag(AUTH_CODES.entryMalformed, 'error', `catalog lists ${list.length} members, over the cap of ${MAX_CATALOG_MEMBERS}`, 0, 'CertificateTrustList.trustedSubjects', opts.file));
    return { ...(subjectAlgorithm ? { subjectAlgorithm } : {}), members: [], reasons };
  }
  for (const s of list) {
    if (!(s instanceof asn1js.Sequence)) continue;
    const [id, attrs] = s.valueBlock.value;
    if (!(id instanceof asn1js.OctetString)) continue;
    const digests: Record<string, string> = {};
    const nameValues: Record<string, string> = {};
    for (const a of attrs instanceof asn1js.Set ? attrs.valueBlock.value : []) {
      if (!(a instanceof asn1js.Sequence)) continue;
      const [type, values] = a.valueBlock.value;
      if (!(type instanceof asn1js.ObjectIdentifier) || !(values instanceof asn1js.Set)) continue;
      const oid = type.valueBlock.toString();
      for (const v of values.valueBlock.value) {
        if (oid === OID_SPC_INDIRECT_DATA) {
          const spc = readSpcIndirectData(v);
          if (spc?.digestAlgorithm) digests[spc.digestAlgorithm] = hex(spc.digest);
        } else if (oid === OID_CAT_NAMEVALUE && v instanceof asn1js.Sequence) {
          // CAT_NAMEVALUE ::= SEQUENCE { tag BMPString, flags INTEGER, value OCTET STRING (UTF-16LE, NUL-terminated) }
          const [tag, , value] = v.valueBlock.value;
          if (tag instanceof asn1js.BmpString && value instanceof asn1js.OctetString) {
            nameValues[tag.valueBlock.value] = new TextDecoder('utf-16le').decode(value.valueBlock.valueHexView).replace(/\0+$/, '');
          }
        }
      }
    }
    members.push({ subjectIdentifier: hex(id.valueBlock.valueHexView), digests, nameValues });
  }
  let signer: SignerCheck | undefined;
  let publisher: { publisherName: string } | undefined;
  if (sd.signerInfos.length > 0) {
    signer = await checkSigner(sd, contentOctets, opts);
    reasons.push(...signer.reasons);
    if (signer.signatureVerified && signer.messageDigestMatches && signer.signer) publisher = { publisherName: signer.signer.publisherName };
  } else {
    reasons.push(authDiag(AUTH_CODES.noSignature, 'info', 'the catalog is not signed: its members get no publisher', undefined, undefined, opts.file));
  }
  return { ...(subjectAlgorithm ? { subjectAlgorithm } : {}), members, ...(signer ? { signer } : {}), ...(publisher ? { publisher } : {}), reasons };
}

/** The member whose SpcIndirectDataContent digest (or subject identifier) equals one of the file's hashes. */
export function findCatalogMember(catalog: CatalogInfo, fileDigests: Readonly<Partial<Record<'sha1' | 'sha256', string>>>): CatalogMember | undefined {
  const wanted = new Set(Object.values(fileDigests).filter((d): d is string => d !== undefined).map((d) => d.toUpperCase()));
  return catalog.members.find((m) => wanted.has(m.subjectIdentifier) || Object.values(m.digests).some((d) => d !== undefined && wanted.has(d)));
}
