/**
 * Separation of duties for promotion (app/approval.ts): the preparers of a GPO's pending changes are the
 * actors of its accept/import entries since its last promotion or rollback.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../rollout/promotion/history.js';
import { accountOf, preparers } from './approval.js';
import { separationOfDuties } from './accounts.js';

const e = (seq: number, action: HistoryEntry['action'], actor: string, gpo = 'G'): HistoryEntry => ({ seq, action, actor, gpo } as unknown as HistoryEntry);

describe('preparers', () => {
  it('counts only the changes since the last promotion or rollback of that GPO', () => {
    const h = [e(1, 'accept', 'old'), e(2, 'promote', 'abe'), e(3, 'accept', 'ann'), e(4, 'accept', 'other', 'H'), e(5, 'import', 'bob (token lst_0123456789abcdef)')];
    expect(preparers(h, 'G')).toEqual(['ann', 'bob']);
    expect(preparers(h, 'g')).toEqual(['ann', 'bob']);
    expect(preparers([...h, e(6, 'rollback', 'abe')], 'G')).toEqual([]);
    expect(preparers(h, 'H')).toEqual(['other']);
  });

  it('a token acts as its account: the same person cannot approve through a token', () => {
    expect(accountOf('ann (token lst_0123456789abcdef)')).toBe('ann');
    expect(separationOfDuties({ preparedBy: accountOf('ann (token lst_0123456789abcdef)') }, 'ann').ok).toBe(false);
  });
});
