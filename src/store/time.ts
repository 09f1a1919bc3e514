/**
 * Time handling for the store: every TimeCreated is stored in ONE fixed-width form,
 * `YYYY-MM-DDTHH:MM:SS.fffffffZ` (100 ns ticks, as Windows' FILETIME gives them, applocker.md §9.4), so
 * text comparison is time comparison in both SQLite and PostgreSQL, and `substr(t, 1, 10)` is the UTC day.
 * Without it `…:07Z` would sort after `…:07.5Z` ('Z' > '.').
 *
 * `planTimeRange` splits a filter's [since, until] into whole days (answered from the daily rollup) and at
 * most two partial edge ranges (answered from raw events), so aggregates stay exact at any precision.
 * Used by sqlite/ and postgres/ query code and the ingest batch preparation (batch.ts).
 */
import { DiagnosticError, type Diagnostic } from '../diag/index.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

const FAST = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export const DAY_START = 'T00:00:00.0000000Z';
export const DAY_END = 'T23:59:59.9999999Z';

/**
 * Normalises an ISO 8601 time (`T` or space separator, 0–9 fraction digits, `Z`, an offset or none = UTC)
 * to `YYYY-MM-DDTHH:MM:SS.fffffffZ`. A date alone is that day's start (or its last tick with
 * `endOfDay`, for an inclusive upper bound). Returns undefined when the text is not such a time.
 * @example normalizeTime('2019-11-07 22:15:09.5660628') === '2019-11-07T22:15:09.5660628Z'
 */
export function normalizeTime(text: string, endOfDay = false): string | undefined {
  // Fast path: already UTC with `T` and `Z` (what the readers emit) needs only fraction padding.
  const fast = FAST.exec(text);
  if (fast) {
    const [, date, hms, frac] = fast;
    const y = date!.slice(0, 4);
    const mo = Number(date!.slice(5, 7));
    const d = Number(date!.slice(8, 10));
    const h = Number(hms!.slice(0, 2));
    const mi = Number(hms!.slice(3, 5));
    const sec = Number(hms!.slice(6, 8));
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(Number(y), mo) && h <= 23 && mi <= 59 && sec <= 59) {
      return `${date}T${hms}.${(frac ?? '').slice(0, 7).padEnd(7, '0')}Z`;
    }
  }
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const dateOnly = h === undefined;
  let fraction = (frac ?? '').slice(0, 7).padEnd(7, '0');
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (Number.isNaN(ms)) return undefined;
  // Date.UTC rolls invalid fields over (Feb 30 → Mar 2); reject instead of silently moving the event.
  const check = new Date(ms);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) {
    return undefined;
  }
  if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 60) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  if (dateOnly && endOfDay) {
    ms += 86_399_000;
    fraction = '9999999';
  }
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  if (iso.length !== 24) return undefined; // years outside 0000–9999
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

/** The UTC day (`YYYY-MM-DD`) of a normalised time. */
export function dayOf(normalised: string): string {
  return normalised.slice(0, 10);
}

/** Normalises a filter bound or throws a DiagnosticError naming it (a caller mistake, not bad evidence). */
export function normalizeBound(text: string | undefined, which: 'since' | 'until'): string | undefined {
  if (text === undefined) return undefined;
  const t = normalizeTime(text, which === 'until');
  if (t === undefined) {
    const d: Diagnostic = {
      code: 'store.filter.bad-time',
      severity: 'error',
      message: `\`${which}\` is not an ISO 8601 time: \`${text}\``,
      help: 'use a form like `2026-11-01` or `2026-11-01T08:00:00Z`',
    };
    throw new DiagnosticError([d]);
  }
  return t;
}

/** A closed range of normalised times to answer from raw events. */
export interface RawRange {
  readonly from: string;
  readonly to: string;
}

/** How to answer [since, until]: whole days from the rollup plus partial days from raw events. */
export interface TimePlan {
  /** Whole UTC days (inclusive bounds; undefined = unbounded on that side); null = no whole day. */
  readonly days: { readonly from?: string; readonly to?: string } | null;
  readonly raw: readonly RawRange[];
  /** since > until: nothing can match. */
  readonly empty: boolean;
}

function addDays(day: string, n: number): string {
  const ms = Date.parse(`${day}T00:00:00Z`) + n * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Splits normalised inclusive bounds into whole days and partial edges.
 * INVARIANT: every instant in [since, until] is covered exactly once (by a whole day or by one raw range).
 */
export function planTimeRange(since: string | undefined, until: string | undefined): TimePlan {
  if (since !== undefined && until !== undefined && since > until) return { days: null, raw: [], empty: true };
  const sinceDay = since === undefined ? undefined : dayOf(since);
  const untilDay = until === undefined ? undefined : dayOf(until);
  const sinceWhole = since === undefined || since === `${sinceDay}${DAY_START}`;
  const untilWhole = until === undefined || until === `${untilDay}${DAY_END}`;
  if (sinceDay !== undefined && sinceDay === untilDay) {
    if (sinceWhole && untilWhole) return { days: { from: sinceDay, to: sinceDay }, raw: [], empty: false };
    return { days: null, raw: [{ from: since!, to: until! }], empty: false };
  }
  const raw: RawRange[] = [];
  let from = sinceDay;
  let to = untilDay;
  if (!sinceWhole) {
    raw.push({ from: since!, to: `${sinceDay}${DAY_END}` });
    from = addDays(sinceDay!, 1);
  }
  if (!untilWhole) {
    raw.push({ from: `${untilDay}${DAY_START}`, to: until! });
    to = addDays(untilDay!, -1);
  }
  const days = from !== undefined && to !== undefined && from > to ? null : { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  return { days, raw, empty: false };
}
