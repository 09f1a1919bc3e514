/**
 * Signed scripts' public facade: `readScriptSignature(bytes, ext)` → AppLocker's script hash (flat SHA-256
 * of the raw file, signature block and BOM included) and, when the script carries a signature block, every
 * signature in it checked like a PE's: content digest (the UTF-16LE text without the block), messageDigest
 * attribute, signature over the signed attributes; PublisherName from the primary signer only when valid.
 * Offline limits are those of readAuthenticode (no chain, no revocation, no timestamp). Used by
 * fileinfo/identify.ts. Spec: formats.md §C, §E.1–§E.3; applocker.md §5.3.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_LIMITS } from '../../bytes/index.js';
import type { Diagnostic } from '../../diag/index.js';
import { AUTH_CODES, OFFLINE_TRUST_SCOPE, ROOTED_TRUST_SCOPE, flatSha256, readSignedData, type SignatureInfo, type TrustOptions, type TrustScope, type DigestAlgorithm } from '../authenticode/index.js';
import { blockSyntax, decodeScript, findSignatureBlock, scriptKind, signedContent, type ScriptKind } from './signature-block.js';

export { scriptKind, type ScriptKind } from './signature-block.js';

export const SCRIPT_CODES = {
  badBlock: 'fileinfo.script.bad-signature-block',
  lfLineEndings: 'fileinfo.script.lf-line-endings',
  unsignable: 'fileinfo.script.cannot-be-signed',
  empty: 'fileinfo.script.empty',
  tooLarge: 'fileinfo.script.too-large-to-check',
} as const;

export interface ScriptSignatureInfo {
  readonly kind: ScriptKind;
  /** AppLocker's hash for scripts: SHA-256 of the raw bytes, upper-case hex (§C, §E.3). */
  readonly sha256: string;
  /** A signature block was found (whether or not it verifies). */
  readonly signed: boolean;
  /** Text encoding used to find the block and compute the content digest. */
  readonly encoding?: string;
  readonly signatures: readonly SignatureInfo[];
  /** Whether the content digest could be computed and compared (false for unsigned files). */
  readonly contentDigestChecked: boolean;
  /** AppLocker's PublisherName, ONLY when the primary signature is valid. */
  readonly publisher?: { readonly publisherName: string };
  readonly reasons: readonly Diagnostic[];
  readonly trust: TrustScope;
}

const diag = (code: string, severity: Diagnostic['severity'], message: string, help?: string): Diagnostic => ({ code, severity, message, ...(help ? { help } : {}) });

/**
 * Reads a script's hash and embedded signature.
 *
 * @example
 * const s = await readScriptSignature(bytes, '.ps1');
 * s.sha256;                      // the AppLocker FileHash for a script
 * s.publisher?.publisherName;    // 'O=LOCKSTEP TEST CORP, L=REDMOND, S=WASHINGTON, C=US' when validly signed
 */
export async function readScriptSignature(bytes: Uint8Array, ext: string, opts: { readonly file?: string; readonly maxTextBytes?: number } & TrustOptions = {}): Promise<ScriptSignatureInfo> {
  const kind = scriptKind(ext);
  const sha256 = flatSha256(bytes);
  const reasons: Diagnostic[] = [];
  const base = { kind, sha256, trust: opts.trustedRoots ? ROOTED_TRUST_SCOPE : OFFLINE_TRUST_SCOPE };
  if (bytes.length === 0) {
    // AppLocker cannot hash a zero-length file (§C); report it, keep the value for display.
    reasons.push(diag(SCRIPT_CODES.empty, 'warning', 'zero-length file: AppLocker cannot compute its hash'));
  }
  const syntax = blockSyntax(kind);
  if (!syntax) {
    if (kind === 'batch') reasons.push(diag(SCRIPT_CODES.unsignable, 'info', `\`${ext}\` files cannot carry a signature: only path and hash rules can match them`));
    return { ...base, signed: false, signatures: [], contentDigestChecked: false, reasons };
  }
  // Decoding makes a UTF-16 copy of the whole text: cap it (a signature block is a few KiB at the end).
  const cap = opts.maxTextBytes ?? DEFAULT_LIMITS.maxFieldBytes;
  if (bytes.length > cap) {
    reasons.push(diag(SCRIPT_CODES.tooLarge, 'warning', `script of ${bytes.length} bytes is over the ${cap}-byte cap: its signature is not checked, no publisher`));
    return { ...base, signed: false, signatures: [], contentDigestChecked: false, reasons };
  }
  const decoded = decodeScript(bytes, syntax);
  const found = findSignatureBlock(decoded.text, syntax);
  if ('none' in found) {
    reasons.push(diag(AUTH_CODES.noSignature, 'info', 'no signature block'));
    return { ...base, signed: false, encoding: decoded.encoding, signatures: [], contentDigestChecked: false, reasons };
  }
  if ('error' in found) {
    reasons.push(diag(SCRIPT_CODES.badBlock, 'error', found.error));
    return { ...base, signed: true, encoding: decoded.encoding, signatures: [], contentDigestChecked: false, reasons };
  }
  const { block } = found;
  if (!block.crlf) {
    reasons.push(diag(SCRIPT_CODES.lfLineEndings, 'warning', 'signature block uses LF line endings: Windows verification would fail (the file was probably converted by git)',
      'keep signed scripts byte-exact (`* -text` in .gitattributes)'));
  }
  const content = signedContent(decoded, block, syntax);
  const expectedDigest = (a: DigestAlgorithm): string => createHash(a).update(content).digest('hex').toUpperCase();
  const diags: Diagnostic[] = [];
  const signatures = await readSignedData(block.der, {
    expectedDigest,
    ...(opts.file !== undefined ? { file: opts.file } : {}),
    ...(opts.trustedRoots ? { trustedRoots: opts.trustedRoots } : {}),
    ...(opts.checkDate ? { checkDate: opts.checkDate } : {}),
  }, diags);
  reasons.push(...diags);
  const primary = signatures[0];
  let publisher: { publisherName: string } | undefined;
  if (primary?.valid && primary.signer) publisher = { publisherName: primary.signer.publisherName };
  else if (primary) reasons.push(diag(AUTH_CODES.primaryInvalid, 'error', 'the primary signature is not valid: no publisher'), ...primary.reasons);
  return { ...base, signed: true, encoding: decoded.encoding, signatures, contentDigestChecked: true, ...(publisher ? { publisher } : {}), reasons };
}
