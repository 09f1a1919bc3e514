/**
 * What lint needs besides the evaluator (which it is handed: types.ts RuleMatcher): paths compared in one
 * canonical form: `%SYSTEM32%` → `%WINDIR%\SYSTEM32`, `C:\` → `%OSDRIVE%\`,
 * `%OSDRIVE%\WINDOWS` → `%WINDIR%`, `%OSDRIVE%\PROGRAM FILES*` → `%PROGRAMFILES%` (§4.1 variable table).
 */

import { WELL_KNOWN_SIDS } from '../sids.js';

export type { Probe } from './types.js';

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

/**
 * SIDs that take in every interactive standard user: Everyone, Users, Authenticated Users, Interactive, and
 * Domain Users (`S-1-5-21-…-513`). A rule for one of these is a rule for "anyone who logs on".
 */
export function isBroadSid(sid: string): boolean {
  const s = sid.toUpperCase();
  const w = WELL_KNOWN_SIDS;
  return ([w.Everyone, w.Users, w.AuthenticatedUsers, w.Interactive] as string[]).includes(s) || /^S-1-5-21-\d+-\d+-\d+-513$/.test(s);
}

/**
 * SIDs whose members are administrators or services (Administrators, SYSTEM, LOCAL SERVICE, NETWORK SERVICE):
 * they can write anywhere anyway, so a permissive rule for them is no bypass (NSA guidance: "Allow
 * administrators to execute all files").
 */
export function isAdminSid(sid: string): boolean {
  const w = WELL_KNOWN_SIDS;
  return ([w.Administrators, w.LocalSystem, w.LocalService, w.NetworkService] as string[]).includes(sid.toUpperCase());
}

/** The Microsoft signer as AppLocker writes it (§5.1; every in-box binary is signed by it, mostly by catalog). */
export const MICROSOFT_PUBLISHER = 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US';
/** ProductName of in-box Windows binaries. */
export const WINDOWS_PRODUCT = 'MICROSOFT® WINDOWS® OPERATING SYSTEM';
