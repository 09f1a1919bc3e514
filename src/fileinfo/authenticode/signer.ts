/**
 * The signer of one SignedData: find its certificate (issuer + serial, or subject key identifier), check
 * the messageDigest attribute against the hash of SpcIndirectDataContent's contents octets, and verify the
 * signature over the signed attributes — with pkijs `SignedData.verify({checkChain: false})` on Node's
 * webcrypto engine, falling back to node:crypto `verify` for what webcrypto cannot do (MD5, old Apple
 * signatures). Refuses ECC keys with explicit curve parameters (CVE-2020-0601 "CurveBall"). No chain to a
 * trusted root and no revocation is checked. Verification outcomes and certificate summaries are memoised
 * per parsed object (WeakMaps; parses are shared for identical bytes, pkcs7.ts). Used by readSignedData.
 * Spec: formats.md §B.4 steps 2–6.
 */
import { createHash, createPublicKey, verify as nodeVerify, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Diagnostic } from '../../diag/index.js';
import { AUTH_CODES, authDiag } from './errors.js';
import { DIGEST_OIDS } from './spc-indirect-data.js';
import { OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, errorText } from './pkcs7.js';
import { appLockerPublisherName, parseName, x500NameString, type DistinguishedName } from './publisher-name.js';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** The facts about a certificate that Lockstep reports. */
export interface CertificateSummary {
  /** CertNameToStr-style subject, most specific first, original case. */
  readonly subject: string;
  readonly issuer: string;
  /** Serial number, upper-case hex as stored. */
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** The subject as parsed from the DER (for PublisherName). */
  readonly subjectName: DistinguishedName;
  /** AppLocker's PublisherName for this subject (§B.6), whatever the signature's validity. */
  readonly publisherName: string;
  /** The public key algorithm OID. */
  readonly keyAlgorithm: string;
}

export interface SignerCheck {
  readonly signer?: CertificateSummary;
  /** messageDigest attribute == hash(contents octets of the content); undefined when not checkable. */
  readonly messageDigestMatches?: boolean;
  /** The signature over the signed attributes verifies with the signer certificate's key. */
  readonly signatureVerified: boolean;
  readonly verifiedBy?: 'pkijs' | 'node:crypto';
  /** Signer certificate allows code signing: true/false from its EKU extension, undefined when it has none (any purpose). */
  readonly codeSigningEku?: boolean;
  /** Chain to one of the caller's trusted roots (only when roots were given; pkijs path building, no revocation). */
  readonly chainVerified?: boolean;
  readonly reasons: Diagnostic[];
}

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] });

const hex = (b: ArrayBuffer | Uint8Array): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex').toUpperCase();

/** Summarises a pkijs Certificate (subject read from the DER, not from pkijs' flattened RDNs). */
export function summariseCertificate(cert: pkijs.Certificate): CertificateSummary {
  // Parsed certificates are shared by byte-identical signatures (parseSignedDataCached): summarise each once.
  let s = SUMMARIES.get(cert);
  if (!s) {
    s = summariseUncached(cert);
    SUMMARIES.set(cert, s);
  }
  return s;
}

const SUMMARIES = new WeakMap<pkijs.Certificate, CertificateSummary>();

function summariseUncached(cert: pkijs.Certificate): CertificateSummary {
  const subjectName = parseName(new Uint8Array(cert.subject.valueBeforeDecode)) ?? [];
  const issuerName = parseName(new Uint8Array(cert.issuer.valueBeforeDecode)) ?? [];
  return {
    subject: x500NameString(subjectName),
    issuer: x500NameString(issuerName),
    serialNumber: hex(cert.serialNumber.valueBlock.valueHexView),
    notBefore: isoDate(cert.notBefore.value),
    notAfter: isoDate(cert.notAfter.value),
    subjectName,
    publisherName: appLockerPublisherName(subjectName).publisherName,
    keyAlgorithm: cert.subjectPublicKeyInfo.algorithm.algorithmId,
  };
}

/** A certificate date as ISO text; hostile DER can hold dates JavaScript cannot represent. */
function isoDate(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'invalid' : d.toISOString();
}

