/**
 * AppX / MSIX packages: the manifest `<Identity>` (Name, Publisher, Version) that packaged-app rules match,
 * and the signer of `AppxSignature.p7x`. Used by fileinfo/identify.ts. The ZIP is read with fflate's
 * `unzipSync`, extracting only the few members needed and only below size caps (zip bombs); the manifest
 * with saxes. Spec: shared/spec/formats.md §F.1–§F.3; applocker.md §5.1 (packaged apps).
 * The signer counts when the package digest (§F.1, package-digest.ts), messageDigest and signature all
 * verify (fileinfo/authenticode `readSignedData`) and its subject equals the manifest Publisher.
 */
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { SaxesParser } from 'saxes';
import { DEFAULT_LIMITS, decodeUtf8, toHex } from '../../bytes/index.js';
import { fail, ok, type Diagnostic, type Result } from '../../diag/index.js';
import type { PublisherInfo } from '../../policy/file-information.js';
import { readSignedData, type SignatureInfo } from '../authenticode/index.js';
import { appxPackageDigest } from './package-digest.js';

export interface AppxLimits {
  /** Largest manifest or signature member we will inflate (bytes). Default 8 MiB. */
  readonly maxMemberBytes: number;
  /** Most central-directory entries. Default 100,000. */
  readonly maxEntries: number;
}
export { appxPackageDigest } from './package-digest.js';
export const DEFAULT_APPX_LIMITS: AppxLimits = { maxMemberBytes: 8 * 1024 * 1024, maxEntries: 100_000 };

/** `<Identity>` of a package or bundle manifest (§F.2). */
export interface PackageIdentity {
  readonly name: string;
  /** The full publisher DN exactly as the manifest writes it. */
  readonly publisher: string;
  readonly version: string;
  readonly processorArchitecture?: string;
  readonly resourceId?: string;
}

export interface AppxInfo {
  readonly identity: PackageIdentity;
  readonly isBundle: boolean;
  /** `Name_PublisherId` (§F.3). */
  readonly packageFamilyName: string;
  /** The primary signature of AppxSignature.p7x as the Authenticode reader checked it. */
  readonly signer?: SignatureInfo;
  /** The signer subject as CertNameToStr renders it (must equal the manifest Publisher, §F.2). */
  readonly signerSubject?: string;
  /** AppLocker PublisherName of the signer certificate (§B.6). */
  readonly signerPublisherName?: string;
  /** The signer counts (publisher rules can match) only when this is true. */
  readonly signatureValid: boolean;
  readonly reasons: readonly string[];
  /** Publisher facts for packaged-app rules: PublisherName = manifest Publisher, ProductName = package name. */
  readonly publisher?: PublisherInfo;
  readonly hashes: { readonly SHA256Flat: string };
}

const MANIFEST = 'AppxManifest.xml';
const BUNDLE_MANIFEST = 'AppxMetadata/AppxBundleManifest.xml';
const SIGNATURE = 'AppxSignature.p7x';
/** Members the package digest covers besides the raw ZIP bytes (§F.1). */
const DIGESTED = ['[Content_Types].xml', 'AppxBlockMap.xml', 'AppxMetadata/CodeIntegrity.cat'];
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * PublisherId: the first 8 bytes of SHA-256 over the UTF-16LE publisher, as 13 Crockford base-32 characters (§F.3).
 * @example publisherId('CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US') // '8wekyb3d8bbwe'
 */
export function publisherId(publisher: string): string {
  const utf16 = new Uint8Array(publisher.length * 2);
  for (let i = 0; i < publisher.length; i++) {
    const c = publisher.charCodeAt(i);
    utf16[i * 2] = c & 0xff;
    utf16[i * 2 + 1] = c >> 8;
  }
  const h = createHash('sha256').update(utf16).digest();
  let bits = 0n;
  for (let i = 0; i < 8; i++) bits = (bits << 8n) | BigInt(h[i]!);
  bits <<= 1n; // 64 bits → 65 = 13 × 5, the last group zero-padded
  let out = '';
  for (let i = 12; i >= 0; i--) out += CROCKFORD[Number((bits >> BigInt(i * 5)) & 31n)]!;
  return out;
}

