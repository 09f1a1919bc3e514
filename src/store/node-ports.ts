/**
 * The use-case ports (app/ports.ts) for a Node process: workspace files on disk, evidence stores opened with
 * `openStore`, the system clock. The CLI and the server both build their ports here, so neither re-implements
 * file access or store opening.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Clock, EvidenceStores, WorkspaceFiles } from '../app/ports.js';
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
  };
}

export const nodeEvidenceStores: EvidenceStores = {
  open: (target) => openStore(target),
  exists: async (target) => isPostgresUrl(target) || target === ':memory:' || existsSync(target),
  redact: redactTarget,
};

export const systemClock: Clock = { now: () => new Date() };
