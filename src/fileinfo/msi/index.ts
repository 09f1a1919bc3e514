/**
 * MSI (Windows Installer) files: what AppLocker reads from them — the Property table's ProductName,
 * ProductCode and ProductVersion, the signer of `\u0005DigitalSignature` (valid only when the MSI digest
 * matches), and the hashes. Used by fileinfo/identify.ts. Spec: shared/spec/formats.md §D.1–§D.4, §C;
 * applocker.md §5.1.
 */
import { createHash } from 'node:crypto';
import { toHex } from '../../bytes/index.js';
import { fail, ok, type Diagnostic, type Result } from '../../diag/index.js';
import type { PublisherInfo } from '../../policy/file-information.js';
import { parseCompoundFile, type CfbLimits, type CompoundFile } from './cfb.js';
import { decodeMsiStreamName, parseStringPool } from './msi-strings.js';
import { parsePropertyTable } from './property-table.js';
import { readSignedData, type SignatureInfo } from '../authenticode/index.js';
import { DIGITAL_SIGNATURE, DIGITAL_SIGNATURE_EX, msiDigest } from './signature.js';
import { upperCaseLikeWindows } from '../authenticode/publisher-name.js';

export { parseCompoundFile, isCompoundFile, DEFAULT_CFB_LIMITS } from './cfb.js';
export type { CompoundFile, CfbEntry, CfbLimits } from './cfb.js';
export { decodeMsiStreamName, parseStringPool } from './msi-strings.js';
export type { StringPool } from './msi-strings.js';
export { parsePropertyTable } from './property-table.js';
export { msiDigest, msiPrehash } from './signature.js';

export interface MsiSignature {
  /** The primary signature as the Authenticode reader checked it (digest, messageDigest, signature). */
  readonly signature: SignatureInfo;
  /** AppLocker PublisherName of the signer certificate (§B.6), whether or not the signature is valid. */
  readonly publisherName?: string;
  /** The signer subject as CertNameToStr renders it, original case. */
  readonly signerSubject?: string;
  /** Digest the signature stores (SpcIndirectDataContent), upper hex. */
  readonly storedDigest?: string;
  /** Digest calculated over this file with the stored algorithm (with the pre-hash when the Ex stream exists). */
  readonly calculatedDigest?: string;
  /** The signer counts only when this is true (§D.3, issue 4 item 2). */
  readonly valid: boolean;
  readonly reasons: readonly string[];
}

export interface MsiInfo {
  /** Property table rows (key → value); empty for .msp/.mst without one. */
  readonly properties: ReadonlyMap<string, string>;
  readonly productName?: string;
  readonly productVersion?: string;
  readonly productCode?: string;
  readonly manufacturer?: string;
  /** ProductVersion normalised to four numbers (§D.4). */
  readonly binaryVersion?: string;
  readonly codePage?: number;
  readonly signature?: MsiSignature;
  /** AppLocker publisher facts: only when the signature is valid (§5.1). */
  readonly publisher?: PublisherInfo;
  /** SHA256 = MSI SIP digest (content, no pre-hash; formats.md §C is uncertain), SHA256Flat = whole file. */
  readonly hashes: { readonly SHA256: string; readonly SHA256Flat: string };
}

/**
 * ProductVersion → `a.b.c.d`: split on `.`, each part an unsigned decimal, missing parts 0 (§D.4).
 * Undefined when a part is not a number.
 * @example normaliseMsiVersion('020.000.1621') // '20.0.1621.0'
 */
export function normaliseMsiVersion(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const parts = v.trim().split('.');
  if (parts.length > 4 || parts.some((p) => !/^\d{1,10}$/.test(p))) return undefined;
  while (parts.length < 4) parts.push('0');
  return parts.map((p) => String(Number(p))).join('.');
}

function tableStream(cf: CompoundFile, table: string): ReturnType<CompoundFile['readStream']> | undefined {
  const e = cf.root.children.map((i) => cf.entries[i]!).find((x) => x.type === 'stream' && decodeMsiStreamName(x.name) === table);
  return e ? cf.readStream(e) : undefined;
}

/**
 * Reads an MSI's AppLocker facts. The signature is checked by the Authenticode reader
 * (fileinfo/authenticode `readSignedData`) against the MSI digest computed here (§D.3).
 * @example
 * const r = await readMsi(bytes, { file: 'setup.msi' });
 * if (r.ok) r.value.publisher?.binaryName // '{D646F222-…}'
 */
