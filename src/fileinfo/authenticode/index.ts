/**
 * The Authenticode reader's public facade. `readAuthenticode(bytes, pe)` walks every WIN_CERTIFICATE entry,
 * every SignedData with SpcIndirectDataContent including nested signatures, checks each against the
 * computed image hash and verifies its signature, and derives AppLocker's PublisherName from the PRIMARY
 * signature only when that signature is valid. `readSignedData(der, …)` is the same check for any
 * Authenticode-style PKCS#7 (signed scripts, MSI, MSIX). What is NOT checked offline, as AppLocker would:
 * no chain to a trusted root, no EKU, no validity period, no revocation, no timestamp; catalog signatures
 * (§B.8) are not looked up. Used by fileinfo/identify.ts and the CLI. Spec: formats.md §B.2–§B.6, §B.8.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { PeImage } from '../pe/index.js';
import { authenticodeDigests, type DigestAlgorithm } from './digest.js';
import { readCertificateTable, WIN_CERT_TYPE_PKCS_SIGNED_DATA } from './certificate-table.js';
import { OID_COUNTER_SIGNATURE, OID_NESTED_SIGNATURE, OID_RFC3161_TIMESTAMP, OID_SPC_INDIRECT_DATA, parseSignedDataCached } from './pkcs7.js';
import { readSpcIndirectData, OID_SPC_PE_IMAGE_DATA } from './spc-indirect-data.js';
import { checkSigner, type CertificateSummary } from './signer.js';
import { AUTH_CODES, authDiag } from './errors.js';

export { authenticodeDigest, authenticodeDigestBytes, authenticodeDigests, authenticodeRangeList, authenticodeRanges, flatSha256, type DigestAlgorithm } from './digest.js';
export { appLockerPublisherName, parseName, upperCaseLikeWindows, x500NameString, type DistinguishedName, type NameAttribute, type PublisherNameResult } from './publisher-name.js';
export { readCertificateTable, type WinCertificate } from './certificate-table.js';
export type { CertificateSummary } from './signer.js';
export { AUTH_CODES } from './errors.js';
export { clearSignatureParseCache } from './pkcs7.js';
export { readCatalog, findCatalogMember, type CatalogInfo, type CatalogMember } from './catalog.js';

/** One signature (primary or nested) and what was checked about it. */
export interface SignatureInfo {
  /** 0 = the primary signature of the first entry (the one AppLocker uses); then nested ones, in order. */
  readonly index: number;
  /** Which WIN_CERTIFICATE entry it came from (0-based), and its nesting depth (0 = not nested). */
  readonly entry: number;
  readonly depth: number;
  /** SpcIndirectDataContent.data.type (1.3.6.1.4.1.311.2.1.15 for PE images, .30 SpcSipInfo for scripts/MSI). */
  readonly dataType?: string;
  readonly sipGuid?: string;
  /** Digest algorithm of the signed file hash (`sha256`…), or the OID when unsupported. */
  readonly digestAlgorithm: string;
  /** The file hash the signer signed, upper-case hex. */
  readonly signedDigest?: string;
  /** The hash Lockstep computed over the file in the same algorithm, upper-case hex. */
  readonly computedDigest?: string;
  readonly digestMatches: boolean;
  readonly messageDigestMatches: boolean;
  readonly signatureVerified: boolean;
  readonly verifiedBy?: 'pkijs' | 'node:crypto';
  /** From the signer certificate's EKU extension; undefined when it has none (any purpose). */
  readonly codeSigningEku?: boolean;
  /** Chains to a caller-supplied trusted root; undefined when no roots were given. */
  readonly chainVerified?: boolean;
  readonly signer?: CertificateSummary;
  /** Whether a counter-signature or RFC 3161 timestamp is present (not verified). */
  readonly timestamped: boolean;
  /** digestMatches && messageDigestMatches && signatureVerified && no blocking reason. */
  readonly valid: boolean;
  readonly reasons: readonly Diagnostic[];
}

