/**
 * Timing helpers shared by the benchmarks: the median of repeated runs, which shrugs off a GC pause or a
 * neighbour's burst on a shared 2-core machine better than the mean.
 */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall time (ms) of `runs` calls of `f`. */
export function medianMs(runs: number, f: () => void): number {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}
