/**
 * Caps on sizes and counts read from untrusted files, checked before anything is allocated. Parsers take
 * these as options with these defaults (saferwall's MaxRelocEntriesCount, Hono's bodyLimit).
 */
export interface ByteLimits {
  /** Largest single allocation a parser may make for one field (bytes). */
  readonly maxFieldBytes: number;
  /** Largest element/item count a parser may loop over for one structure. */
  readonly maxItems: number;
  /** Deepest nesting a recursive structure may reach. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: ByteLimits = {
  maxFieldBytes: 64 * 1024 * 1024,
  maxItems: 1_000_000,
  maxDepth: 64,
};
