/**
 * The decision cache (decision-cache.ts) is exact and bounded: a hit only for the very key stored,
 * collisions evict instead of answering wrongly, memory never passes the configured size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../decision.js';
import { DecisionCache, MAX_DECISION_CACHE_SIZE } from './decision-cache.js';

const decision = (n: number): Decision => ({ verdict: 'Allowed', reason: 'ExplicitAllow', mode: 'Enabled', effect: 'allowed', eventId: n });

describe('DecisionCache', () => {
  it('returns a stored decision only for its exact (file, principal) key', () => {
    const c = new DecisionCache(64);
    c.put(5, 1, decision(1));
    expect(c.get(5, 1)).toEqual(decision(1));
    expect(c.get(5, 2)).toBeUndefined();
    expect(c.get(6, 1)).toBeUndefined();
    expect(c.get(2 ** 40 + 5, 1)).toBeUndefined();
    // Keys too large to pack exactly are simply not cached (never confused with another key).
    c.put(2 ** 45, 1, decision(2));
    c.put(5, 5000, decision(3));
    expect(c.get(2 ** 45, 1)).toBeUndefined();
    expect(c.get(5, 5000)).toBeUndefined();
    expect(c.get(5, 5000 % 4096)).toBeUndefined();
  });

  it('agrees with a Map model under random traffic, never answering a key it does not hold', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(200), fc.nat(5)), { maxLength: 400 }), fc.constantFrom(2, 4, 16, 1024), (ops, size) => {
      const c = new DecisionCache(size);
      const model = new Map<string, Decision>();
      ops.forEach(([f, p], i) => {
        const got = c.get(f, p);
        if (got !== undefined) expect(got).toBe(model.get(`${f}/${p}`));
        else {
          const d = decision(i);
          c.put(f, p, d);
          model.set(`${f}/${p}`, d);
        }
        expect(c.allocated).toBeLessThanOrEqual(size);
      });
    }));
  });

  it('is bounded: sizes round down to a power of two, hostile sizes are capped or disable it', () => {
    expect(new DecisionCache(1000).size).toBe(512);
    expect(new DecisionCache(0).size).toBe(0);
    expect(new DecisionCache(-5).size).toBe(0);
    expect(new DecisionCache(Number.NaN).size).toBe(0);
    expect(new DecisionCache(Number.MAX_SAFE_INTEGER).size).toBe(MAX_DECISION_CACHE_SIZE);
    const off = new DecisionCache(0);
    off.put(1, 1, decision(1));
    expect(off.get(1, 1)).toBeUndefined();
  });

  it('grows towards its size as it is used, and clear() empties it', () => {
    const c = new DecisionCache(1 << 14);
    expect(c.allocated).toBe(1024);
    for (let i = 0; i < 20_000; i++) if (c.get(i, 0) === undefined) c.put(i, 0, decision(i));
    expect(c.allocated).toBe(1 << 14);
    // Recent keys survive (the cache holds up to its size; 2-way sets keep the last two per set).
    let held = 0;
    for (let i = 20_000 - 1000; i < 20_000; i++) if (c.get(i, 0)?.eventId === i) held++;
    expect(held).toBeGreaterThan(900);
    c.clear();
    expect(c.get(19_999, 0)).toBeUndefined();
  });

  it('interns equal decisions to one object and keeps unequal ones apart', () => {
    const c = new DecisionCache(16);
    const rule = { id: 'a', name: 'n', action: 'Allow' as const, kind: 'FilePathRule' as const, userOrGroupSid: 'S-1-1-0' };
    const d = (over: Partial<Decision> = {}): Decision => ({ ...decision(8002), rule, ...over });
    const first = c.intern(d());
    expect(c.intern(d())).toBe(first);
    const variants = [d({ eventId: 8003 }), d({ mode: 'AuditOnly' }), d({ rule: { ...rule, id: 'b' } }), d({ rule: { ...rule, name: 'n|x' } }),
      d({ rule: { ...rule, userOrGroupSid: 'S-1-5-32-544' } }), d({ collection: 'Exe' }),
      d({ exception: { ruleId: 'a', ruleName: 'n', action: 'Deny', exceptionIndex: 0, conditionKind: 'FilePathCondition', condition: 'C:\\X\\*' } })];
    for (const v of variants) {
      const got = c.intern(v);
      expect(got).not.toBe(first);
      expect(got).toStrictEqual(v);
    }
  });
});
