/**
 * Use case: promotion with separation of duties (issue 13 item 3). A promotion moves to Enforce the rules
 * that were prepared since the GPO's last promotion or rollback (`rules accept`, `import` in the history,
 * app/history.ts); whoever prepared them — or requested the promotion — cannot be the one who approves it.
 * The rule (`separationOfDuties`) is in app/accounts.ts; the promotion itself is app/promote.ts.
 */
import type { HistoryEntry } from '../rollout/promotion/history.js';
import type { PromotionPorts } from './accept.js';
import { separationOfDuties } from './accounts.js';
import { history } from './history.js';
import { promote, type PromoteOutcome, type PromoteRequest } from './promote.js';
import type { UseCaseResult } from './result.js';

/** The account part of an actor name: `ann (token lst_…)` → `ann`. */
export const accountOf = (actor: string): string => actor.replace(/\s+\(token [^)]*\)$/, '');

/** Actors of the changes prepared for `gpo` since its last promotion or rollback, oldest first. */
export function preparers(entries: readonly HistoryEntry[], gpo: string): string[] {
  const mine = entries.filter((e) => e.gpo.toLowerCase() === gpo.toLowerCase());
  let i = mine.length;
  while (i > 0 && mine[i - 1]!.action !== 'promote' && mine[i - 1]!.action !== 'rollback') i--;
  return [...new Set(mine.slice(i).filter((e) => e.action === 'accept' || e.action === 'import').map((e) => accountOf(e.actor)))];
}

/**
 * Promotes after checking that `actor` (the approver) neither prepared the pending changes nor requested the
 * promotion (`requestedBy`).
 * @example await approvedPromote(ports, { gpo: 'AppLocker - Finance', actor: 'abe', requestedBy: 'ann' });
 */
export async function approvedPromote(ports: PromotionPorts, req: PromoteRequest & { requestedBy?: string }): Promise<UseCaseResult<PromoteOutcome>> {
  const h = await history(ports, { gpo: req.gpo, ...(req.store ? { store: req.store } : {}) });
  if (!h.ok) return h;
  const approver = accountOf(req.actor);
  for (const p of preparers(h.value.entries, req.gpo)) {
    const sod = separationOfDuties({ preparedBy: p, ...(req.requestedBy ? { requestedBy: accountOf(req.requestedBy) } : {}) }, approver);
    if (!sod.ok) return sod;
  }
  if (req.requestedBy) {
    const sod = separationOfDuties({ requestedBy: accountOf(req.requestedBy) }, approver);
    if (!sod.ok) return sod;
  }
  return promote(ports, req);
}
