/**
 * In-memory ports for use-case tests (and for the server's tests): a workspace as a map of files, evidence
 * stores as named in-memory queries, a fixed clock. The model is rollout/analysis/memory-evidence.ts.
 */
import type { EvidenceQuery } from '../rollout/index.js';
import type { Clock, EvidenceStores, OpenedEvidence, WorkspaceFiles } from './ports.js';

/** A workspace whose files live in `files` (paths relative to `/ws`). Writes go back into the map. */
export function memoryWorkspaceFiles(files: Map<string, Uint8Array | string>, dir = '/ws'): WorkspaceFiles {
  const key = (p: string): string => (p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : p).replace(/\\/g, '/');
  return {
    dir,
    resolve: (p) => (p.startsWith('/') ? p : `${dir}/${p}`),
    exists: async (p) => files.has(key(p)),
    read: async (p) => {
      const v = files.get(key(p));
      if (v === undefined) throw new Error(`\`${p}\` does not exist`);
      return typeof v === 'string' ? new TextEncoder().encode(v) : v;
    },
  };
}

/** Stores by target name; opening an unknown target fails as an unreachable store would. */
export function memoryEvidenceStores(stores: Map<string, EvidenceQuery>): EvidenceStores {
  return {
    open: async (target) => {
      const q = stores.get(target);
      if (!q) throw new Error(`no store \`${target}\``);
      const opened: OpenedEvidence = Object.assign(Object.create(q) as EvidenceQuery, { close: async () => undefined });
      return opened;
    },
    exists: async (target) => stores.has(target),
    redact: (t) => t,
  };
}

export function fixedClock(iso: string): Clock {
  return { now: () => new Date(iso) };
}
