/**
 * The one list of folders a standard user can write to inside the trees AppLocker's default rules trust
 * (%WINDIR%, %SYSTEM32%, %PROGRAMFILES%). A path rule that allows one of them lets anyone drop a file and
 * run it — the best-known AppLocker bypass. Everything that asks "is this location user-writable?" (rule
 * generation, readiness suggestions, lint) asks here; there is no other copy.
 *
 * Sources (applocker.md §7 security caveat, §4.3 ADS note, §1.6 NSA exceptions):
 * - MS Learn, "Understanding AppLocker default rules": %WINDIR%\Temp and %WINDIR%\Tasks are writable;
 * - api0cradle/UltimateAppLockerByPassList, Generic-AppLockerbypasses.md ("Writeable folders in
 *   C:\Windows" for a standard user: Tasks, Temp, tracing, Registration\CRMLog, System32\FxsTmp,
 *   System32\com\dmp, System32\Microsoft\Crypto\RSA\MachineKeys, System32\spool\PRINTERS,
 *   System32\spool\SERVERS, System32\spool\drivers\color, System32\Tasks\Microsoft\Windows\SyncCenter,
 *   System32\Tasks_Migrated, SysWOW64\FxsTmp, SysWOW64\com\dmp, SysWOW64\Tasks\Microsoft\Windows\SyncCenter,
 *   SysWOW64\Tasks\Microsoft\Windows\PLA\System);
 * - microsoft/AaronLocker Support/BuildRulesForFilesInWritableDirectories.ps1 and the NSA AppLocker guidance
 *   exceptions (Debug, PCHEALTH\ErrLog-style error-report folders).
 * Paths are in AppLocker's variable form (§4.3), upper-case, without the trailing backslash.
 */

/** The writable folders, variable form, with the source each comes from. */
export const USER_WRITABLE_FOLDERS: readonly { readonly path: string; readonly source: string }[] = [
  { path: '%WINDIR%\\TEMP', source: 'MS Learn: Understanding AppLocker default rules' },
  { path: '%WINDIR%\\TASKS', source: 'MS Learn: Understanding AppLocker default rules' },
  { path: '%WINDIR%\\TRACING', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%WINDIR%\\REGISTRATION\\CRMLOG', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%WINDIR%\\DEBUG', source: 'NSA AppLocker guidance exceptions' },
  { path: '%WINDIR%\\PCHEALTH\\ERRORREP', source: 'NSA AppLocker guidance exceptions' },
  { path: '%SYSTEM32%\\FXSTMP', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%SYSTEM32%\\COM\\DMP', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%SYSTEM32%\\MICROSOFT\\CRYPTO\\RSA\\MACHINEKEYS', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%SYSTEM32%\\SPOOL\\PRINTERS', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%SYSTEM32%\\SPOOL\\SERVERS', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%SYSTEM32%\\SPOOL\\DRIVERS\\COLOR', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%SYSTEM32%\\TASKS', source: 'UALB Generic-AppLockerbypasses.md (Tasks\\Microsoft\\Windows\\SyncCenter); AaronLocker' },
  { path: '%SYSTEM32%\\TASKS_MIGRATED', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%WINDIR%\\SYSWOW64\\FXSTMP', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%WINDIR%\\SYSWOW64\\COM\\DMP', source: 'UALB Generic-AppLockerbypasses.md' },
  { path: '%WINDIR%\\SYSWOW64\\TASKS', source: 'UALB Generic-AppLockerbypasses.md (Tasks\\Microsoft\\Windows\\SyncCenter, PLA\\System)' },
];

/** The roots the default rules trust; anything outside them (drive root folders, profiles) is user-writable. */
export const TRUSTED_ROOTS: readonly string[] = ['%WINDIR%', '%SYSTEM32%', '%PROGRAMFILES%'];

function under(p: string, folder: string): boolean {
  // A folder covers itself, its children and alternate data streams on it (`%WINDIR%\TASKS:EVIL.EXE`, §4.3).
  return p === folder || p.startsWith(`${folder}\\`) || p.startsWith(`${folder}:`);
}

/**
 * True when a path in AppLocker's variable form (as logged, or as written in a rule) lies where a
 * standard user can write. `extra` adds the admin's own folders (e.g. from an ACL export).
 * @example isUserWritablePath('%WINDIR%\\Tasks\\x.exe') // true
 */
