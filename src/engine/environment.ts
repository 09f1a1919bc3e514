/**
 * The machine facts that AppLocker path variables expand to (applocker.md §4.1, §11.4). Used by both
 * evaluators and the compile stage `path-variables`. Roots are written as Windows paths without a
 * trailing backslash (`C:\Windows`, `C:`); comparison is case-insensitive (§4.2).
 */

export interface Environment {
  /** %WINDIR%. */
  readonly windir: string;
  /** %SYSTEM32%: System32 and SysWOW64 on 64-bit Windows (§4.1; ARM dirs off by default, §12.4 #25). */
  readonly system32Dirs: readonly string[];
  /** %PROGRAMFILES%: both Program Files folders (§4.1). */
  readonly programFilesDirs: readonly string[];
  /** %OSDRIVE%, e.g. `C:`. */
  readonly osDrive: string;
  /** %REMOVABLE%: CD/DVD drive roots, e.g. `D:` (§4.1 [INFERRED], caller supplies, §12.4 #24). */
  readonly removableRoots: readonly string[];
  /** %HOT%: hot-pluggable (USB) drive roots, e.g. `E:`. */
  readonly hotRoots: readonly string[];
  /** Mapped or SUBST drives and their UNC/real target (§4.2): `{ 'Z:': '\\\\FS01\\APPS' }`. */
  readonly driveMappings?: Readonly<Record<string, string>>;
}

/** A standard 64-bit Windows installed on C: with no removable or hot-plug drives. */
export const DEFAULT_ENVIRONMENT: Environment = {
  windir: 'C:\\Windows',
  system32Dirs: ['C:\\Windows\\System32', 'C:\\Windows\\SysWOW64'],
  programFilesDirs: ['C:\\Program Files', 'C:\\Program Files (x86)'],
  osDrive: 'C:',
  removableRoots: [],
  hotRoots: [],
};

/** The default environment with some fields replaced. @example environment({ removableRoots: ['D:'] }) */
export function environment(overrides: Partial<Environment> = {}): Environment {
  return { ...DEFAULT_ENVIRONMENT, ...overrides };
}

/** The AppLocker path variables in the precedence Windows uses to display a path (§4.3 [INFERRED]). */
export const APPLOCKER_PATH_VARIABLES = ['%SYSTEM32%', '%WINDIR%', '%PROGRAMFILES%', '%OSDRIVE%', '%REMOVABLE%', '%HOT%'] as const;
export type AppLockerPathVariable = (typeof APPLOCKER_PATH_VARIABLES)[number];

const rootsCache = new WeakMap<Environment, ReadonlyArray<readonly [AppLockerPathVariable, readonly string[]]>>();

/** The roots each variable stands for in this environment, upper-case, no trailing `\` (cached per environment object). */
export function variableRoots(env: Environment): ReadonlyArray<readonly [AppLockerPathVariable, readonly string[]]> {
  let roots = rootsCache.get(env);
  if (!roots) rootsCache.set(env, (roots = computeRoots(env)));
  return roots;
}

function computeRoots(env: Environment): ReadonlyArray<readonly [AppLockerPathVariable, readonly string[]]> {
  const up = (xs: readonly string[]): string[] => xs.map((x) => trimSlash(x.toUpperCase()));
  return [
    ['%SYSTEM32%', up(env.system32Dirs)],
    ['%WINDIR%', up([env.windir])],
    ['%PROGRAMFILES%', up(env.programFilesDirs)],
    ['%OSDRIVE%', up([env.osDrive])],
    ['%REMOVABLE%', up(env.removableRoots)],
    ['%HOT%', up(env.hotRoots)],
  ];
}

function trimSlash(s: string): string {
  return s.endsWith('\\') ? s.slice(0, -1) : s;
}

/**
 * Normalises a file path as AppLocker sees it: `/` → `\`, upper-case, and a leading AppLocker
 * variable (as events log paths, `%OSDRIVE%\USERS\X.EXE`) expanded to its first root (§4.3).
 */
export function normalizeFilePath(path: string, env: Environment): string {
  let p = resolveDotSegments(path.replace(/\//g, '\\').toUpperCase());
  if (p.startsWith('%')) {
    for (const [name, roots] of variableRoots(env)) {
      if (p.startsWith(name) && roots[0] !== undefined) {
        p = roots[0] + p.slice(name.length);
        break;
      }
    }
  }
  return p;
}

/**
 * Win32 resolves `.` and `..` segments (GetFullPathName) before AppLocker sees a path, so
 * `C:\Windows\..\Users\x.exe` is decided as `C:\Users\x.exe`; `..` never climbs above the drive or share root.
 */
export function resolveDotSegments(p: string): string {
  if (!p.includes('\\.')) return p;
  const parts = p.split('\\');
  // `\\server\share\…` and `\\?\C:\…` keep four leading parts as their root; `C:\…` keeps one
  const rootLength = p.startsWith('\\\\') ? Math.min(4, parts.length) : 1;
  const out = parts.slice(0, rootLength);
  for (const seg of parts.slice(rootLength)) {
    if (seg === '.') continue;
    if (seg === '..') {
      if (out.length > rootLength) out.pop();
      continue;
    }
    out.push(seg);
  }
  return out.join('\\');
}

/** The UNC/real form of a path on a mapped drive, upper-case, when the environment knows the mapping. */
export function mappedUncPath(normalizedPath: string, env: Environment): string | undefined {
  const m = env.driveMappings;
  if (!m || normalizedPath.length < 2 || normalizedPath[1] !== ':') return undefined;
  const drive = normalizedPath.slice(0, 2);
  for (const [k, v] of Object.entries(m)) {
    if (k.toUpperCase().replace(/\\$/, '') === drive) return trimSlash(v.replace(/\//g, '\\').toUpperCase()) + normalizedPath.slice(2);
  }
  return undefined;
}
