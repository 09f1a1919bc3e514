/**
 * Unit tests of the store's time normalisation and the whole-day / edge split (time.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_END, DAY_START, normalizeTime, planTimeRange } from './time.js';

describe('normalizeTime', () => {
  it.each([
    ['2026-09-29T08:12:31.6189560Z', '2026-09-29T08:12:31.6189560Z'],
    ['2026-09-29T08:12:31Z', '2026-09-29T08:12:31.0000000Z'],
    ['2026-09-29T08:12:31.5Z', '2026-09-29T08:12:31.5000000Z'],
    ['2026-09-29T08:12:31.123456789Z', '2026-09-29T08:12:31.1234567Z'],
    ['2019-11-07 22:15:09.5660628', '2019-11-07T22:15:09.5660628Z'], // EvtxECmd map: no T, no zone = UTC
    ['2026-09-29T10:12:31.25+02:00', '2026-09-29T08:12:31.2500000Z'],
    ['2026-01-01T00:30:00-01:00', '2026-01-01T01:30:00.0000000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.0000000Z'],
  ])('%s → %s', (input, want) => {
    expect(normalizeTime(input)).toBe(want);
  });

  it('a date alone as an upper bound means the end of that day', () => {
    expect(normalizeTime('2026-11-01', true)).toBe('2026-11-01T23:59:59.9999999Z');
  });

  it.each(['yesterday', '2026-02-30T00:00:00Z', '2026-13-01', '2026-11-01T25:00:00Z', '', '2026-11-01T10:00:00.Z'])('rejects `%s`', (input) => {
    expect(normalizeTime(input)).toBeUndefined();
  });

  it('fixed width makes text order time order, whatever precision the source gave (property)', () => {
    // A time written with 0–7 fraction digits, and its true value in 100 ns ticks.
    const stamp = fc.tuple(fc.integer({ min: 946684800, max: 4102444799 }), fc.stringMatching(/^[0-9]{0,7}$/)).map(([sec, digits]) => ({
      text: new Date(sec * 1000).toISOString().slice(0, 19) + (digits ? `.${digits}` : '') + 'Z',
      ticks: BigInt(sec) * 10_000_000n + BigInt(digits.padEnd(7, '0') || '0'),
    }));
    fc.assert(
      fc.property(stamp, stamp, (a, b) => {
        expect(normalizeTime(a.text)! < normalizeTime(b.text)!).toBe(a.ticks < b.ticks);
      }),
      { numRuns: 500 },
    );
  });
});

describe('planTimeRange', () => {
  it('whole days need no raw range', () => {
    expect(planTimeRange('2026-11-01T00:00:00.0000000Z', '2026-11-03T23:59:59.9999999Z')).toEqual({ days: { from: '2026-11-01', to: '2026-11-03' }, raw: [], empty: false });
    expect(planTimeRange(undefined, undefined)).toEqual({ days: {}, raw: [], empty: false });
  });

  it('partial first and last days become raw ranges', () => {
    expect(planTimeRange('2026-11-01T08:30:00.0000000Z', '2026-11-04T10:30:00.0000000Z')).toEqual({
      days: { from: '2026-11-02', to: '2026-11-03' },
      raw: [
        { from: '2026-11-01T08:30:00.0000000Z', to: `2026-11-01${DAY_END}` },
        { from: `2026-11-04${DAY_START}`, to: '2026-11-04T10:30:00.0000000Z' },
      ],
      empty: false,
    });
  });

  it('a range inside one day is one raw range; adjacent partial days leave no whole day', () => {
    expect(planTimeRange('2026-11-01T08:00:00.0000000Z', '2026-11-01T09:00:00.0000000Z')).toEqual({ days: null, raw: [{ from: '2026-11-01T08:00:00.0000000Z', to: '2026-11-01T09:00:00.0000000Z' }], empty: false });
    expect(planTimeRange('2026-11-01T08:00:00.0000000Z', '2026-11-02T09:00:00.0000000Z').days).toBeNull();
    expect(planTimeRange('2026-11-02T00:00:00.0000000Z', '2026-11-01T00:00:00.0000000Z').empty).toBe(true);
  });

  it('covers every instant of [since, until] exactly once (property)', () => {
    const t = fc.integer({ min: Date.parse('2026-10-01T00:00:00Z'), max: Date.parse('2026-10-08T00:00:00Z') }).map((ms) => normalizeTime(new Date(ms).toISOString())!);
    fc.assert(
      fc.property(t, t, fc.array(t, { maxLength: 20 }), (a, b, probes) => {
        const [since, until] = a <= b ? [a, b] : [b, a];
        const plan = planTimeRange(since, until);
        for (const p of [...probes, since, until]) {
          const inDays = plan.days !== null && (plan.days.from === undefined || p.slice(0, 10) >= plan.days.from) && (plan.days.to === undefined || p.slice(0, 10) <= plan.days.to);
          const inRaw = plan.raw.filter((r) => p >= r.from && p <= r.to).length;
          const want = p >= since && p <= until ? 1 : 0;
          expect((inDays ? 1 : 0) + inRaw).toBe(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});
