/**
 * Use case `history` and the recorder every promotion use case shares (issue 11 item 4): entries are appended
 * to the evidence store's hash chain (PromotionLog port, migration 0003) and mirrored as one JSON file per
 * entry under the workspace's `history/` (with the policy files they reference under `history/blobs/`) for
 * review in git. `verify` checks the store's chain, the mirror's chain, and that the two agree, and names
 * the entry where each breaks.
 */
import type { Diagnostic } from '../diag/index.js';
import {
  historyFileName, historyFileText, parseHistoryEntry, sealEntry, sha256Hex, verifyChain,
  type HistoryEntry, type UnsealedEntry,
} from '../rollout/promotion/history.js';
import { selectGpos } from '../rollout/index.js';
import type { Clock, EnvLookup, PromotionLogs, WorkspaceFiles } from './ports.js';
import { refuse, succeed, type UseCaseResult } from './result.js';
import { loadWorkspace, workspaceStoreTarget, type LoadedWorkspace } from './workspace.js';

export const HISTORY_DIR = 'history';
export const HISTORY_BLOB_DIR = 'history/blobs';
/** A mirrored entry is a few KB; anything much larger is not ours. */
const MAX_MIRROR_BYTES = 1 << 20;

export interface HistoryPorts {
  readonly files: WorkspaceFiles;
  readonly logs: PromotionLogs;
  readonly clock: Clock;
  readonly env: EnvLookup;
}

/** The store holding a workspace's history: the evidence store (`--store` or the workspace's `store:`). */
export function historyTarget(ports: HistoryPorts, loaded: LoadedWorkspace, store?: string): UseCaseResult<string> {
  const t = workspaceStoreTarget(loaded, ports.files, store, ports.env);
  return t.ok ? succeed(t.value) : refuse('usage', t.diagnostics);
}

/**
 * Appends one entry (sealed onto the store's last entry) with its blobs, then mirrors it into the workspace.
 * The store is the record; a mirror write that fails is reported, and `history --verify` shows the gap.
 */
export async function recordEntry(ports: HistoryPorts, target: string, e: UnsealedEntry, blobs: readonly Uint8Array[]): Promise<UseCaseResult<HistoryEntry>> {
  let log;
  try {
    log = await ports.logs.open(target);
  } catch (err) {
    return refuse('unavailable', [{ code: 'app.history.unavailable', severity: 'error', message: `cannot open the history in \`${target}\`: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  try {
    const all = await log.historyEntries();
    const entry = sealEntry(e, all[all.length - 1]);
    await log.appendHistory(entry, blobs);
    const diags: Diagnostic[] = [];
    try {
      for (const b of blobs) {
        const name = `${HISTORY_BLOB_DIR}/${sha256Hex(b)}`;
        if (!(await ports.files.exists(name))) await ports.files.write(name, b);
      }
      await ports.files.write(`${HISTORY_DIR}/${historyFileName(entry)}`, historyFileText(entry));
    } catch (err) {
      diags.push({ code: 'app.history.mirror-failed', severity: 'warning', message: `entry ${entry.seq} is recorded in the store but its mirror under \`history/\` could not be written: ${err instanceof Error ? err.message : String(err)}`, help: 'run `lockstep history --verify` after fixing the folder' });
    }
    return succeed(entry, diags);
  } catch (err) {
    return refuse('unavailable', [{ code: 'app.history.append-failed', severity: 'error', message: `cannot record the history entry: ${err instanceof Error ? err.message : String(err)}` }]);
  } finally {
    await log.close();
  }
}

export interface HistoryRequest {
  readonly gpo?: string;
  readonly verify?: boolean;
  readonly store?: string;
  readonly loaded?: LoadedWorkspace;
}

export interface HistoryOutcome {
  readonly entries: readonly HistoryEntry[];
  /** Present when asked to verify: every break found (empty = the history holds). */
  readonly problems?: readonly Diagnostic[];
  readonly store: string;
}

