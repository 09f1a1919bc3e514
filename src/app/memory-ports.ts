/**
 * In-memory ports for use-case tests (and for the server's tests): a workspace as a map of files, evidence
 * stores as named in-memory queries, a fixed clock. The model is rollout/analysis/memory-evidence.ts.
 */
import type { EvidenceQuery } from '../rollout/index.js';
import { GENESIS_HASH, sha256Hex, type HistoryEntry } from '../rollout/promotion/history.js';
import type { Clock, EvidenceStores, OpenedEvidence, OpenedPromotionLog, PromotionLogs, WorkspaceFiles } from './ports.js';

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
    write: async (p, bytes) => {
      files.set(key(p), typeof bytes === 'string' ? bytes : new Uint8Array(bytes));
    },
    list: async (d) => {
      const prefix = `${key(d).replace(/\/$/, '')}/`;
      return [...files.keys()].filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).map((k) => k.slice(prefix.length)).sort();
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

/** An in-memory history with the store's append contract (the chain must continue from the last entry). */
export class MemoryPromotionLog implements OpenedPromotionLog {
  readonly entries: HistoryEntry[] = [];
  readonly blobs = new Map<string, Uint8Array>();
  async appendHistory(entry: HistoryEntry, blobs: readonly Uint8Array[]): Promise<void> {
    const last = this.entries[this.entries.length - 1];
    if ((last?.hash ?? GENESIS_HASH) !== entry.prev) throw new Error('the history changed while recording');
    for (const b of blobs) this.blobs.set(sha256Hex(b), new Uint8Array(b));
    this.entries.push(JSON.parse(JSON.stringify(entry)) as HistoryEntry);
  }
  async historyEntries(): Promise<HistoryEntry[]> {
    return this.entries.map((e) => JSON.parse(JSON.stringify(e)) as HistoryEntry);
  }
  async historyBlob(sha: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(sha);
  }
  async close(): Promise<void> {}
}

/** One in-memory history per store target. */
export function memoryPromotionLogs(logs = new Map<string, MemoryPromotionLog>()): PromotionLogs & { logs: Map<string, MemoryPromotionLog> } {
  return {
    logs,
    open: async (target) => {
      let l = logs.get(target);
      if (!l) logs.set(target, (l = new MemoryPromotionLog()));
      return l;
    },
  };
}
