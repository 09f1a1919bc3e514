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
