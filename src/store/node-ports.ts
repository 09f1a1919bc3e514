/**
 * The use-case ports (app/ports.ts) for a Node process: workspace files on disk, evidence stores opened with
 * `openStore`, the system clock. The CLI and the server both build their ports here, so neither re-implements
 * file access or store opening.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Clock, EvidenceStores, PromotionLogs, WorkspaceFiles } from '../app/ports.js';
import { isPostgresUrl, openStore, redactTarget } from './open.js';

/** Files of the workspace folder `dirArg` (relative paths resolve against it). */
export function nodeWorkspaceFiles(dirArg: string): WorkspaceFiles {
  const dir = resolve(dirArg);
  const abs = (p: string): string => (isAbsolute(p) ? p : join(dir, p));
  return {
    dir,
    resolve: abs,
    exists: async (p) => existsSync(abs(p)),
    read: async (p) => {
      const f = abs(p);
      if (statSync(f).isDirectory()) throw new Error(`\`${f}\` is a folder, not a file`);
      return new Uint8Array(readFileSync(f));
    },
    write: async (p, bytes, opts) => writeFileAtomic(abs(p), bytes, opts?.private ? 0o600 : undefined),
    remove: async (p) => rmSync(abs(p), { force: true }),
    list: async (d) => {
      const f = abs(d);
      if (!existsSync(f)) return [];
      return readdirSync(f, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    },
  };
}

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
export const nodePromotionLogs: PromotionLogs = { open: (target) => openStore(target) };

export const nodeEvidenceStores: EvidenceStores = {
  open: (target) => openStore(target),
  exists: async (target) => isPostgresUrl(target) || target === ':memory:' || existsSync(target),
  redact: redactTarget,
};

export const systemClock: Clock = { now: () => new Date() };
