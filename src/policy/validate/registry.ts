/**
 * The validation checks in the order they run, one file per family (design README convention 10).
 * Add a check by writing `<family>.ts` exporting a PolicyCheck and listing it here.
 */
import { collectionsCheck } from './collections.js';
import type { PolicyCheck } from './context.js';
import { hashesCheck } from './hashes.js';
import { pathsCheck } from './paths.js';
import { placementCheck } from './placement.js';
import { publishersCheck } from './publishers.js';
import { rulesCheck } from './rules.js';
import { textCheck } from './text.js';

export const POLICY_CHECKS: readonly PolicyCheck[] = [
  collectionsCheck,
  rulesCheck,
  pathsCheck,
  publishersCheck,
  hashesCheck,
  placementCheck,
  textCheck,
];
