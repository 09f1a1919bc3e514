/**
 * Path glob matchers for the fast engine (applocker.md §4.2): `*` is any run of characters including
 * `\`; nothing else is special. Each pattern is compiled once into the cheapest exact test: equality,
 * prefix, suffix, or a scan that finds the literal pieces left to right. No RegExp: a backtracking
 * regex over a 32,767-character path with a few stars could take polynomial time; the scan is
 * O(path × pattern) at worst, whatever the input (the reference uses a different algorithm, so the
 * property test checks one against the other).
 */

export type GlobTest = (s: string) => boolean;

/** Compiles an upper-case pattern into a test over upper-case strings. */
export function compileGlob(pattern: string): GlobTest {
  const stars = countStars(pattern);
  if (stars === 0) return (s) => s === pattern;
  if (stars === 1 && pattern.endsWith('*')) {
    const lit = pattern.slice(0, -1);
    return (s) => s.startsWith(lit);
  }
  if (stars === 1 && pattern.startsWith('*')) {
    const lit = pattern.slice(1);
    return (s) => s.endsWith(lit);
  }
  // Pieces split once here, not per call: the scan then allocates nothing.
  const pieces = pattern.split('*');
  return (s) => scanGlob(pieces, s);
}

function countStars(p: string): number {
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) === 42) n++;
  return n;
}

/** Segment scan: the literal pieces between stars must occur in order; first anchored left, last right. */
function scanGlob(pieces: readonly string[], s: string): boolean {
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (s.length < first.length + last.length) return false;
  if (!s.startsWith(first) || !s.endsWith(last)) return false;
  let pos = first.length;
  const end = s.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece === '') continue;
    const at = s.indexOf(piece, pos);
    if (at < 0 || at + piece.length > end) return false;
    pos = at + piece.length;
  }
  return true;
}
