/**
 * PKCS#7 SignedData as MSI (`\u0005DigitalSignature`) and MSIX (`AppxSignature.p7x`) carry it: the primary
 * signer's certificate subject, the SpcIndirectDataContent digest, and whether the signature over the
 * signed attributes verifies. DER through asn1js/pkijs (a kept library, not a hand-written one); RSA/ECDSA
 * checks through node:crypto (no I/O). Spec: shared/spec/formats.md §B.4 (structure, OIDs), §B.6, §D.3, §F.1.
 * Nested signatures and chain building are out of scope here (only signer #0 counts, applocker.md §5.1).
 */
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fail, ok, type Diagnostic, type Result } from '../../diag/index.js';
import { toHex } from '../../bytes/index.js';
// PublisherName per §B.6 comes from the PE/Authenticode helper's module, shared by MSI, MSIX and PE.
import { appLockerPublisherName, parseName, x500NameString, type DistinguishedName } from '../authenticode/publisher-name.js';

export type DigestName = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

const DIGEST_OIDS: Readonly<Record<string, DigestName>> = {
  '1.2.840.113549.2.5': 'md5', '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

export interface Pkcs7Signer {
  /** The signer certificate subject as CertNameToStr(X500, REVERSE) renders it (original case). */
  readonly signerSubject: string;
  readonly subject: DistinguishedName;
  /** AppLocker PublisherName of the signer (§B.6). */
  readonly publisherName: string;
  /** Digest algorithm of SignerInfo (and normally of the indirect data). */
  readonly digestAlgorithm?: DigestName;
  /** SpcIndirectDataContent.messageDigest: the digest of the signed file as the signer computed it. */
  readonly indirectDigest?: Uint8Array;
  readonly indirectDigestAlgorithm?: DigestName;
  /** SpcSipInfo GUID bytes as upper hex (§D.3, §F.1), when present. */
  readonly sipInfo?: string;
  /** True when messageDigest matches the content and the signature over the signed attributes verifies. */
  readonly signatureValid: boolean;
  /** Why the signature is not valid (empty when it is). */
  readonly reasons: readonly string[];
}

function bad(message: string, file?: string): Diagnostic {
  return { code: 'fileinfo.pkcs7.malformed', severity: 'error', message, ...(file !== undefined ? { location: { kind: 'bytes' as const, offset: 0, file } } : {}) };
}

/** Length of a DER tag+length header at the start of `tlv`. */
function derHeaderLength(tlv: Uint8Array): number {
  const l = tlv[1] ?? 0;
  return l < 0x80 ? 2 : 2 + (l & 0x7f);
}

function viewOf(b: asn1js.AsnType): Uint8Array {
  return new Uint8Array((b as unknown as { valueBeforeDecodeView: Uint8Array }).valueBeforeDecodeView);
}

/**
 * Reads the primary signer of a DER PKCS#7 SignedData.
 * @example
 * const r = readPkcs7Signer(der);
 * if (r.ok && r.value.signatureValid) console.log(r.value.publisherName);
 */
export function readPkcs7Signer(der: Uint8Array, opts: { file?: string } = {}): Result<Pkcs7Signer> {
  const file = opts.file;
  let sd: pkijs.SignedData;
  try {
    const asn = asn1js.fromBER(der);
    if (asn.offset === -1) return fail([bad(`signature is not DER: ${asn.result.error || 'decode error'}`, file)]);
    const ci = new pkijs.ContentInfo({ schema: asn.result });
    if (ci.contentType !== OID_SIGNED_DATA) return fail([bad(`signature content type is \`${ci.contentType}\`, not SignedData`, file)]);
    sd = new pkijs.SignedData({ schema: ci.content });
  } catch (e) {
    // pkijs reports schema mismatches by throwing; that is a malformed input, not a program error.
    return fail([bad(`signature is not a PKCS#7 SignedData: ${(e as Error).message.toLowerCase().split('\n')[0]}`, file)]);
  }
  const si = sd.signerInfos[0];
  if (!si) return fail([bad('SignedData has no SignerInfo', file)]);
  const reasons: string[] = [];

  // The signer certificate: matched by issuer + serial (IssuerAndSerialNumber), else the first certificate.
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  let cert: pkijs.Certificate | undefined;
  if (si.sid instanceof pkijs.IssuerAndSerialNumber) {
    const sid = si.sid;
    cert = certs.find((c) => c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer));
  }
  if (!cert) return fail([bad('the signer certificate is not in the SignedData', file)]);
  const subject = parseName(new Uint8Array(cert.subject.toSchema().toBER()));
  if (!subject) return fail([bad('the signer certificate subject is not a readable Name', file)]);

  const digestAlgorithm = DIGEST_OIDS[si.digestAlgorithm.algorithmId];
  if (!digestAlgorithm) reasons.push(`unsupported digest algorithm \`${si.digestAlgorithm.algorithmId}\``);

  // SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }
  let indirectDigest: Uint8Array | undefined;
  let indirectDigestAlgorithm: DigestName | undefined;
  let sipInfo: string | undefined;
  let contentTlv: Uint8Array | undefined;
  const eContent = sd.encapContentInfo.eContent as asn1js.AsnType | undefined;
  if (sd.encapContentInfo.eContentType !== OID_SPC_INDIRECT_DATA || !eContent) {
    reasons.push(`content is \`${sd.encapContentInfo.eContentType}\`, not SpcIndirectDataContent`);
  } else {
    contentTlv = viewOf(eContent);
    const parsed = asn1js.fromBER(contentTlv);
    const seq = parsed.result;
    if (seq instanceof asn1js.Sequence) {
      const [data, digestInfo] = seq.valueBlock.value;
      if (data instanceof asn1js.Sequence) {
        const v = data.valueBlock.value[1];
        if (v instanceof asn1js.Sequence && v.valueBlock.value[1] instanceof asn1js.OctetString) {
          sipInfo = toHex(v.valueBlock.value[1].valueBlock.valueHexView);
        }
      }
      if (digestInfo instanceof asn1js.Sequence) {
        const [alg, dig] = digestInfo.valueBlock.value;
        const oid = alg instanceof asn1js.Sequence ? alg.valueBlock.value[0] : undefined;
        if (oid instanceof asn1js.ObjectIdentifier) indirectDigestAlgorithm = DIGEST_OIDS[oid.valueBlock.toString()];
        if (dig instanceof asn1js.OctetString) indirectDigest = new Uint8Array(dig.valueBlock.valueHexView);
      }
    }
    if (!indirectDigest) reasons.push('SpcIndirectDataContent has no message digest');
  }

  // Signed attributes: messageDigest must equal H(content octets of SpcIndirectDataContent) (§B.4).
  if (digestAlgorithm && contentTlv) {
    const md = si.signedAttrs?.attributes.find((a) => a.type === OID_MESSAGE_DIGEST)?.values[0];
    const want = md instanceof asn1js.OctetString ? toHex(md.valueBlock.valueHexView) : undefined;
    const got = toHex(createHash(digestAlgorithm).update(contentTlv.subarray(derHeaderLength(contentTlv))).digest());
    if (!want) reasons.push('the signed attributes carry no messageDigest');
    else if (want !== got) reasons.push(`the signed messageDigest \`${want}\` does not match the signed content \`${got}\``);
  }

  // The signature over the DER SET OF signed attributes, with the signer's public key.
  if (digestAlgorithm && si.signedAttrs) {
    try {
      const key = createPublicKey({ key: Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER()), format: 'der', type: 'spki' });
      const signed = new Uint8Array(si.signedAttrs.encodedValue);
      const sig = new Uint8Array(si.signature.valueBlock.valueHexView);
      if (!cryptoVerify(digestAlgorithm, signed, key, sig)) reasons.push('the signature over the signed attributes does not verify');
    } catch (e) {
      reasons.push(`the signer key could not check the signature: ${(e as Error).message.toLowerCase()}`);
    }
  } else if (!si.signedAttrs) reasons.push('the SignerInfo has no signed attributes');

  return ok({
    signerSubject: x500NameString(subject),
    subject,
    publisherName: appLockerPublisherName(subject).publisherName,
    ...(digestAlgorithm ? { digestAlgorithm } : {}),
    ...(indirectDigest ? { indirectDigest } : {}),
    ...(indirectDigestAlgorithm ? { indirectDigestAlgorithm } : {}),
    ...(sipInfo ? { sipInfo } : {}),
    signatureValid: reasons.length === 0,
    reasons,
  });
}