/** What is and is not checked offline — carried on every result so nobody mistakes "valid" for "trusted". */
export interface TrustScope {
  /** True only when the caller supplied trusted roots (`trustedRoots`). */
  readonly chainChecked: boolean;
  readonly revocationChecked: false;
  readonly timestampChecked: false;
  readonly catalogChecked: false;
  readonly note: string;
}

export const OFFLINE_TRUST_SCOPE: TrustScope = {
  chainChecked: false,
  revocationChecked: false,
  timestampChecked: false,
  catalogChecked: false,
  note: 'checked: file digest, messageDigest attribute, signature over the signed attributes with the signer certificate key, '
    + 'code-signing EKU when the certificate has one, ECC explicit-parameter keys refused. not checked: chain to a trusted root '
    + '(no roots given), validity dates, revocation, timestamps, catalog (.cat) signatures — AppLocker on Windows checks these with WinVerifyTrust',
};

/** The scope when the caller supplied trusted roots: the chain is built and checked (pkijs), revocation still is not. */
export const ROOTED_TRUST_SCOPE: TrustScope = {
  chainChecked: true,
  revocationChecked: false,
  timestampChecked: false,
  catalogChecked: false,
  note: 'checked: file digest, messageDigest attribute, signature over the signed attributes, code-signing EKU, chain to one of the '
    + 'supplied trusted roots with validity at the check date (pkijs), ECC explicit-parameter keys refused. not checked: revocation, '
    + 'timestamps, catalog (.cat) signatures',
};

/** Options shared by every reader that checks signatures. */
export interface TrustOptions {
  /** DER roots to require a chain to (e.g. the reference machine's exported root store); none = no chain check. */
  readonly trustedRoots?: readonly Uint8Array[];
  /** When certificates must be valid for the chain check (default now). */
  readonly checkDate?: Date;
}

export interface AuthenticodeInfo {
  /** At least one PKCS#7 signature was found. */
  readonly signed: boolean;
  readonly entries: readonly { readonly offset: number; readonly length: number; readonly revision: number; readonly certificateType: number }[];
  /** Primary signature first, then nested signatures, then signatures of further entries. */
  readonly signatures: readonly SignatureInfo[];
  /** AppLocker's PublisherName, ONLY when the primary signature is valid. */
  readonly publisher?: { readonly publisherName: string };
  /** Why there is no publisher (or why the file is suspect): never empty when `publisher` is absent. */
  readonly reasons: readonly Diagnostic[];
  /** Computed image hashes by algorithm: always sha256, plus every other algorithm a signature uses (sha1 only then). */
  readonly imageDigests: Readonly<Partial<Record<DigestAlgorithm, string>>>;
  readonly trust: TrustScope;
}

export interface ReadSignedDataOptions extends TrustOptions {
  /** The file hash this signature should carry, computed by the caller, upper-case hex. */
  readonly expectedDigest: (algorithm: DigestAlgorithm) => string | undefined;
  readonly file?: string;
  /** File offset of the DER, for diagnostics. */
  readonly offset?: number;
  /** Expected SpcIndirectDataContent data type (e.g. PE image data); a different one is a warning. */
  readonly expectedDataType?: string;
  /** Signatures found so far are numbered from here. */
  readonly firstIndex?: number;
  readonly entry?: number;
}

/** Nested signatures deeper than this, or more in total, are refused (hostile input). */
export const MAX_NESTED_DEPTH = 4;
export const MAX_SIGNATURES = 32;

/**
 * Checks one DER ContentInfo (Authenticode SignedData) and every signature nested in it.
 *
 * @example
 * const sigs = await readSignedData(der, { expectedDigest: (a) => (a === 'sha256' ? myHash : undefined) });
 * sigs[0]?.valid; // true when digest, messageDigest and signature all check
 */
