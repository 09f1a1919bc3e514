/**
 * Compile stage `sid-table` (applocker.md §3.4): every UserOrGroupSid of the policy interned to a small
 * integer, and each principal turned once into a flag array over those integers, so "does this rule
 * apply to this token" is one array read per candidate. The per-principal array is cached (WeakMap),
 * so a principal object reused across decisions costs nothing after the first. Each distinct flag array
 * (SID-set as far as this policy can tell) also gets a small id, the principal half of the decision
 * cache key (decision-cache.ts): two principal objects with the same applicability share decisions.
 */
import type { RuleCollectionType } from '../../policy/model.js';
import { normalizeSid, type Principal } from '../principal.js';

/** Flag bits per SID: allow/deny applicability for the Exe collection and for the others (§3.4 UAC asymmetry). */
export const SID_ALLOW = 1;
export const SID_DENY = 2;
export const SID_ALLOW_EXE = 4;
export const SID_DENY_EXE = 8;

/** A principal as this policy sees it: its flag array and the interned id of that array's content. */
export interface PrincipalEntry {
  readonly flags: Uint8Array;
  readonly id: number;
}

/** Distinct SID-sets interned per table; beyond this, new sets get fresh ids (still exact, just not shared). */
const MAX_INTERNED_SETS = 4096;

export class SidTable {
  private readonly ids = new Map<string, number>();
  private readonly sids: string[] = [];
  private readonly cache = new WeakMap<Principal, PrincipalEntry>();
  private readonly setIds = new Map<string, number>();
  private nextSetId = 0;

  intern(sid: string): number {
    const s = normalizeSid(sid);
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.sids.length;
      this.ids.set(s, i);
      this.sids.push(s);
    }
    return i;
  }

  get size(): number {
    return this.sids.length;
  }

  /** The last principals seen: a replay alternates among a few, and this is cheaper than the WeakMap. */
  private readonly recent: PrincipalEntry[] = [];
  private readonly recentKeys: Principal[] = [];

  /** The flag array of a principal (cached per principal object). */
  flagsFor(p: Principal): Uint8Array {
    return this.resolve(p).flags;
  }

  /** The flag array and SID-set id of a principal (cached per principal object). */
  resolve(p: Principal): PrincipalEntry {
    const keys = this.recentKeys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === p) return this.recent[i]!;
    let e = this.cache.get(p);
    if (!e) {
      const f = new Uint8Array(this.sids.length);
      const elevated = p.elevatedSids ?? p.sids;
      for (let i = 0; i < this.sids.length; i++) {
        const s = this.sids[i]!;
        const denyOnly = p.denyOnlySids?.has(s) ?? false;
        let v = 0;
        if (p.sids.has(s)) v |= SID_ALLOW | SID_DENY;
        if (denyOnly) v |= SID_DENY | SID_DENY_EXE;
        if (elevated.has(s)) v |= SID_ALLOW_EXE | SID_DENY_EXE;
        f[i] = v;
      }
      e = { flags: f, id: this.setId(f) };
      this.cache.set(p, e);
    }
    if (keys.length >= 4) {
      keys.shift();
      this.recent.shift();
    }
    keys.push(p);
    this.recent.push(e);
    return e;
  }

  /** Interns the content of a flag array (bounded: past the cap every new set is its own id). */
  private setId(f: Uint8Array): number {
    let key = '';
    for (let i = 0; i < f.length; i++) key += String.fromCharCode(48 + f[i]!);
    const known = this.setIds.get(key);
    if (known !== undefined) return known;
    const id = this.nextSetId++;
    if (this.setIds.size < MAX_INTERNED_SETS) this.setIds.set(key, id);
    return id;
  }
}

/** The bits that make an allow / deny rule applicable in a collection. */
export function sidBits(collection: RuleCollectionType): { readonly allow: number; readonly deny: number } {
  return collection === 'Exe' ? EXE_BITS : OTHER_BITS;
}
const EXE_BITS = { allow: SID_ALLOW_EXE, deny: SID_DENY_EXE } as const;
const OTHER_BITS = { allow: SID_ALLOW, deny: SID_DENY } as const;