/** Reads the mirror files under `history/` in name order. */
async function mirrorEntries(files: WorkspaceFiles): Promise<{ entries: HistoryEntry[]; names: string[]; problems: Diagnostic[] }> {
  const entries: HistoryEntry[] = [], names: string[] = [], problems: Diagnostic[] = [];
  for (const name of await files.list(HISTORY_DIR)) {
    if (!/^\d{6}-.+\.json$/.test(name)) continue;
    const path = `${HISTORY_DIR}/${name}`;
    const bytes = await files.read(path);
    const e = bytes.length <= MAX_MIRROR_BYTES ? parseHistoryEntry(new TextDecoder().decode(bytes)) : undefined;
    if (!e) {
      problems.push({ code: 'rollout.history.mirror-unreadable', severity: 'error', message: `\`${path}\` is not a history entry`, location: { kind: 'text', file: files.resolve(path), line: 1, column: 1 }, help: 'restore it from git; entries are never edited' });
      continue;
    }
    entries.push(e);
    names.push(name);
  }
  return { entries, names, problems };
}

/**
 * @example const r = await history(ports, { gpo: 'AppLocker - Finance', verify: true });
 */
export async function history(ports: HistoryPorts, req: HistoryRequest): Promise<UseCaseResult<HistoryOutcome>> {
  let loaded = req.loaded;
  if (!loaded) {
    const l = await loadWorkspace(ports.files);
    if (!l.ok) return refuse('invalid', l.diagnostics);
    loaded = l.value;
  }
  if (req.gpo && selectGpos(loaded.workspace, req.gpo).length === 0) {
    return refuse('usage', [{ code: 'app.history.unknown-gpo', severity: 'error', message: `no GPO named \`${req.gpo}\` in the workspace`, help: `known GPOs: ${loaded.workspace.gpos.map((g) => `\`${g.name}\``).join(', ')}` }]);
  }
  const t = historyTarget(ports, loaded, req.store);
  if (!t.ok) return t;
  let log;
  try {
    log = await ports.logs.open(t.value);
  } catch (err) {
    return refuse('unavailable', [{ code: 'app.history.unavailable', severity: 'error', message: `cannot open the history in \`${t.value}\`: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  let all: HistoryEntry[];
  try {
    all = await log.historyEntries();
  } finally {
    await log.close();
  }
  const gpo = req.gpo ? selectGpos(loaded.workspace, req.gpo)[0]!.name : undefined;
  const entries = gpo ? all.filter((e) => e.gpo === gpo) : all;
  if (!req.verify) return succeed({ entries, store: t.value });
  const problems: Diagnostic[] = [];
  problems.push(...verifyChain(all, (e) => `${t.value}#history/${e.seq}`));
  const mirror = await mirrorEntries(ports.files);
  problems.push(...mirror.problems);
  const fileOf = (i: number): string => ports.files.resolve(`${HISTORY_DIR}/${mirror.names[i]}`);
  problems.push(...verifyChain(mirror.entries, (_e, i) => fileOf(i)));
  // The mirror must hold exactly the store's entries: a missing file is a deletion, an extra one an invention.
  const bySeq = new Map(mirror.entries.map((e, i) => [e.seq, i]));
  for (const e of all) {
    const i = bySeq.get(e.seq);
    const expected = historyFileName(e);
    if (i === undefined) {
      problems.push({ code: 'rollout.history.mirror-missing', severity: 'error', message: `entry ${e.seq} (${e.action} \`${e.gpo}\`) is in the store but \`history/${expected}\` is missing`, location: { kind: 'text', file: ports.files.resolve(`${HISTORY_DIR}/${expected}`), line: 1, column: 1 }, help: 'restore the file from git; `lockstep history --json` shows the stored entry' });
      continue;
    }
    const m = mirror.entries[i]!;
    if (m.hash !== e.hash || mirror.names[i] !== expected) {
      problems.push({ code: 'rollout.history.mirror-differs', severity: 'error', message: `\`history/${mirror.names[i]}\` does not match entry ${e.seq} in the store`, location: { kind: 'text', file: fileOf(i), line: 1, column: 1 }, help: 'the store is the record; restore the file from git or compare with `lockstep history --json`' });
    }
  }
  const storeSeqs = new Set(all.map((e) => e.seq));
  mirror.entries.forEach((m, i) => {
    if (!storeSeqs.has(m.seq)) problems.push({ code: 'rollout.history.mirror-extra', severity: 'error', message: `\`history/${mirror.names[i]}\` claims entry ${m.seq}, which the store does not have`, location: { kind: 'text', file: fileOf(i), line: 1, column: 1 }, help: 'an entry was added by hand or the workspace points at another store' });
  });
  return succeed({ entries, problems, store: t.value });
}
