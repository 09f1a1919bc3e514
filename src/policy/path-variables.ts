/**
 * AppLocker path variables (applocker.md §4.1): the only `%NAME%` tokens AppLocker expands in a
 * FilePathCondition. "Path variables aren't environment variables. The AppLocker engine can only
 * interpret AppLocker path variables." Used by validate/paths.ts and by the engine's path compiler.
 */
import { nearestName } from './validate/suggest.js';

/** The six AppLocker path variables, upper-case with percent signs (matched case-insensitively). */
export const PATH_VARIABLES = ['%WINDIR%', '%SYSTEM32%', '%OSDRIVE%', '%PROGRAMFILES%', '%REMOVABLE%', '%HOT%'] as const;
export type PathVariable = (typeof PATH_VARIABLES)[number];

/**
 * Windows environment variables an admin may reach for, with the AppLocker variable that covers the same
 * place when there is one (§4.1 table, "Windows env var equivalent"). AppLocker expands none of them.
 */
export const ENVIRONMENT_VARIABLES: Readonly<Record<string, PathVariable | undefined>> = {
  SYSTEMROOT: '%WINDIR%',
  SYSTEMDIRECTORY: '%SYSTEM32%',
  SYSTEMDRIVE: '%OSDRIVE%',
  'PROGRAMFILES(X86)': '%PROGRAMFILES%',
  PROGRAMW6432: '%PROGRAMFILES%',
  COMMONPROGRAMFILES: undefined,
  'COMMONPROGRAMFILES(X86)': undefined,
  APPDATA: undefined,
  LOCALAPPDATA: undefined,
  USERPROFILE: undefined,
  PROGRAMDATA: undefined,
  ALLUSERSPROFILE: undefined,
  PUBLIC: undefined,
  TEMP: undefined,
  TMP: undefined,
  HOMEDRIVE: undefined,
  HOMEPATH: undefined,
  HOMESHARE: undefined,
  USERNAME: undefined,
  USERDOMAIN: undefined,
  COMPUTERNAME: undefined,
  ONEDRIVE: undefined,
};

function bare(name: string): string {
  return name.replace(/^%/, '').replace(/%$/, '').toUpperCase();
}

/** True when `name` (with or without `%`) is an AppLocker path variable, in any case. */
export function isPathVariable(name: string): boolean {
  return (PATH_VARIABLES as readonly string[]).includes(`%${bare(name)}%`);
}

/**
 * The AppLocker variable an unknown `%NAME%` was probably meant to be: the documented equivalent of an
 * environment variable (`%SystemRoot%` → `%WINDIR%`), else the nearest by edit distance
 * (`%PROGRAMFILE%` → `%PROGRAMFILES%`).
 * @example suggestPathVariable('%PROGRAMFILE%') // '%PROGRAMFILES%'
 */
export function suggestPathVariable(name: string): string | undefined {
  const b = bare(name);
  if (isPathVariable(b)) return `%${b}%`;
  const env = ENVIRONMENT_VARIABLES[b];
  if (env) return env;
  const n = nearestName(b, PATH_VARIABLES.map(bare));
  return n !== undefined ? `%${n}%` : undefined;
}

/**
 * Splits a leading AppLocker path variable off a path (case-insensitive; the variable comes back
 * upper-case). Only a variable at the very start counts: AppLocker expands nothing elsewhere.
 * @example splitPathVariable('%windir%\\Temp\\*') // { variable: '%WINDIR%', rest: '\\Temp\\*' }
 */
export function splitPathVariable(path: string): { variable?: PathVariable; rest: string } {
  const m = /^%([^%\\/]{1,32})%/.exec(path);
  if (m) {
    const v = `%${m[1]!.toUpperCase()}%`;
    if ((PATH_VARIABLES as readonly string[]).includes(v)) return { variable: v as PathVariable, rest: path.slice(m[0].length) };
  }
  return { rest: path };
}
