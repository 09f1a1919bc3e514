/**
 * Runtime stage `decision-cache` (after the compile pipeline; applocker.md §3.2–§3.4): a bounded, exact
 * memo of decide() per (prepared file, principal SID-set). A decision is a function of the compiled
 * policy, the prepared file and the principal's SID applicability flags only (decide.ts reads nothing
 * else), so a hit returns the very Decision the same key computed before. Keys are the prepared file's
 * interned id (prepared-file.ts) and the principal's SID-set id (sid-table.ts); both are compared in
 * full, so a slot collision is a miss, never a wrong answer. Replays see the same few thousand files
 * and principals many times, which is what makes this pay. Used by decide.ts; one cache per
 * CompiledPolicy (single-threaded, like its scratch list).
 *
 * Layout: 2-way set-associative over typed arrays (no per-entry allocation); the way written on a miss
 * alternates per set. It starts small (a policy compiled for a handful of decisions allocates little) and
 * doubles, re-filing its entries, each time it has taken stores for half its entries, up to the
 * configured capacity, which bounds memory.
 */
import type { Decision } from '../decision.js';

/** Default entries: 2^17 ≈ 131k (file, principal) pairs, ~2.6 MB of typed arrays plus the decisions. */
export const DEFAULT_DECISION_CACHE_SIZE = 1 << 17;
/** Hard cap so a hostile option cannot allocate unbounded memory. */
export const MAX_DECISION_CACHE_SIZE = 1 << 22;

const INITIAL_SIZE = 1024;
const MAX_INTERNED_DECISIONS = 1 << 16;
/** Principal ids below this share a key with the file id; larger ids (or file ids ≥ 2^41) are not cached. */
const PRINCIPAL_SPAN = 4096;
const MAX_FILE_ID = 2 ** 41;

/** Length-prefixed text, so no field value can imitate a field boundary in an intern key. */
function lp(s: string): string {
  return `${s.length}:${s}`;
}

function cacheable(fileId: number, principalId: number): boolean {
  return principalId >= 0 && principalId < PRINCIPAL_SPAN && fileId >= 0 && fileId < MAX_FILE_ID;
}

export class DecisionCache {
  /** Maximum entries (a power of two, 0 = disabled). */
  readonly size: number;
  private setMask = 0;
  /**
   * The whole key per slot, fileId × 4096 + principalId (-1 = empty), exact in a float64 for the ranges
   * cacheable() admits; the two ways of a set are adjacent, so a probe reads one cache line of keys.
   */
  private keys = new Float64Array(0);
  private values: Array<Decision | undefined> = [];
  /** Per set: which way to overwrite next. */
  private victim = new Uint8Array(0);
  private stores = 0;
  private readonly interned = new Map<string, Decision>();

  constructor(requested: number = DEFAULT_DECISION_CACHE_SIZE) {
    const n = Math.min(Math.max(0, Math.floor(Number.isFinite(requested) ? requested : 0)), MAX_DECISION_CACHE_SIZE);
    // Round down to a power of two, at least 2 (one set of two ways) unless disabled.
    this.size = n < 2 ? 0 : 2 ** Math.floor(Math.log2(n));
    if (this.size > 0) this.allocate(Math.min(INITIAL_SIZE, this.size));
  }

  /** Entries currently allocated (grows towards `size`). */
  get allocated(): number {
    return this.keys.length;
  }

  private allocate(n: number): void {
    const [oldKeys, oldValues] = [this.keys, this.values];
    this.setMask = (n >> 1) - 1;
    this.keys = new Float64Array(n).fill(-1);
    this.values = new Array<Decision | undefined>(n).fill(undefined);
    this.victim = new Uint8Array(n >> 1);
    this.stores = 0;
    // Re-file what the smaller table held, so growing costs no hits.
    for (let i = 0; i < oldKeys.length; i++) {
      const d = oldValues[i];
      const k = oldKeys[i]!;
      if (k >= 0 && d !== undefined) this.store(k, Math.floor(k / PRINCIPAL_SPAN), k % PRINCIPAL_SPAN, d);
    }
  }

  private set(fileId: number, principalId: number): number {
    // Multiplicative mix of both ids; ids are small consecutive integers, so spread them over the sets.
    return (Math.imul(fileId | 0, 0x9e3779b1) ^ Math.imul(principalId + 1, 0x85ebca77)) & this.setMask;
  }

  /** The cached decision for the key, or undefined. */
  get(fileId: number, principalId: number): Decision | undefined {
    if (this.size === 0 || !cacheable(fileId, principalId)) return undefined;
    const k = fileId * PRINCIPAL_SPAN + principalId;
    const slot = this.set(fileId, principalId) << 1;
    const keys = this.keys;
    if (keys[slot] === k) return this.values[slot];
    if (keys[slot + 1] === k) return this.values[slot + 1];
    return undefined;
  }

  /** Stores a decision (the key must not be present: callers store only after a miss). */
  put(fileId: number, principalId: number, d: Decision): void {
    if (this.size === 0 || !cacheable(fileId, principalId)) return;
    if (++this.stores > this.keys.length >> 1 && this.keys.length < this.size) this.allocate(this.keys.length * 2);
    this.store(fileId * PRINCIPAL_SPAN + principalId, fileId, principalId, d);
  }

  private store(k: number, fileId: number, principalId: number, d: Decision): void {
    const set = this.set(fileId, principalId);
    const slot0 = set << 1;
    // An empty way first; else the set's next victim.
    let way: number;
    if (this.keys[slot0] === -1) way = 0;
    else if (this.keys[slot0 + 1] === -1) way = 1;
    else {
      way = this.victim[set]!;
      this.victim[set] = way ^ 1;
    }
    const slot = slot0 | way;
    this.keys[slot] = k;
    this.values[slot] = d;
  }

  /**
   * One shared object per distinct decision: a policy yields few (per rule × exception × event id), so
   * the cache holds long-lived objects instead of one fresh object per key, which keeps the garbage
   * collector's old-to-young bookkeeping small. Bounded; past the cap decisions are kept as they are.
   */
  intern(d: Decision): Decision {
    const r = d.rule;
    const e = d.exception;
    const key = `${d.verdict}|${d.reason}|${d.collection ?? ''}|${d.mode}|${d.effect}|${d.eventId ?? ''}|`
      + (r ? `R${r.action}|${r.kind}|${lp(r.id)}${lp(r.name)}${lp(r.userOrGroupSid)}` : '-')
      + (e ? `E${e.action}|${e.conditionKind}|${e.exceptionIndex}|${lp(e.ruleId)}${lp(e.ruleName)}${lp(e.condition)}` : '-');
    const known = this.interned.get(key);
    if (known !== undefined) return known;
    if (this.interned.size < MAX_INTERNED_DECISIONS) this.interned.set(key, d);
    return d;
  }

  /** Empties the cache (memory stays allocated). */
  clear(): void {
    this.keys.fill(-1);
    this.values.fill(undefined);
    this.stores = 0;
  }
}
