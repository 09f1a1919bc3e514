/**
 * Nearest-name suggestions ("did you mean …?") for unknown elements, attributes, enum values and path
 * variables. Levenshtein distance, bounded input so a hostile 32 KiB name costs nothing.
 */

/** Edit distance between a and b (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `name` (case-insensitive), if it is close enough to be a typo:
 * at most 2 edits (one more per 5 characters of a long name) and less than half the name's length.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  if (name.length > 128) return undefined;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 5)) && bestD * 2 < Math.max(name.length, 2) ? best : undefined;
}

/** `did you mean \`X\`?` or undefined. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const n = nearestName(name, candidates);
  return n !== undefined ? `did you mean \`${n}\`?` : undefined;
}