function diag(code: string, message: string, file?: string, field?: string): Diagnostic {
  return { code: `fileinfo.appx.${code}`, severity: 'error', message, ...(file !== undefined ? { location: { kind: 'bytes' as const, offset: 0, file, ...(field ? { field } : {}) } } : {}) };
}

/** Reads `<Identity>` from a package (`<Package>`) or bundle (`<Bundle>`) manifest. */
export function parseManifestIdentity(xml: string, opts: { file?: string; maxDepth?: number } = {}): Result<PackageIdentity> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  // With namespaces on, saxes resolves each prefix by walking up the open tags: a manifest nested 200k
  // deep took > 150 s (issue 12). Real manifests nest < 10 deep; stop at the cap.
  const maxDepth = opts.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  let depth = 0;
  let identity: PackageIdentity | undefined;
  let error: Diagnostic | undefined;
  parser.on('error', (e) => {
    error ??= { code: 'fileinfo.appx.manifest-not-xml', severity: 'error', message: `the manifest is not well-formed XML: ${e.message.split('\n')[0]!.toLowerCase()}`, location: { kind: 'text', line: parser.line, column: parser.column, ...(opts.file !== undefined ? { file: opts.file } : {}) } };
  });
  parser.on('opentag', (t) => {
    depth++;
    if (depth > maxDepth) {
      error ??= { code: 'fileinfo.appx.manifest-too-deep', severity: 'error', message: `the manifest nests elements deeper than ${maxDepth} levels`, location: { kind: 'text', line: parser.line, column: parser.column, ...(opts.file !== undefined ? { file: opts.file } : {}) } };
      throw new RangeError('manifest too deep'); // ends parser.write(); caught below, `error` holds the reason
    }
    // Identity is a direct child of the root <Package>/<Bundle> (§F.2).
    if (depth === 2 && t.local === 'Identity' && !identity) {
      const a = (n: string): string | undefined => {
        const v = t.attributes[n];
        return typeof v === 'string' ? v : v?.value;
      };
      const name = a('Name');
      const publisher = a('Publisher');
      const version = a('Version');
      if (name === undefined || publisher === undefined || version === undefined) {
        error ??= { code: 'fileinfo.appx.identity-incomplete', severity: 'error', message: 'the manifest `<Identity>` lacks Name, Publisher or Version', location: { kind: 'text', line: parser.line, column: parser.column } };
        return;
      }
      const arch = a('ProcessorArchitecture');
      const rid = a('ResourceId');
      identity = { name, publisher, version, ...(arch !== undefined ? { processorArchitecture: arch } : {}), ...(rid !== undefined ? { resourceId: rid } : {}) };
    }
  });
  parser.on('closetag', () => {
    depth--;
  });
  try {
    parser.write(xml.replace(/^\uFEFF/, '')).close();
  } catch {
    // saxes throws after reporting through 'error' when the document cannot continue; `error` holds it.
  }
  if (error) return fail([error]);
  if (!identity) return fail([diag('no-identity', 'the manifest has no `<Identity>` element', opts.file)]);
  return ok(identity);
}

/**
 * Reads an .appx/.msix (or bundle): identity, family name, signer.
 * @example
 * const r = await readAppx(bytes, { file: 'app.msix' });
 * if (r.ok) r.value.identity.publisher // 'CN=Contoso, O=Contoso, L=Redmond, S=Washington, C=US'
 */