export function isUserWritablePath(path: string, extra: readonly string[] = []): boolean {
  const p = path.toUpperCase().replace(/\//g, '\\');
  if (!TRUSTED_ROOTS.some((r) => under(p, r))) return true;
  if (USER_WRITABLE_FOLDERS.some((w) => under(p, w.path))) return true;
  return extra.some((w) => under(p, w.toUpperCase().replace(/\\+\*?$/, '')));
}

/**
 * Folders outside the trusted roots that every standard user can write to on a default install, used as
 * concrete examples when a rule's path must be tested against "somewhere a user can write" (lint). Not a
 * second list of what is writable — `isUserWritablePath` already treats everything outside TRUSTED_ROOTS as
 * writable; these only name places to probe. Sources: MS Learn "Understanding AppLocker default rules"
 * (users' profiles and temporary folders are why the default rules allow only %WINDIR% and %PROGRAMFILES%);
 * AaronLocker Support/Config.ps1 (user profile, ProgramData and Public are scanned as writable).
 */
export const USER_WRITABLE_EXAMPLES: readonly { readonly path: string; readonly source: string }[] = [
  { path: '%OSDRIVE%\\USERS\\USER\\APPDATA\\LOCAL\\TEMP', source: 'MS Learn: Understanding AppLocker default rules (per-user temp)' },
  { path: '%OSDRIVE%\\USERS\\USER\\DOWNLOADS', source: 'MS Learn: Understanding AppLocker default rules (user profile)' },
  { path: '%OSDRIVE%\\USERS\\PUBLIC', source: 'AaronLocker Support/Config.ps1' },
  { path: '%OSDRIVE%\\PROGRAMDATA', source: 'AaronLocker Support/Config.ps1' },
];

/** Variable form of a Windows path: `C:\Windows\Temp` → `%WINDIR%\TEMP` (§4.1 variables, upper-case). */
export function toVariableForm(path: string): string {
  let p = path.trim().replace(/\//g, '\\').replace(/\\+$/, '').toUpperCase();
  p = p.replace(/^%SYSTEMROOT%/, '%WINDIR%').replace(/^%SYSTEMDRIVE%/, '%OSDRIVE%');
  p = p.replace(/^[A-Z]:(?=\\|$)/, '%OSDRIVE%');
  p = p.replace(/^%OSDRIVE%\\WINDOWS\\SYSTEM32(?=\\|$)/, '%SYSTEM32%');
  p = p.replace(/^%OSDRIVE%\\WINDOWS(?=\\|$)/, '%WINDIR%');
  p = p.replace(/^%WINDIR%\\SYSTEM32(?=\\|$)/, '%SYSTEM32%');
  p = p.replace(/^%OSDRIVE%\\PROGRAM FILES( \(X86\))?(?=\\|$)/, '%PROGRAMFILES%');
  return p;
}

/** One admin-supplied writable folder, in variable form, with the line it came from. */
export interface WritableDir {
  readonly path: string;
  readonly line: number;
}

/** At most this many folders are read from an admin's list (an ACL export of a whole disk is larger). */
export const MAX_WRITABLE_DIRS = 100_000;

/**
 * Reads an admin's own list of user-writable folders (`--writable-dirs FILE`). Accepted, one per line:
 * a plain path (`C:\Windows\Tasks`, `%WINDIR%\Tasks`); Sysinternals AccessChk output
 * (`accesschk -uwdqs Users C:\Windows` prints `RW C:\Windows\Tasks`, `W C:\…`); a CSV column named
 * `Path` or `FullName` (`Get-ChildItem … | Export-Csv`, quotes allowed). Blank lines, `#` comments,
 * AccessChk banners and lines that are not a path are skipped and counted.
 * @example parseWritableDirs('RW C:\\Windows\\Tasks\n') // { dirs: [{ path: '%WINDIR%\\TASKS', line: 1 }], skipped: 0 }
 */
export function parseWritableDirs(text: string): { dirs: WritableDir[]; skipped: number } {
  const dirs: WritableDir[] = [];
  let skipped = 0;
  let csvColumn = -1;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length && dirs.length < MAX_WRITABLE_DIRS; i++) {
    let line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    if (i < 3 && csvColumn < 0 && /(^|,)"?(Path|FullName)"?(,|$)/i.test(line)) {
      csvColumn = line.split(',').findIndex((h) => /^"?(Path|FullName)"?$/i.test(h.trim()));
      continue;
    }
    if (csvColumn >= 0) line = (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])[csvColumn]?.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"') ?? '';
    line = line.replace(/^(RW|R|W)\s+/, '');
    if (!/^([A-Za-z]:\\|%[A-Za-z0-9]+%|\\\\)/.test(line)) {
      skipped++;
      continue;
    }
    dirs.push({ path: toVariableForm(line), line: i + 1 });
  }
  return { dirs, skipped };
}
