/**
 * Property tests of the access-request workflow (issue 14 "Test against"): whatever sequence of actions by
 * whichever people, no request reaches `included` (or `deployed`) without an approval by someone other than
 * its requester; expiry is decided by the injected clock only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proposeRule } from './propose.js';
import { approvedByAnotherBeforeInclusion, isExpired, samePerson, transition, type AccessRequest, type RequestAction } from './workflow.js';

const T0 = new Date('2026-11-21T09:00:00Z');

function fresh(requester = 'CONTOSO\\jamie'): AccessRequest {
  const file = { collection: 'Exe' as const, path: '%PROGRAMFILES%\\LEDGER\\LEDGER.EXE', fqbn: 'O=CONTOSO LTD, L=SEATTLE, S=WASHINGTON, C=US\\LEDGER\\LEDGER.EXE\\4.2.0.0' };
  const p = proposeRule(file, { gpo: 'G', requestId: 'REQ-1' });
  if (!p.ok) throw new Error('no rule');
  return {
    id: 'REQ-1', state: 'new', source: 'manual', requester, justification: 'x', createdAt: T0.toISOString(), updatedAt: T0.toISOString(), gpo: 'G', group: 'Finance',
    scopeSid: 'S-1-1-0', file, proposal: { type: p.type, rule: p.rule, collection: 'Exe', reason: p.reason, lint: [], eventsAllowed: 0, filesAllowed: 0 },
    transitions: [{ from: 'new', to: 'new', action: 'create', actor: requester, time: T0.toISOString() }],
  };
}

const ACTIONS: RequestAction[] = ['approve', 'reject', 'more-info', 'answer', 'include', 'deploy'];
const ACTORS = ['CONTOSO\\jamie', 'jamie', 'JAMIE@contoso.example', 'bob', 'CONTOSO\\alice'];

describe('access-request workflow', () => {
  it('never reaches included or deployed without an approval by another person (any sequence, any actors)', () => {
    fc.assert(fc.property(fc.array(fc.record({ action: fc.constantFrom(...ACTIONS), actor: fc.constantFrom(...ACTORS), days: fc.nat(40), expiry: fc.option(fc.integer({ min: -5, max: 30 })) }), { maxLength: 25 }), (steps) => {
      let r = fresh();
      for (const s of steps) {
        const now = new Date(T0.getTime() + s.days * 86_400_000);
        const out = transition(r, { action: s.action, actor: s.actor, now, ...(s.expiry !== null ? { expiresAt: new Date(now.getTime() + s.expiry * 86_400_000) } : {}) });
        if (out.ok) {
          r = out.value;
          if (s.action === 'approve') expect(samePerson(s.actor, r.requester)).toBe(false);
        } else if (s.action === 'approve' && samePerson(s.actor, r.requester) && (r.state === 'new' || r.state === 'more-info')) {
          expect(out.refusal.code).toBe('rollout.request.self-approval');
        }
        if (r.state === 'included' || r.state === 'deployed') {
          expect(r.transitions.some((t) => t.action === 'approve' && !samePerson(t.actor, r.requester))).toBe(true);
        }
        expect(approvedByAnotherBeforeInclusion(r)).toBe(true);
      }
    }), { numRuns: 400 });
  });

  it('refuses self-approval under any spelling of the same account', () => {
    for (const a of ['CONTOSO\\jamie', 'jamie', 'JAMIE@contoso.example', ' Jamie ']) {
      const out = transition(fresh(), { action: 'approve', actor: a, now: T0 });
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.refusal.code).toBe('rollout.request.self-approval');
    }
    expect(transition(fresh(), { action: 'approve', actor: 'bob', now: T0 }).ok).toBe(true);
  });

  it('include only from approved; a reject clears the approval', () => {
    expect(transition(fresh(), { action: 'include', actor: 'bob', now: T0 }).ok).toBe(false);
    const a = transition(fresh(), { action: 'approve', actor: 'bob', now: T0 });
    if (!a.ok) throw new Error('approve');
    const rj = transition(a.value, { action: 'reject', actor: 'alice', now: T0, comment: 'no' });
    if (!rj.ok) throw new Error('reject');
    expect(rj.value.approval).toBeUndefined();
    expect(transition(rj.value, { action: 'include', actor: 'bob', now: T0 }).ok).toBe(false);
  });

  it('expiry is decided by the injected clock: before, at and after', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 90 }), fc.integer({ min: -100, max: 100 }), (days, offset) => {
      const expiresAt = new Date(T0.getTime() + days * 86_400_000);
      const a = transition(fresh(), { action: 'approve', actor: 'bob', now: T0, expiresAt });
      if (!a.ok) throw new Error('approve');
      const inc = transition(a.value, { action: 'include', actor: 'bob', now: T0 });
      if (!inc.ok) throw new Error('include');
      const at = new Date(expiresAt.getTime() + offset * 3_600_000);
      expect(isExpired(inc.value, at)).toBe(offset >= 0);
    }));
    const noExpiry = transition(fresh(), { action: 'approve', actor: 'bob', now: T0 });
    if (!noExpiry.ok) throw new Error('approve');
    expect(isExpired(noExpiry.value, new Date('2099-01-01T00:00:00Z'))).toBe(false);
    const past = transition(fresh(), { action: 'approve', actor: 'bob', now: T0, expiresAt: new Date(T0.getTime() - 1) });
    expect(past.ok ? 'ok' : past.refusal.code).toBe('rollout.request.expiry-past');
  });

  it('proposes publisher + product + binary with a version floor for a signed file, a hash for an unsigned one', () => {
    const pub = proposeRule({ collection: 'Exe', path: 'X.EXE', fqbn: 'O=CONTOSO LTD, L=SEATTLE, S=WASHINGTON, C=US\\LEDGER\\LEDGER.EXE\\4.2' }, { gpo: 'G', requestId: 'R', sid: 's-1-5-21-1-2-3-1100' });
    expect(pub.ok && pub.rule.kind === 'FilePublisherRule' && pub.rule.condition).toEqual({ kind: 'FilePublisherCondition', publisherName: 'O=CONTOSO LTD, L=SEATTLE, S=WASHINGTON, C=US', productName: 'LEDGER', binaryName: 'LEDGER.EXE', binaryVersionRange: { lowSection: '4.2.0.0', highSection: '*' } });
    expect(pub.ok && pub.rule.userOrGroupSid).toBe('S-1-5-21-1-2-3-1100');
    const hash = proposeRule({ collection: 'Exe', path: '%OSDRIVE%\\TOOLS\\T.EXE', hash: 'ab'.repeat(32) }, { gpo: 'G', requestId: 'R' });
    expect(hash.ok && hash.rule.kind === 'FileHashRule' && hash.rule.condition.fileHashes[0]!.data).toBe(`0x${'AB'.repeat(32)}`);
    expect(proposeRule({ collection: 'Exe', path: 'Y.EXE' }, { gpo: 'G', requestId: 'R' }).ok).toBe(false);
  });
});
