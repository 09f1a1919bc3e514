/**
 * A small seeded pseudo-random generator (mulberry32) so `lockstep simulate fleet --seed N` is deterministic:
 * the same seed and options always give the same fleet, policies and events, byte for byte. Used by
 * simulate/fleet.ts and simulate/events.ts only; never for anything security-relevant.
 */

/** Deterministic random source; every draw advances the same 32-bit state. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // INVARIANT: the state is a uint32; mixing the seed once avoids near-identical streams for seeds 1, 2, 3…
    this.state = (Math.imul(seed >>> 0 ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Upper-case hex of `bytes` random bytes. */
  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i++) s += this.int(0, 255).toString(16).padStart(2, '0');
    return s.toUpperCase();
  }
}
