/**
 * The use-case ports (app/ports.ts) for a Node process: workspace files on disk, evidence stores opened with
 * `openStore`, the system clock. The CLI and the server both build their ports here, so neither re-implements
 * file access or store opening.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Clock, EvidenceStores, PromotionLogs, WorkspaceFiles } from '../app/ports.js';
import { isPostgresUrl, openStore, redactTarget } from './open.js';

/** True when `child` is `parent` or inside it (both absolute, resolved). */
function within(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r));
}

/**
 * Files of the workspace folder `dirArg` (relative paths resolve against it). The edge half of workspace
 * confinement (issue 12; the pure half is rollout/workspace/confine.ts, checked when lockstep.yaml is
 * validated): a file read through here must really be inside the workspace — a symbolic link in the
 * workspace pointing out of it (`policies/p.xml -> /etc/shadow`) is refused, and only regular files of at
 * most 64 MiB are read.
 */
export function nodeWorkspaceFiles(dirArg: string): WorkspaceFiles {
  const dir = resolve(dirArg);
  const abs = (p: string): string => (isAbsolute(p) ? p : join(dir, p));
  /** Throws unless `real` (the resolved file, or the resolved folder a file goes into) is inside the workspace. */
  const confined = (f: string, real: string): void => {
    let realDir = dir;
    try {
      realDir = realpathSync(dir);
    } catch {
      // the folder itself vanished: keep the lexical one, `real` cannot be inside it
    }
    if (!within(realDir, real)) throw new Error(`\`${f}\` leads out of the workspace (a symbolic link to \`${real}\`); workspace files must be inside it`);
  };
  return {
    dir,
    resolve: abs,
    exists: async (p) => existsSync(abs(p)),
    read: async (p) => {
      const f = abs(p);
      const st = statSync(f);
      if (st.isDirectory()) throw new Error(`\`${f}\` is a folder, not a file`);
      if (!isAbsolute(p)) confined(f, realpathSync(f));
      if (!st.isFile()) throw new Error(`\`${f}\` is not a regular file`);
      if (st.size > WORKSPACE_FILE_MAX_BYTES) throw new Error(`\`${f}\` is ${st.size} bytes, over the ${WORKSPACE_FILE_MAX_BYTES}-byte limit for workspace files`);
      return new Uint8Array(readFileSync(f));
    },
    write: async (p, bytes, opts) => {
      const f = abs(p);
      if (!isAbsolute(p)) {
        // The same confinement as reads: a linked folder inside the workspace must not carry a write out of it.
        mkdirSync(dirname(f), { recursive: true });
        confined(f, realpathSync(dirname(f)));
        if (existsSync(f) && !statSync(f).isFile()) throw new Error(`\`${f}\` is not a regular file`);
      }
      writeFileAtomic(f, bytes, opts?.private ? 0o600 : undefined);
    },
    remove: async (p) => {
      const f = abs(p);
      if (!existsSync(f)) return;
      if (!isAbsolute(p)) {
        // Confined like writes: a linked folder inside the workspace must not carry a deletion out of it.
        confined(f, realpathSync(dirname(f)));
      }
      rmSync(f, { force: true });
    },
    list: async (d) => {
      const f = abs(d);
      if (!existsSync(f)) return [];
      return readdirSync(f, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    },
  };
}

/** Largest workspace file read (policy XML, lockstep.yaml, machines.csv). */
const WORKSPACE_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** Temp file in the same folder, then rename: atomic on one filesystem; the temp file is removed on failure. */
export function writeFileAtomic(file: string, bytes: Uint8Array | string, mode?: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, bytes, { flush: true, ...(mode !== undefined ? { mode } : {}) });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write \`${file}\`: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The promotion history lives in the evidence store (migration 0003). */
export const nodePromotionLogs: PromotionLogs = { open: (target) => openStore(target, { create: true }) };

export const nodeEvidenceStores: EvidenceStores = {
  open: (target) => openStore(target),
  exists: async (target) => isPostgresUrl(target) || target === ':memory:' || existsSync(target),
  redact: redactTarget,
};

export const systemClock: Clock = { now: () => new Date() };
