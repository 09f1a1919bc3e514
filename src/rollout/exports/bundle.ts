/**
 * The change-approval bundle's manifest (issue 11 item 6): every artifact with its SHA-256 and size, the GPO
 * and the policy hash it applies, so a change board approves exactly the bytes that will be applied. The
 * manifest's bytes are signed with Ed25519 at the edge (app/keys.ts, node:crypto); verification here checks
 * that the folder holds exactly the listed files with the listed hashes.
 */
import type { Diagnostic } from '../../diag/index.js';
import { sha256Hex } from '../promotion/history.js';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const MAX_BUNDLE_FILES = 1000;

export interface BundleManifest {
  readonly format: 'lockstep-bundle/1';
  readonly gpo: string;
  readonly gpoGuid: string;
  readonly ring?: string;
  readonly createdAt: string;
  readonly createdBy: string;
  /** SHA-256 of policy.xml: the policy the change applies. */
  readonly policySha256: string;
  /** SHA-256 of the signing public key (raw SPKI DER), so a verifier sees which key signed. */
  readonly keyId: string;
  readonly files: readonly { readonly path: string; readonly sha256: string; readonly bytes: number }[];
}

export function buildManifest(base: Omit<BundleManifest, 'format' | 'files'>, files: ReadonlyMap<string, Uint8Array>): BundleManifest {
  const list = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, b]) => ({ path, sha256: sha256Hex(b), bytes: b.length }));
  return { format: 'lockstep-bundle/1', ...base, files: list };
}

export function manifestBytes(m: BundleManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m, null, 2) + '\n');
}

function problem(code: string, message: string, file: string, help?: string): Diagnostic {
  return { code: `rollout.bundle.${code}`, severity: 'error', message, location: { kind: 'text', file, line: 1, column: 1 }, ...(help ? { help } : {}) };
}

export function parseManifest(bytes: Uint8Array, file: string): { manifest?: BundleManifest; diagnostics: Diagnostic[] } {
  if (bytes.length > 4 << 20) return { diagnostics: [problem('manifest-too-large', 'the manifest is larger than 4 MiB', file)] };
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    return { diagnostics: [problem('manifest-unreadable', `the manifest is not JSON: ${e instanceof Error ? e.message.toLowerCase() : String(e)}`, file)] };
  }
  const m = v as Partial<BundleManifest>;
  if (!m || m.format !== 'lockstep-bundle/1' || !Array.isArray(m.files) || m.files.length > MAX_BUNDLE_FILES || m.files.some((f) => typeof f?.path !== 'string' || typeof f.sha256 !== 'string' || f.path.includes('..') || f.path.startsWith('/'))) {
    return { diagnostics: [problem('manifest-invalid', 'the manifest is not a lockstep bundle manifest (format `lockstep-bundle/1`, at most 1000 files, relative paths)', file)] };
  }
  return { manifest: m as BundleManifest, diagnostics: [] };
}

/** Every listed file present with its hash and size, and nothing unlisted besides the manifest and its signature. */
export function checkBundleFiles(m: BundleManifest, present: ReadonlyMap<string, Uint8Array>, dir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const listed = new Set<string>();
  for (const f of m.files) {
    listed.add(f.path);
    const b = present.get(f.path);
    const at = `${dir}/${f.path}`;
    if (!b) out.push(problem('file-missing', `\`${f.path}\` is listed in the manifest but missing`, at));
    else if (sha256Hex(b) !== f.sha256 || b.length !== f.bytes) out.push(problem('file-changed', `\`${f.path}\` is not the approved file: SHA-256 ${sha256Hex(b).slice(0, 12)}…, the manifest says ${f.sha256.slice(0, 12)}…`, at, 'the bundle was changed after it was signed; export it again and have it approved'));
  }
  for (const p of present.keys()) {
    if (p === MANIFEST_FILE || p === SIGNATURE_FILE || listed.has(p)) continue;
    out.push(problem('file-unlisted', `\`${p}\` is in the bundle but not in the manifest`, `${dir}/${p}`, 'remove it, or export the bundle again'));
  }
  return out;
}
