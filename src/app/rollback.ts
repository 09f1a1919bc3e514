/**
 * Use case `rollback` (issue 11 item 5): restore a GPO's policy file byte for byte to the state before a
 * recorded change (its modes travel inside the file), and record itself. Default: undo the latest change of
 * the GPO not already undone, so repeated rollbacks walk back one change at a time; `to: N` restores the state
 * before entry N (undoing N and every later change of that GPO). The chain is verified first: a rollback never
 * trusts a tampered history. The caller exports the artifacts to apply the restored policy (app/export.ts).
 * Pilot-ring entries are not rolled back here (delete or relink the pilot GPO instead).
 */
import type { Diagnostic } from '../diag/index.js';
import { parsePolicy } from '../policy/index.js';
import { sha256Hex, verifyChain, type HistoryEntry } from '../rollout/promotion/history.js';
import { collectionModes } from '../rollout/promotion/enforce.js';
import type { PromotionPorts } from './accept.js';
import { findGpo } from './gpo-file.js';
import { historyTarget, recordEntry } from './history.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace } from './workspace.js';

export interface RollbackRequest {
  readonly gpo: string;
  readonly to?: number;
  readonly actor: string;
  readonly reason?: string;
  readonly store?: string;
}

export interface RollbackOutcome {
  readonly gpo: string;
  readonly policyFile: string;
  /** The entry whose earlier state was restored. */
  readonly restored: HistoryEntry;
  readonly bytes: Uint8Array;
  readonly entry: HistoryEntry;
}

/** Entries of the GPO (broad, not rings) still in effect: not undone by a later rollback. */
export function liveChanges(entries: readonly HistoryEntry[], gpo: string): HistoryEntry[] {
  const mine = entries.filter((e) => e.gpo === gpo && !e.ring && e.action !== 'import');
  const live: HistoryEntry[] = [];
  for (const e of mine) {
    if (e.action === 'rollback' && e.restores !== undefined) {
      while (live.length && live[live.length - 1]!.seq >= e.restores) live.pop();
    } else live.push(e);
  }
  return live;
}

export async function rollback(ports: PromotionPorts, req: RollbackRequest): Promise<UseCaseResult<RollbackOutcome>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const g = findGpo(loaded, req.gpo, 'app.rollback');
  if (!g.ok) return g;
  const gpo = g.value;
  const t = historyTarget(ports, loaded, req.store);
  if (!t.ok) return t;
  let log;
  try {
    log = await ports.logs.open(t.value);
  } catch (e) {
    return refuse('unavailable', [{ code: 'app.history.unavailable', severity: 'error', message: `cannot open the history in \`${t.value}\`: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  let target: HistoryEntry | undefined, bytes: Uint8Array | undefined;
  try {
    const all = await log.historyEntries();
    const broken = verifyChain(all, (e) => `${t.value}#history/${e.seq}`);
    if (broken.length) return refuse('invalid', [...broken, { code: 'app.rollback.history-broken', severity: 'error', message: 'the history does not verify; refusing to roll back on it', help: 'run `lockstep history --verify` and restore the history first' }]);
    const live = liveChanges(all, gpo.name);
    if (req.to !== undefined) {
      target = all.find((e) => e.seq === req.to);
      if (!target || target.gpo !== gpo.name || target.ring || target.action === 'import' || target.action === 'rollback') {
        return usage('app.rollback.bad-entry', `entry ${req.to} is not a change of \`${gpo.name}\` that can be rolled back`, `changes in effect: ${live.map((e) => `${e.seq} (${e.action})`).join(', ') || 'none'}`);
      }
      if (!live.includes(target)) return usage('app.rollback.already-undone', `entry ${req.to} was already rolled back`);
    } else {
      target = live[live.length - 1];
      if (!target) return usage('app.rollback.nothing', `no recorded change of \`${gpo.name}\` to roll back`, 'see `lockstep history --gpo NAME`');
    }
    bytes = await log.historyBlob(target.policyBefore);
  } finally {
    await log.close();
  }
  if (!bytes || sha256Hex(bytes) !== target.policyBefore) {
    return refuse('invalid', [{ code: 'app.rollback.blob-missing', severity: 'error', message: `the policy as it was before entry ${target.seq} is not in the store (sha256 ${target.policyBefore.slice(0, 12)}…)`, help: `it may still be in the workspace mirror: \`history/blobs/${target.policyBefore}\`` }]);
  }
  const restoredPolicy = parsePolicy(bytes, { file: ports.files.resolve(gpo.policy) });
  if (!restoredPolicy.ok) return refuse('invalid', restoredPolicy.diagnostics);
  const current = loaded.policyBytes.get(gpo.name) ?? new Uint8Array();
  const diags: Diagnostic[] = [];
  const live = liveChanges(await (async () => { const lg = await ports.logs.open(t.value); try { return await lg.historyEntries(); } finally { await lg.close(); } })(), gpo.name);
  const expectedNow = live[live.length - 1]?.policyAfter;
  if (expectedNow && sha256Hex(current) !== expectedNow) {
    diags.push({ code: 'app.rollback.unrecorded-change', severity: 'warning', message: `\`${gpo.policy}\` was changed outside lockstep since entry ${live[live.length - 1]!.seq}; its current bytes are kept in the history so this rollback can itself be undone`, location: { kind: 'text', file: ports.files.resolve(gpo.policy), line: 1, column: 1 } });
  }
  const currentParsed = parsePolicy(current, { file: gpo.policy });
  await ports.files.write(gpo.policy, bytes);
  const rec = await recordEntry(ports, t.value, {
    action: 'rollback', actor: req.actor, time: ports.clock.now().toISOString(), gpo: gpo.name, gpoGuid: gpo.guid,
    policyFile: gpo.policy, collections: target.collections,
    modesBefore: currentParsed.ok ? collectionModes(currentParsed.value.policy) : {}, modesAfter: collectionModes(restoredPolicy.value.policy),
    policyBefore: sha256Hex(current), policyAfter: target.policyBefore, restores: target.seq,
    ...(req.reason ? { reason: req.reason } : {}),
  }, [current, bytes]);
  if (!rec.ok) {
    await ports.files.write(gpo.policy, current);
    return rec;
  }
  return succeed({ gpo: gpo.name, policyFile: gpo.policy, restored: target, bytes, entry: rec.value }, [...diags, ...rec.diagnostics]);
}
