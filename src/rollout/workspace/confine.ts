/**
 * Workspace path confinement, the pure half (issue 12): a path written in a workspace file (`lockstep.yaml`
 * `policy:`, `inventory:`, `store:`) names a file INSIDE the workspace — relative, no `..` segment, in POSIX
 * and Windows forms alike (a workspace from a shared repository may be checked out on either). A policy path
 * of `../../etc/passwd` was read and its first line echoed in an error. Paths the user types on the command
 * line are the user's choice and are not checked here. The other half, a symbolic link inside the workspace
 * that points out of it, needs the file system: store/node-ports.ts checks the real path where files are read.
 */

export type ConfinedPath =
  | { readonly ok: true; /** `/`-separated, without `.` segments. */ readonly path: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks that a workspace-written path stays inside the workspace.
 * @example confineWorkspacePath('policies/finance.xml')   // { ok: true, path: 'policies/finance.xml' }
 * @example confineWorkspacePath('..\\..\\etc\\passwd').ok  // false
 */
export function confineWorkspacePath(path: string): ConfinedPath {
  if (path.length === 0 || path.trim() === '') return { ok: false, reason: 'is empty' };
  if (path.includes('\0')) return { ok: false, reason: 'contains a NUL character' };
  if (path.startsWith('/') || path.startsWith('\\')) return { ok: false, reason: 'is absolute' };
  // `C:\x`, `C:/x` and drive-relative `C:x` all leave the workspace on Windows; `~` is the user's home to a shell.
  if (/^[A-Za-z]:/.test(path)) return { ok: false, reason: 'names a drive' };
  if (path === '~' || path.startsWith('~/') || path.startsWith('~\\')) return { ok: false, reason: 'names a home folder' };
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  // Windows strips trailing dots and spaces from a name: `..` written as `.. ` or `...` still climbs on NTFS.
  if (parts.some((p) => /^\.\.[. ]*$/.test(p))) return { ok: false, reason: 'climbs out with `..`' };
  if (parts.length === 0) return { ok: false, reason: 'names the workspace folder itself' };
  return { ok: true, path: parts.join('/') };
}
