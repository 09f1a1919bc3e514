/**
 * Compile stage `sid-table` (applocker.md §3.4): every UserOrGroupSid of the policy interned to a small
 * integer, and each principal turned once into a flag array over those integers, so "does this rule
 * apply to this token" is one array read per candidate. The per-principal array is cached (WeakMap),
 * so a principal object reused across decisions costs nothing after the first.
 */
import type { RuleCollectionType } from '../../policy/model.js';
import { normalizeSid, type Principal } from '../principal.js';

/** Flag bits per SID: allow/deny applicability for the Exe collection and for the others (§3.4 UAC asymmetry). */
export const SID_ALLOW = 1;
export const SID_DENY = 2;
export const SID_ALLOW_EXE = 4;
export const SID_DENY_EXE = 8;

export class SidTable {
  private readonly ids = new Map<string, number>();
  private readonly sids: string[] = [];
  private readonly cache = new WeakMap<Principal, Uint8Array>();

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
  private readonly recent: Array<[Principal, Uint8Array]> = [];

  /** The flag array of a principal (cached per principal object). */
  flagsFor(p: Principal): Uint8Array {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) if (recent[i]![0] === p) return recent[i]![1];
    let f = this.cache.get(p);
    if (f) {
      this.remember(p, f);
      return f;
    }
    f = new Uint8Array(this.sids.length);
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
    this.cache.set(p, f);
    this.remember(p, f);
    return f;
  }

  private remember(p: Principal, f: Uint8Array): void {
    if (this.recent.length >= 4) this.recent.shift();
    this.recent.push([p, f]);
  }
}

/** The bits that make an allow / deny rule applicable in a collection. */
export function sidBits(collection: RuleCollectionType): { readonly allow: number; readonly deny: number } {
  return collection === 'Exe' ? EXE_BITS : OTHER_BITS;
}
const EXE_BITS = { allow: SID_ALLOW_EXE, deny: SID_DENY_EXE } as const;
const OTHER_BITS = { allow: SID_ALLOW, deny: SID_DENY } as const;
