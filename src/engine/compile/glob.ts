/**
 * Path glob matchers for the fast engine (applocker.md §4.2): `*` is any run of characters including
 * `\`; nothing else is special. Each pattern is compiled once into the cheapest test that is exact:
 * equality, prefix, or an anchored RegExp. Patterns with many stars use a linear-backtracking scan
 * instead of a RegExp, so a hostile pattern cannot make matching exponential.
 */

/** More stars than this and a RegExp could backtrack badly; use the scan. */
const MAX_REGEX_STARS = 4;

export type GlobTest = (s: string) => boolean;

/** Compiles an upper-case pattern into a test over upper-case strings. */
export function compileGlob(pattern: string): GlobTest {
  const stars = countStars(pattern);
  if (stars === 0) return (s) => s === pattern;
  if (stars === 1 && pattern.endsWith('*')) {
    const lit = pattern.slice(0, -1);
    return (s) => s.startsWith(lit);
  }
  if (stars <= MAX_REGEX_STARS) {
    const re = new RegExp('^' + pattern.split('*').map(escapeRegex).join('[\\s\\S]*') + '$');
    return (s) => re.test(s);
  }
  return (s) => scanGlob(pattern, s);
}

function countStars(p: string): number {
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) === 42) n++;
  return n;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Segment scan: the literal pieces between stars must occur in order; first anchored left, last right. */
function scanGlob(pattern: string, s: string): boolean {
  const pieces = pattern.split('*');
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