export async function readMsi(bytes: Uint8Array, opts: { file?: string; limits?: Partial<CfbLimits> } = {}): Promise<Result<MsiInfo>> {
  const cfr = parseCompoundFile(bytes, opts);
  if (!cfr.ok) return fail(cfr.diagnostics);
  const cf = cfr.value;
  const diagnostics: Diagnostic[] = [...cfr.diagnostics];
  const file = opts.file;

  let properties = new Map<string, string>();
  let codePage: number | undefined;
  const pool = tableStream(cf, '!_StringPool');
  const data = tableStream(cf, '!_StringData');
  const prop = tableStream(cf, '!Property');
  if (!prop) {
    // .msp/.mst have no Property table in the same sense: report "no product info", not a failure (§D.4).
    diagnostics.push({ code: 'fileinfo.msi.no-property-table', severity: 'info', message: 'the file has no Property table: no product information' });
  } else if (!pool || !data || !pool.ok || !data.ok || !prop.ok) {
    for (const r of [pool, data, prop]) if (r && !r.ok) diagnostics.push(...r.diagnostics);
    if (!pool || !data) diagnostics.push({ code: 'fileinfo.msi.no-string-pool', severity: 'error', message: 'the file has a Property table but no string pool' });
  } else {
    const sp = parseStringPool(pool.value, data.value, file !== undefined ? { file } : {});
    diagnostics.push(...sp.diagnostics);
    if (sp.ok) {
      codePage = sp.value.codePage;
      const pt = parsePropertyTable(prop.value, sp.value, file !== undefined ? { file } : {});
      diagnostics.push(...pt.diagnostics);
      if (pt.ok) properties = pt.value;
    }
  }

  const flat = toHex(createHash('sha256').update(bytes).digest());
  const content = msiDigest(cf, 'sha256', { withPrehash: false });
  if (!content.ok) return fail([...diagnostics, ...content.diagnostics]);

  let signature: MsiSignature | undefined;
  const sigEntry = cf.child(cf.root, DIGITAL_SIGNATURE);
  if (sigEntry) {
    const der = cf.readStream(sigEntry);
    if (!der.ok) diagnostics.push(...der.diagnostics.map((d) => ({ ...d, severity: 'warning' as const })));
    else {
      // signtool adds MsiDigitalSignatureEx; then the signed digest covers its metadata pre-hash too (§D.3).
      const withPrehash = cf.child(cf.root, DIGITAL_SIGNATURE_EX) !== undefined;
      const sigDiags: Diagnostic[] = [];
      const sigs = await readSignedData(der.value, {
        expectedDigest: (alg) => {
          const d = msiDigest(cf, alg, { withPrehash });
          return d.ok ? toHex(d.value) : undefined;
        },
        ...(file !== undefined ? { file } : {}),
      }, sigDiags);
      diagnostics.push(...sigDiags.map((d) => ({ ...d, severity: d.severity === 'error' ? ('warning' as const) : d.severity })));
      const primary = sigs[0];
      if (primary) {
        signature = {
          signature: primary,
          ...(primary.signer ? { publisherName: primary.signer.publisherName, signerSubject: primary.signer.subject } : {}),
          ...(primary.signedDigest ? { storedDigest: primary.signedDigest } : {}),
          ...(primary.computedDigest ? { calculatedDigest: primary.computedDigest } : {}),
          valid: primary.valid && primary.signer !== undefined,
          reasons: primary.reasons.filter((d) => d.severity === 'error').map((d) => d.message),
        };
      }
    }
  }

  const productName = properties.get('ProductName');
  const productVersion = properties.get('ProductVersion');
  const productCode = properties.get('ProductCode');
  const manufacturer = properties.get('Manufacturer');
  const binaryVersion = normaliseMsiVersion(productVersion);
  const publisher: PublisherInfo | undefined = signature?.valid
    ? {
        publisherName: signature.publisherName!,
        productName: upperCaseLikeWindows(productName ?? ''),
        binaryName: upperCaseLikeWindows(productCode ?? ''),
        ...(binaryVersion ? { binaryVersion } : {}),
      }
    : undefined;
  return ok(
    {
      properties,
      ...(productName !== undefined ? { productName } : {}),
      ...(productVersion !== undefined ? { productVersion } : {}),
      ...(productCode !== undefined ? { productCode } : {}),
      ...(manufacturer !== undefined ? { manufacturer } : {}),
      ...(binaryVersion ? { binaryVersion } : {}),
      ...(codePage !== undefined ? { codePage } : {}),
      ...(signature ? { signature } : {}),
      ...(publisher ? { publisher } : {}),
      hashes: { SHA256: toHex(content.value), SHA256Flat: flat },
    },
    diagnostics,
  );
}
