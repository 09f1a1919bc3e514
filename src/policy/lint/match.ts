/**
 * The structural matching lint needs: does a rule's condition cover a probe file (a path in AppLocker's
 * variable form, optionally with the publisher a Microsoft-signed in-box file carries)? The engine room
 * has the exact evaluator, but policy/ sits below engine/ (the engine imports policy), so lint carries
 * this small, conservative matcher: path wildcards as applocker.md §4.3 describes them (`*` any run of
 * characters, backslashes included; a path ending in `\` means the folder's contents), the four-field
 * publisher match of §5.1 with `*`, and exceptions (§3: an exception that matches removes the file).
 * Paths are compared in one canonical form: `%SYSTEM32%` → `%WINDIR%\SYSTEM32`, `C:\` → `%OSDRIVE%\`,
 * `%OSDRIVE%\WINDOWS` → `%WINDIR%`, `%OSDRIVE%\PROGRAM FILES*` → `%PROGRAMFILES%` (§4.1 variable table).
 */
import { parseFourPartVersion } from '../validate/index.js';
import type { Rule, RuleCondition } from '../model.js';
import { ruleExceptions } from '../model.js';

/** A file lint asks about. `path` in variable form (any case). */
export interface Probe {
  readonly path: string;
  readonly publisher?: { readonly publisherName: string; readonly productName: string; readonly binaryName: string; readonly version?: string };
}

/** Canonical upper-case form so `%SYSTEM32%\X`, `%WINDIR%\System32\X` and `C:\Windows\System32\X` compare equal. */
export function canonicalPath(path: string): string {
  let p = path.trim().toUpperCase().replace(/\//g, '\\');
  p = p.replace(/^%SYSTEMROOT%/, '%WINDIR%').replace(/^%SYSTEMDRIVE%/, '%OSDRIVE%');
  p = p.replace(/^[A-Z]:(?=\\|$)/, '%OSDRIVE%');
  p = p.replace(/^%OSDRIVE%\\WINDOWS(?=\\|$)/, '%WINDIR%');
  // Both Program Files folders are %PROGRAMFILES% to AppLocker (§4.1).
  p = p.replace(/^%OSDRIVE%\\PROGRAM FILES( \(X86\))?(?=\\|$)/, '%PROGRAMFILES%');
  p = p.replace(/^%SYSTEM32%(?=\\|$)/, '%WINDIR%\\SYSTEM32');
  if (p.endsWith('\\')) p += '*';
  return p;
}

const globCache = new Map<string, RegExp>();

/** AppLocker path wildcard match (§4.3): `*` any run of characters, `?` one; both sides canonical. */
export function pathGlobMatch(pattern: string, path: string): boolean {
  const pat = canonicalPath(pattern);
  const p = canonicalPath(path);
  let re = globCache.get(pat);
  if (!re) {
    re = new RegExp(`^${pat.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    if (globCache.size > 10_000) globCache.clear();
    globCache.set(pat, re);
  }
  return re.test(p);
}

function fieldMatch(pattern: string, value: string): boolean {
  // Publisher fields: `*` alone matches anything; otherwise exact, case-insensitive (§5.1).
  return pattern === '*' || pattern.toUpperCase() === value.toUpperCase();
}

function versionCmp(a: string, b: string): number {
  const x = parseFourPartVersion(a);
  const y = parseFourPartVersion(b);
  if (!x || !y) return 0;
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/** Whether one condition covers the probe. Hash conditions never do (a probe has no bytes). */
export function conditionCovers(c: RuleCondition, probe: Probe): boolean {
  if (c.kind === 'FilePathCondition') return pathGlobMatch(c.path, probe.path);
  if (c.kind === 'FileHashCondition') return false;
  const pub = probe.publisher;
  if (!pub) return false;
  if (!fieldMatch(c.publisherName, pub.publisherName) || !fieldMatch(c.productName || '*', pub.productName)) return false;
  if (!fieldMatch(c.binaryName || '*', pub.binaryName)) return false;
  const r = c.binaryVersionRange;
  if (!r || !pub.version) return true;
  if (r.lowSection !== '*' && versionCmp(pub.version, r.lowSection) < 0) return false;
  if (r.highSection !== '*' && versionCmp(pub.version, r.highSection) > 0) return false;
  return true;
}

/** Whether the rule's condition covers the probe and none of its exceptions does. */
export function ruleCovers(rule: Rule, probe: Probe): boolean {
  if (!conditionCovers(rule.condition, probe)) return false;
  return !ruleExceptions(rule).some((e) => conditionCovers(e, probe));
}

/**
 * SIDs that take in every interactive standard user: Everyone, Users, Authenticated Users, Interactive, and
 * Domain Users (`S-1-5-21-…-513`). A rule for one of these is a rule for "anyone who logs on".
 */
export function isBroadSid(sid: string): boolean {
  const s = sid.toUpperCase();
  return ['S-1-1-0', 'S-1-5-32-545', 'S-1-5-11', 'S-1-5-4'].includes(s) || /^S-1-5-21-\d+-\d+-\d+-513$/.test(s);
}

/**
 * SIDs whose members are administrators or services (Administrators, SYSTEM, LOCAL SERVICE, NETWORK SERVICE):
 * they can write anywhere anyway, so a permissive rule for them is no bypass (NSA guidance: "Allow
 * administrators to execute all files").
 */
export function isAdminSid(sid: string): boolean {
  return ['S-1-5-32-544', 'S-1-5-18', 'S-1-5-19', 'S-1-5-20'].includes(sid.toUpperCase());
}

/** The Microsoft signer as AppLocker writes it (§5.1; every in-box binary is signed by it, mostly by catalog). */
export const MICROSOFT_PUBLISHER = 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US';
/** ProductName of in-box Windows binaries. */
export const WINDOWS_PRODUCT = 'MICROSOFT® WINDOWS® OPERATING SYSTEM';