export async function readSignedData(der: Uint8Array, opts: ReadSignedDataOptions, diags: Diagnostic[] = []): Promise<SignatureInfo[]> {
  const out: SignatureInfo[] = [];
  await walk(der, opts, 0, out, diags);
  return out;
}

async function walk(der: Uint8Array, opts: ReadSignedDataOptions, depth: number, out: SignatureInfo[], diags: Diagnostic[]): Promise<void> {
  const { file } = opts;
  const at = opts.offset;
  if (out.length >= MAX_SIGNATURES) {
    diags.push(authDiag(AUTH_CODES.nestedTooDeep, 'warning', `more than ${MAX_SIGNATURES} signatures; the rest are ignored`, at, 'SPC_NESTED_SIGNATURE', file));
    return;
  }
  const local: Diagnostic[] = [];
  const parsed = parseSignedDataCached(der, { ...(file !== undefined ? { file } : {}), ...(at !== undefined ? { offset: at } : {}) }, local);
  const index = (opts.firstIndex ?? 0) + out.length;
  const entry = opts.entry ?? 0;
  const failed = (reasons: Diagnostic[], extra: Partial<SignatureInfo> = {}): void => {
    out.push({ index, entry, depth, digestAlgorithm: 'unknown', digestMatches: false, messageDigestMatches: false, signatureVerified: false, timestamped: false, valid: false, reasons, ...extra });
  };
  if (!parsed) {
    failed(local);
    return;
  }
  const sd = parsed.signedData;
  if (sd.encapContentInfo.eContentType !== OID_SPC_INDIRECT_DATA) {
    local.push(authDiag(AUTH_CODES.notIndirectData, 'error', `SignedData content type \`${sd.encapContentInfo.eContentType}\` is not SpcIndirectDataContent`, at, 'SignedData.contentInfo.contentType', file));
    failed(local);
    return;
  }
  const eContent = sd.encapContentInfo.eContent;
  const spc = readSpcIndirectData(eContent);
  if (!spc || !eContent) {
    local.push(authDiag(AUTH_CODES.notIndirectData, 'error', 'SpcIndirectDataContent does not have the {data, messageDigest} shape', at, 'SpcIndirectDataContent', file));
    failed(local);
    return;
  }
  if (opts.expectedDataType !== undefined && spc.dataType !== opts.expectedDataType) {
    local.push(authDiag(AUTH_CODES.notIndirectData, 'warning', `SpcIndirectDataContent data type \`${spc.dataType}\` is not the expected \`${opts.expectedDataType}\``, at, 'SpcIndirectDataContent.data.type', file));
  }
  const signedDigest = Buffer.from(spc.digest).toString('hex').toUpperCase();
  let computedDigest: string | undefined;
  if (!spc.digestAlgorithm) {
    local.push(authDiag(AUTH_CODES.unsupportedDigest, 'error', `file digest algorithm \`${spc.digestAlgorithmOid}\` is not supported`, at, 'SpcIndirectDataContent.messageDigest.digestAlgorithm', file));
  } else {
    computedDigest = opts.expectedDigest(spc.digestAlgorithm);
    if (computedDigest === undefined) {
      local.push(authDiag(AUTH_CODES.unsupportedDigest, 'error', `cannot compute the ${spc.digestAlgorithm} digest of this file`, at, 'SpcIndirectDataContent.messageDigest', file));
    } else if (computedDigest !== signedDigest) {
      local.push(authDiag(AUTH_CODES.digestMismatch, 'error', `the file's ${spc.digestAlgorithm} digest \`${computedDigest}\` is not the signed digest \`${signedDigest}\`: the file was changed after signing`, at, 'SpcIndirectDataContent.messageDigest.digest', file));
    }
  }
  // Contents octets of SpcIndirectDataContent: the DER value without tag and length (RFC 2315 §9.3 quirk).
  const contentOctets = new Uint8Array(eContent.valueBlock.valueBeforeDecodeView);
  const check = await checkSigner(sd, contentOctets, {
    ...(file !== undefined ? { file } : {}),
    ...(at !== undefined ? { offset: at } : {}),
    ...(opts.trustedRoots ? { trustedRoots: opts.trustedRoots } : {}),
    ...(opts.checkDate ? { checkDate: opts.checkDate } : {}),
  });
  local.push(...check.reasons);
  const si = sd.signerInfos[0];
  const unsigned = si?.unsignedAttrs?.attributes ?? [];
  const timestamped = unsigned.some((a) => a.type === OID_COUNTER_SIGNATURE || a.type === OID_RFC3161_TIMESTAMP);
  const digestMatches = computedDigest !== undefined && computedDigest === signedDigest;
  const messageDigestMatches = check.messageDigestMatches === true;
  const valid = digestMatches && messageDigestMatches && check.signatureVerified && check.codeSigningEku !== false
    && (opts.trustedRoots === undefined || check.chainVerified === true) && !local.some((d) => d.severity === 'error');
  out.push({
    index,
    entry,
    depth,
    dataType: spc.dataType,
    ...(spc.sipGuid !== undefined ? { sipGuid: spc.sipGuid } : {}),
    digestAlgorithm: spc.digestAlgorithm ?? spc.digestAlgorithmOid,
    signedDigest,
    ...(computedDigest !== undefined ? { computedDigest } : {}),
    digestMatches,
    messageDigestMatches,
    signatureVerified: check.signatureVerified,
    ...(check.verifiedBy ? { verifiedBy: check.verifiedBy } : {}),
    ...(check.codeSigningEku !== undefined ? { codeSigningEku: check.codeSigningEku } : {}),
    ...(check.chainVerified !== undefined ? { chainVerified: check.chainVerified } : {}),
    ...(check.signer ? { signer: check.signer } : {}),
    timestamped,
    valid,
    reasons: local,
  });
  // Nested signatures: unauthenticated attribute 1.3.6.1.4.1.311.2.4.1, each value a full ContentInfo (§B.5).
  for (const attr of unsigned) {
    if (attr.type !== OID_NESTED_SIGNATURE) continue;
    if (depth + 1 > MAX_NESTED_DEPTH) {
      diags.push(authDiag(AUTH_CODES.nestedTooDeep, 'warning', `nested signatures deeper than ${MAX_NESTED_DEPTH} are ignored`, at, 'SPC_NESTED_SIGNATURE', file));
      continue;
    }
    for (const v of attr.values) {
      const nestedDer = new Uint8Array((v as { valueBeforeDecodeView: Uint8Array }).valueBeforeDecodeView);
      await walk(nestedDer, { ...opts, firstIndex: opts.firstIndex ?? 0 }, depth + 1, out, diags);
    }
  }
}

