/**
 * Signing keys and bundle signatures (issue 11 item 6): `keys init` makes an Ed25519 key pair — the private key
 * under `.lockstep/keys/` (not for git, written owner-only), the public key under `keys/` (commit it: verifiers
 * use it) — and `verifyBundle` checks a change-approval bundle against a trusted public key. node:crypto does
 * the signing (RFC 8032 Ed25519, `crypto.sign(null, …)`).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { Diagnostic } from '../diag/index.js';
import { checkBundleFiles, MANIFEST_FILE, parseManifest, SIGNATURE_FILE, type BundleManifest } from '../rollout/exports/bundle.js';
import { sha256Hex } from '../rollout/promotion/history.js';
import type { WorkspaceFiles } from './ports.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';

export const PRIVATE_KEY_FILE = '.lockstep/keys/bundle-signing.key.pem';
export const PUBLIC_KEY_FILE = 'keys/bundle-signing.pub.pem';

export interface KeysOutcome {
  readonly privateKey: string;
  readonly publicKey: string;
  readonly keyId: string;
}

export function keyIdOf(publicKeyPem: string): string {
  return sha256Hex(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }));
}

export async function keysInit(files: WorkspaceFiles, opts: { force?: boolean } = {}): Promise<UseCaseResult<KeysOutcome>> {
  if (!opts.force && (await files.exists(PRIVATE_KEY_FILE))) {
    return usage('app.keys.exists', `a signing key already exists at \`${files.resolve(PRIVATE_KEY_FILE)}\``, 'keep it (bundles signed with it stay verifiable), or pass `--force` to replace it');
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await files.write(PRIVATE_KEY_FILE, priv, { private: true });
  await files.write(PUBLIC_KEY_FILE, pub);
  return succeed({ privateKey: files.resolve(PRIVATE_KEY_FILE), publicKey: files.resolve(PUBLIC_KEY_FILE), keyId: keyIdOf(pub) });
}

/** The workspace's signing key, or a usage failure telling how to make one. */
export async function loadSigningKey(files: WorkspaceFiles): Promise<UseCaseResult<{ key: KeyObject; keyId: string }>> {
  if (!(await files.exists(PRIVATE_KEY_FILE))) return usage('app.keys.missing', `no signing key at \`${files.resolve(PRIVATE_KEY_FILE)}\``, 'create one with `lockstep keys init`');
  try {
    const pem = new TextDecoder().decode(await files.read(PRIVATE_KEY_FILE));
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') return refuse('invalid', [{ code: 'app.keys.not-ed25519', severity: 'error', message: `\`${files.resolve(PRIVATE_KEY_FILE)}\` is not an Ed25519 key` }]);
    const pub = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    return succeed({ key, keyId: keyIdOf(pub) });
  } catch (e) {
    return refuse('invalid', [{ code: 'app.keys.unreadable', severity: 'error', message: `cannot read the signing key: ${e instanceof Error ? e.message.toLowerCase() : String(e)}`, location: { kind: 'text', file: files.resolve(PRIVATE_KEY_FILE), line: 1, column: 1 } }]);
  }
}

/** The detached signature file's text: base64 of the Ed25519 signature over the manifest's bytes. */
export function signManifest(bytes: Uint8Array, key: KeyObject): string {
  return Buffer.from(sign(null, bytes, key)).toString('base64') + '\n';
}

export interface VerifyBundleRequest {
  /** Folder name, for messages. */
  readonly dir: string;
  /** Every file of the bundle folder by relative path (manifest and signature included). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** The trusted public key (PEM). */
  readonly publicKey: string;
}

export interface VerifyBundleOutcome {
  readonly manifest?: BundleManifest;
  readonly problems: readonly Diagnostic[];
  readonly keyId: string;
}

export function verifyBundle(req: VerifyBundleRequest): UseCaseResult<VerifyBundleOutcome> {
  let keyId: string;
  let pub: KeyObject;
  try {
    pub = createPublicKey(req.publicKey);
    keyId = keyIdOf(req.publicKey);
  } catch (e) {
    return refuse('usage', [{ code: 'app.bundle.bad-key', severity: 'error', message: `the public key is not a PEM key: ${e instanceof Error ? e.message.toLowerCase() : String(e)}` }]);
  }
  const m = req.files.get(MANIFEST_FILE);
  const s = req.files.get(SIGNATURE_FILE);
  const problems: Diagnostic[] = [];
  const at = (f: string) => ({ kind: 'text' as const, file: `${req.dir}/${f}`, line: 1, column: 1 });
  if (!m) return succeed({ problems: [{ code: 'rollout.bundle.no-manifest', severity: 'error', message: `no \`${MANIFEST_FILE}\` in \`${req.dir}\``, location: at(MANIFEST_FILE) }], keyId });
  if (!s) problems.push({ code: 'rollout.bundle.unsigned', severity: 'error', message: `no \`${SIGNATURE_FILE}\` in \`${req.dir}\`: the bundle is not signed`, location: at(SIGNATURE_FILE) });
  else {
    const sig = Buffer.from(new TextDecoder().decode(s).trim(), 'base64');
    let good = false;
    try {
      good = sig.length === 64 && verify(null, m, pub, sig);
    } catch {
      good = false;
    }
    if (!good) problems.push({ code: 'rollout.bundle.bad-signature', severity: 'error', message: `the signature does not match \`${MANIFEST_FILE}\` under key ${keyId.slice(0, 16)}…`, location: at(SIGNATURE_FILE), help: 'the manifest was changed after signing, or it was signed with another key' });
  }
  const parsed = parseManifest(m, `${req.dir}/${MANIFEST_FILE}`);
  problems.push(...parsed.diagnostics);
  if (parsed.manifest) {
    if (parsed.manifest.keyId !== keyId) problems.push({ code: 'rollout.bundle.other-key', severity: 'error', message: `the manifest names signing key ${String(parsed.manifest.keyId).slice(0, 16)}…, the trusted key is ${keyId.slice(0, 16)}…`, location: at(MANIFEST_FILE) });
    problems.push(...checkBundleFiles(parsed.manifest, req.files, req.dir));
  }
  return succeed({ ...(parsed.manifest ? { manifest: parsed.manifest } : {}), problems, keyId });
}