/** ECC key whose parameters are an explicit curve (a SEQUENCE) instead of a named-curve OID. */
export function hasExplicitEccParameters(cert: pkijs.Certificate): boolean {
  const alg = cert.subjectPublicKeyInfo.algorithm;
  return alg.algorithmId === OID_EC_PUBLIC_KEY && alg.algorithmParams !== undefined && !(alg.algorithmParams instanceof asn1js.ObjectIdentifier);
}

function findSignerCertificate(sd: pkijs.SignedData, si: pkijs.SignerInfo): pkijs.Certificate | undefined {
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  if (si.sid instanceof pkijs.IssuerAndSerialNumber) {
    const sid = si.sid;
    return certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  // v3 SignerInfo: [0] SubjectKeyIdentifier — match the certificate's SKI extension.
  const sidBlock = si.sid as asn1js.BaseBlock & { valueBlock: { valueHexView?: Uint8Array; value?: asn1js.BaseBlock[] } };
  const keyId = sidBlock.valueBlock.valueHexView ?? (sidBlock.valueBlock.value?.[0] as unknown as { valueBlock: { valueHexView: Uint8Array } } | undefined)?.valueBlock.valueHexView;
  if (!keyId) return undefined;
  return certs.find((c) => {
    const ext = c.extensions?.find((e) => e.extnID === '2.5.29.14');
    const v = ext?.parsedValue as asn1js.OctetString | undefined;
    return v !== undefined && hex(v.valueBlock.valueHexView) === hex(keyId);
  });
}

export interface SignerCheckOptions {
  readonly file?: string;
  readonly offset?: number;
  /**
   * DER certificates to trust as roots. When given, the signer must chain to one of them (pkijs
   * CertificateChainValidationEngine over the certificates in the signature; no revocation). When absent,
   * no chain is checked — say so (TrustScope).
   */
  readonly trustedRoots?: readonly Uint8Array[];
  /** Time at which certificates must be valid for the chain check (default: now). */
  readonly checkDate?: Date;
}

const OID_EKU = '2.5.29.37';
const OID_EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const OID_EKU_ANY = '2.5.29.37.0';

/** true/false when the certificate has an EKU extension (code signing or any purpose listed?), undefined otherwise. */
export function allowsCodeSigning(cert: pkijs.Certificate): boolean | undefined {
  const ext = cert.extensions?.find((e) => e.extnID === OID_EKU);
  if (!ext) return undefined;
  const purposes = (ext.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  return purposes.includes(OID_EKU_CODE_SIGNING) || purposes.includes(OID_EKU_ANY);
}

async function verifyChain(sd: pkijs.SignedData, signer: pkijs.Certificate, roots: readonly Uint8Array[], checkDate: Date): Promise<{ ok: boolean; message: string }> {
  try {
    const trustedCerts = roots.map((der) => pkijs.Certificate.fromBER(new Uint8Array(der)));
    const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    const chain = new pkijs.CertificateChainValidationEngine({ trustedCerts, certs: [...certs.filter((c) => c !== signer), signer], checkDate });
    const r = await chain.verify({}, engine);
    return { ok: r.result === true, message: r.resultMessage ?? '' };
  } catch (e) {
    return { ok: false, message: errorText(e) };
  }
}

interface VerifyOutcome {
  readonly signatureVerified: boolean;
  readonly verifiedBy?: 'pkijs' | 'node:crypto';
  /** Why neither verifier could use the key (message text, no location). */
  readonly keyError?: string;
}

/**
 * Verification outcomes per parsed SignedData (and messageDigest outcome). Everything the check reads is
 * inside that object (signer info, signed attributes, signature, certificate), and parsed objects are shared
 * for byte-identical signatures (parseSignedDataCached), so a repeated signature is verified once. WeakMap:
 * entries go when the parse cache drops the object.
 */
const VERIFY_CACHE = new WeakMap<pkijs.SignedData, Map<string, VerifyOutcome>>();

/** §B.4 step 3: the signature over the signed attributes, pkijs first, node:crypto for what webcrypto cannot do. */
async function verifySignature(sd: pkijs.SignedData, si: pkijs.SignerInfo, cert: pkijs.Certificate, attrs: pkijs.SignedAndUnsignedAttributes,
  digestAlgorithm: string, messageDigestMatches: boolean | undefined): Promise<VerifyOutcome> {
  const key = `${digestAlgorithm}:${String(messageDigestMatches)}`;
  let perSd = VERIFY_CACHE.get(sd);
  const hit = perSd?.get(key);
  if (hit) return hit;
  let signatureVerified = false;
  let verifiedBy: 'pkijs' | 'node:crypto' | undefined;
  let keyError: string | undefined;
  let pkijsError: string | undefined;
  if (messageDigestMatches && digestAlgorithm !== 'md5') {
    try {
      const r = await sd.verify({ signer: 0, checkChain: false, extendedMode: true }, engine);
      signatureVerified = r.signatureVerified === true;
      verifiedBy = 'pkijs';
    } catch (e) {
      pkijsError = errorText(e);
    }
  }
  if (verifiedBy === undefined && messageDigestMatches !== undefined) {
    // Webcrypto has no MD5 and rejects some key encodings; node:crypto verifies the same bytes (the signed
    // attributes re-tagged as SET — pkijs keeps that encoding in encodedValue; §B.4 step 3).
    try {
      const spki = cert.subjectPublicKeyInfo.toSchema().toBER(false);
      const pub = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      signatureVerified = nodeVerify(digestAlgorithm, new Uint8Array(attrs.encodedValue), pub, si.signature.valueBlock.valueHexView);
      verifiedBy = 'node:crypto';
    } catch (e) {
      keyError = `${errorText(e)}${pkijsError ? `; pkijs: ${pkijsError}` : ''}`;
    }
  }
  const outcome: VerifyOutcome = { signatureVerified, ...(verifiedBy ? { verifiedBy } : {}), ...(keyError !== undefined ? { keyError } : {}) };
  if (!perSd) {
    perSd = new Map();
    VERIFY_CACHE.set(sd, perSd);
  }
  perSd.set(key, outcome);
  return outcome;
}

/** Checks signerInfos[0] of `sd` over `contentOctets` (the DER value of the encapsulated content). */
export async function checkSigner(sd: pkijs.SignedData, contentOctets: Uint8Array, opts: SignerCheckOptions): Promise<SignerCheck> {
  const reasons: Diagnostic[] = [];
  const at = opts.offset;
  const file = opts.file;
  const si = sd.signerInfos[0];
  if (sd.signerInfos.length !== 1) {
    reasons.push(authDiag(AUTH_CODES.signerCount, sd.signerInfos.length === 0 ? 'error' : 'warning', `SignedData has ${sd.signerInfos.length} SignerInfos; Authenticode requires exactly one`, at, 'SignedData.signerInfos', file));
  }
  if (!si) return { signatureVerified: false, reasons };
  const cert = findSignerCertificate(sd, si);
  if (!cert) {
    reasons.push(authDiag(AUTH_CODES.signerNotFound, 'error', 'no certificate in the signature matches the SignerInfo issuer and serial number', at, 'SignerInfo.sid', file));
    return { signatureVerified: false, reasons };
  }
  const signer = summariseCertificate(cert);
  const digestAlgorithm = DIGEST_OIDS[si.digestAlgorithm.algorithmId];
  if (!digestAlgorithm) {
    reasons.push(authDiag(AUTH_CODES.unsupportedDigest, 'error', `SignerInfo digest algorithm \`${si.digestAlgorithm.algorithmId}\` is not supported`, at, 'SignerInfo.digestAlgorithm', file));
    return { signer, signatureVerified: false, reasons };
  }
  const attrs = si.signedAttrs;
  if (!attrs) {
    reasons.push(authDiag(AUTH_CODES.noSignedAttributes, 'error', 'SignerInfo has no signed attributes; Authenticode requires contentType and messageDigest', at, 'SignerInfo.authenticatedAttributes', file));
    return { signer, signatureVerified: false, reasons };
  }
  // §B.4 step 2: messageDigest == H(contents octets of SpcIndirectDataContent) — node:crypto, so MD5 works too.
  const mdAttr = attrs.attributes.find((a) => a.type === OID_MESSAGE_DIGEST)?.values[0];
  const hasContentType = attrs.attributes.some((a) => a.type === OID_CONTENT_TYPE);
  let messageDigestMatches: boolean | undefined;
  if (mdAttr instanceof asn1js.OctetString && hasContentType) {
    const want = hex(mdAttr.valueBlock.valueHexView);
    const got = createHash(digestAlgorithm).update(contentOctets).digest('hex').toUpperCase();
    messageDigestMatches = want === got;
    if (!messageDigestMatches) {
      reasons.push(authDiag(AUTH_CODES.messageDigestMismatch, 'error', `messageDigest attribute \`${want}\` is not the ${digestAlgorithm} of the signed content (\`${got}\`)`, at, 'SignerInfo.authenticatedAttributes.messageDigest', file));
    }
  } else {
    reasons.push(authDiag(AUTH_CODES.noSignedAttributes, 'error', 'signed attributes lack contentType or messageDigest', at, 'SignerInfo.authenticatedAttributes', file));
  }
  // CVE-2020-0601: a key with explicit curve parameters can impersonate a root's named curve. Windows now
  // rejects them; so does Lockstep, for the signer and for every certificate shipped in the signature.
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const explicit = certs.filter(hasExplicitEccParameters);
  if (explicit.length > 0) {
    reasons.push(authDiag(AUTH_CODES.explicitEcc, 'error',
      `${explicit.length} certificate(s) use ECC keys with explicit curve parameters (${explicit.map((c) => `\`${summariseCertificate(c).subject}\``).join(', ')}): CurveBall-style spoofing (CVE-2020-0601)`,
      at, 'SignedData.certificates', file, 'Windows rejects such keys since January 2020; the signature is not trusted'));
    return { signer, ...(messageDigestMatches !== undefined ? { messageDigestMatches } : {}), signatureVerified: false, reasons };
  }
  const v = await verifySignature(sd, si, cert, attrs, digestAlgorithm, messageDigestMatches);
  const { signatureVerified, verifiedBy } = v;
  if (v.keyError !== undefined) {
    reasons.push(authDiag(AUTH_CODES.unsupportedKey, 'error', `the signer's key cannot verify the signature: ${v.keyError}`, at, 'SignerInfo.encryptedDigest', file));
  }
  if (verifiedBy !== undefined && !signatureVerified) {
    reasons.push(authDiag(AUTH_CODES.badSignature, 'error', `the signature over the signed attributes does not verify with the key of \`${signer.subject}\``, at, 'SignerInfo.encryptedDigest', file));
  }
  // An EKU extension without code signing is a certificate not meant for code (A_SSLippery_Slope.exe, §B.4
  // step 5); Windows refuses it whatever the chain. No EKU extension = any purpose.
  const codeSigningEku = allowsCodeSigning(cert);
  if (codeSigningEku === false) {
    reasons.push(authDiag(AUTH_CODES.noCodeSigningEku, 'error', `the signer certificate \`${signer.subject}\` is not allowed to sign code (its extended key usage lacks 1.3.6.1.5.5.7.3.3)`, at, 'Certificate.extensions.extKeyUsage', file));
  }
  let chainVerified: boolean | undefined;
  if (opts.trustedRoots && signatureVerified) {
    const r = await verifyChain(sd, cert, opts.trustedRoots, opts.checkDate ?? new Date());
    chainVerified = r.ok;
    if (!r.ok) reasons.push(authDiag(AUTH_CODES.chainNotTrusted, 'error', `the signer \`${signer.subject}\` does not chain to a trusted root: ${r.message.charAt(0).toLowerCase() + r.message.slice(1).replace(/\.$/, '')}`, at, 'SignedData.certificates', file));
  }
  return {
    signer,
    ...(messageDigestMatches !== undefined ? { messageDigestMatches } : {}),
    signatureVerified,
    ...(verifiedBy ? { verifiedBy } : {}),
    ...(codeSigningEku !== undefined ? { codeSigningEku } : {}),
    ...(chainVerified !== undefined ? { chainVerified } : {}),
    reasons,
  };
}