/**
 * Reads and checks every Authenticode signature of a PE image.
 *
 * @example
 * const pe = unwrap(parsePe(bytes));
 * const info = await readAuthenticode(bytes, pe);
 * info.publisher?.publisherName; // 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US'
 */
export async function readAuthenticode(bytes: Uint8Array, pe: PeImage, opts: { readonly file?: string } & TrustOptions = {}): Promise<AuthenticodeInfo> {
  const file = opts.file;
  const diags: Diagnostic[] = [];
  const entries = readCertificateTable(bytes, pe, diags, file);
  // SHA-256 always (AppLocker's hash); any other algorithm (SHA-1 of older signatures) only when a signature
  // asks for it — hashing both up front cost ~40 % more on large SHA-256-signed files (authenticode bench).
  const digests = new Map<DigestAlgorithm, string>(authenticodeDigests(bytes, pe, ['sha256']));
  const expectedDigest = (a: DigestAlgorithm): string | undefined => {
    let d = digests.get(a);
    if (d === undefined) {
      d = authenticodeDigests(bytes, pe, [a]).get(a);
      if (d !== undefined) digests.set(a, d);
    }
    return d;
  };
  const signatures: SignatureInfo[] = [];
  let pkcsEntries = 0;
  for (const [i, e] of entries.entries()) {
    if (e.certificateType !== WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
      diags.push(authDiag(AUTH_CODES.entryType, 'warning', `WIN_CERTIFICATE type \`0x${e.certificateType.toString(16)}\` is not PKCS_SIGNED_DATA; skipped`, e.offset + 6, 'WIN_CERTIFICATE.wCertificateType', file));
      continue;
    }
    pkcsEntries++;
    const found = await readSignedData(e.certificate, {
      expectedDigest,
      ...(file !== undefined ? { file } : {}),
      offset: e.offset + 8,
      expectedDataType: OID_SPC_PE_IMAGE_DATA,
      firstIndex: signatures.length,
      entry: i,
      ...(opts.trustedRoots ? { trustedRoots: opts.trustedRoots } : {}),
      ...(opts.checkDate ? { checkDate: opts.checkDate } : {}),
    }, diags);
    signatures.push(...found);
  }
  // A byte-identical second entry (pegoat-authenticode_duplicated.exe) is what osslsigncode calls a
  // "Corrupted attribute certificate table"; Windows' view is [uncertain], so keep going but flag it.
  for (let i = 1; i < entries.length; i++) {
    const dup = entries.slice(0, i).findIndex((e) => Buffer.compare(e.certificate, entries[i]!.certificate) === 0);
    if (dup >= 0) {
      diags.push(authDiag(AUTH_CODES.duplicateEntry, 'warning', `WIN_CERTIFICATE entry ${i} duplicates entry ${dup} byte for byte`, entries[i]!.offset, 'WIN_CERTIFICATE', file,
        'osslsigncode rejects such tables as corrupted'));
    }
  }
  if (pkcsEntries > 1) {
    // Real files nest extra signatures (§B.5); separate entries are unusual (the Debian shim) and Windows uses the first.
    diags.push(authDiag(AUTH_CODES.extraEntries, 'info', `${pkcsEntries} PKCS#7 WIN_CERTIFICATE entries; AppLocker's publisher comes from the first`, entries[1]?.offset, 'WIN_CERTIFICATE', file));
  }
  const reasons: Diagnostic[] = [...diags];
  const primary = signatures[0];
  let publisher: { publisherName: string } | undefined;
  if (!primary) {
    if (!pe.certificateTable) {
      reasons.push(authDiag(AUTH_CODES.noSignature, 'info', 'no embedded Authenticode signature', undefined, undefined, file,
        'the file may be catalog-signed on Windows (§B.8); without the catalogs no publisher can be claimed'));
    } else if (!reasons.some((d) => d.severity === 'error')) {
      reasons.push(authDiag(AUTH_CODES.noSignature, 'error', 'the certificate table holds no usable PKCS#7 signature', pe.certificateTable.offset, 'WIN_CERTIFICATE', file));
    }
  } else if (primary.valid && primary.signer) {
    publisher = { publisherName: primary.signer.publisherName };
  } else {
    // AppLocker takes signer index 0 (WTHelperGetProvSignerFromChain(…, 0, …)); a valid nested one does not help.
    reasons.push(authDiag(AUTH_CODES.primaryInvalid, 'error', 'the primary signature is not valid: no publisher', undefined, undefined, file), ...primary.reasons);
  }
  const imageDigests: Partial<Record<DigestAlgorithm, string>> = {};
  for (const [a, d] of digests) imageDigests[a] = d;
  return {
    signed: signatures.length > 0,
    entries: entries.map((e) => ({ offset: e.offset, length: e.length, revision: e.revision, certificateType: e.certificateType })),
    signatures,
    ...(publisher ? { publisher } : {}),
    reasons,
    imageDigests,
    trust: opts.trustedRoots ? ROOTED_TRUST_SCOPE : OFFLINE_TRUST_SCOPE,
  };
}
