/**
 * Numeric keys for the path indexes: a 30-bit FNV-1a hash of an upper-case string, so the indexes are
 * Maps with small-integer keys (no string hashing or comparison on the hot path). A collision only
 * adds a candidate: every index hit is confirmed by the pattern's own test, so keys never decide.
 */

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
/** Keys stay small integers (V8 Smis) so Map lookups do not box. */
const MASK = 0x3fffffff;

/** The key of a whole string. */
export function stringKey(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h & MASK;
}

export interface PathKeys {
  /** stringKey of every prefix of the path that ends in `\`, shortest first. */
  readonly dirKeys: Int32Array;
  /** stringKey of every interior segment (between two `\`). */
  readonly segmentKeys: Int32Array;
  /** stringKey of the whole path. */
  readonly whole: number;
}

/** All keys of a path in one pass. */
export function pathKeys(s: string): PathKeys {
  const dirs: number[] = [];
  const segs: number[] = [];
  let h = FNV_OFFSET;
  let seg = FNV_OFFSET;
  let slashes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h = Math.imul(h ^ c, FNV_PRIME);
    if (c === 92 /* \ */) {
      if (slashes > 0) segs.push(seg & MASK);
      slashes++;
      dirs.push(h & MASK);
      seg = FNV_OFFSET;
    } else {
      seg = Math.imul(seg ^ c, FNV_PRIME);
    }
  }
  return { dirKeys: new Int32Array(dirs), segmentKeys: new Int32Array(segs), whole: h & MASK };
}

/** Bits in a key filter: 2^18 bits = 32 KiB, small enough to stay in cache. */
const FILTER_BITS = 18;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

/**
 * A one-hash Bloom filter over keys: lets a probe skip the Map lookup for the (many) directory prefixes
 * and segments that no pattern uses. False positives only cost the lookup.
 */
export function newKeyFilter(): Uint32Array {
  return new Uint32Array(1 << (FILTER_BITS - 5));
}

export function addKey(filter: Uint32Array, key: number): void {
  const b = key & FILTER_MASK;
  filter[b >>> 5]! |= 1 << (b & 31);
}

export function mayHaveKey(filter: Uint32Array, key: number): boolean {
  const b = key & FILTER_MASK;
  return (filter[b >>> 5]! & (1 << (b & 31))) !== 0;
}