export async function readAppx(bytes: Uint8Array, opts: { file?: string; limits?: Partial<AppxLimits> } = {}): Promise<Result<AppxInfo>> {
  const limits = { ...DEFAULT_APPX_LIMITS, ...opts.limits };
  const file = opts.file;
  let members: Record<string, Uint8Array>;
  let entries = 0;
  let tooBig: string | undefined;
  try {
    members = unzipSync(bytes, {
      filter: (f) => {
        if (++entries > limits.maxEntries) throw new RangeError('too many entries');
        const wanted = f.name === MANIFEST || f.name === BUNDLE_MANIFEST || f.name === SIGNATURE || DIGESTED.includes(f.name);
        if (wanted && f.originalSize > limits.maxMemberBytes) tooBig = f.name;
        return wanted && f.originalSize <= limits.maxMemberBytes;
      },
    });
  } catch (e) {
    // fflate reports a malformed or unsupported ZIP by throwing; that is bad input, not a program error.
    const msg = e instanceof RangeError ? `the package has more than ${limits.maxEntries} entries` : `not a readable ZIP package: ${String((e as Error).message).toLowerCase()}`;
    return fail([diag('bad-zip', msg, file)]);
  }
  if (tooBig) return fail([diag('member-too-large', `\`${tooBig}\` is larger than ${limits.maxMemberBytes} bytes`, file, tooBig)]);
  const isBundle = members[MANIFEST] === undefined && members[BUNDLE_MANIFEST] !== undefined;
  const manifest = members[MANIFEST] ?? members[BUNDLE_MANIFEST];
  if (!manifest) return fail([diag('no-manifest', `the package has no \`${MANIFEST}\` or \`${BUNDLE_MANIFEST}\``, file)]);
  const id = parseManifestIdentity(decodeUtf8(manifest), file !== undefined ? { file } : {});
  if (!id.ok) return fail(id.diagnostics);
  const identity = id.value;

  const diagnostics: Diagnostic[] = [];
  const reasons: string[] = [];
  let signer: SignatureInfo | undefined;
  const p7x = members[SIGNATURE];
  if (!p7x) reasons.push('the package is not signed (no AppxSignature.p7x)');
  else if (!(p7x[0] === 0x50 && p7x[1] === 0x4b && p7x[2] === 0x43 && p7x[3] === 0x58)) {
    reasons.push('AppxSignature.p7x does not start with `PKCX`');
  } else {
    // The signed value is the package digest of §F.1 (package-digest.ts); the Authenticode reader compares
    // it, checks messageDigest and the signature over the signed attributes.
    const sigDiags: Diagnostic[] = [];
    const sigs = await readSignedData(p7x.subarray(4), {
      expectedDigest: (alg) => appxPackageDigest(bytes, members, alg, limits.maxEntries),
      ...(file !== undefined ? { file } : {}),
    }, sigDiags);
    diagnostics.push(...sigDiags.map((d) => ({ ...d, severity: d.severity === 'error' ? ('warning' as const) : d.severity })));
    signer = sigs[0];
    if (!signer?.signer) reasons.push('AppxSignature.p7x is not a readable Authenticode signature');
    else {
      if (!signer.valid) reasons.push(...signer.reasons.filter((d) => d.severity === 'error').map((d) => d.message));
      if (!signer.valid && !reasons.length) reasons.push('the package signature is not valid');
      // A package installs only when its manifest Publisher equals the signer subject (§F.2).
      if (signer.signer.subject !== identity.publisher) {
        reasons.push(`the signer \`${signer.signer.subject}\` is not the manifest publisher \`${identity.publisher}\``);
      }
    }
  }
  const signatureValid = signer?.signer !== undefined && reasons.length === 0;
  return ok(
    {
      identity,
      isBundle,
      packageFamilyName: `${identity.name}_${publisherId(identity.publisher)}`,
      ...(signer ? { signer } : {}),
      ...(signer?.signer ? { signerSubject: signer.signer.subject, signerPublisherName: signer.signer.publisherName } : {}),
      signatureValid,
      reasons,
      ...(signatureValid
        ? { publisher: { publisherName: identity.publisher, productName: identity.name, binaryName: 'APPX', binaryVersion: identity.version } }
        : {}),
      hashes: { SHA256Flat: toHex(createHash('sha256').update(bytes).digest()) },
    },
    diagnostics,
  );
}
