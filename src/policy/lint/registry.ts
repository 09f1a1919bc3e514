/**
 * The lint rules in the order they run, one file per rule (design README convention 10, as validate/).
 * Add a rule by writing `<rule>.ts` exporting a LintRule and listing it here.
 */
import { broadPublisherRule } from './broad-publisher.js';
import { denyDefeatableRule } from './deny-defeatable.js';
import { hashForSignedRule } from './hash-for-signed.js';
import { lockoutRule } from './lockout.js';
import { lolbinRule } from './lolbins.js';
import type { LintRule } from './types.js';
import { userWritablePathRule } from './user-writable-path.js';

export const LINT_RULES: readonly LintRule[] = [
  lockoutRule,
  userWritablePathRule,
  lolbinRule,
  broadPublisherRule,
  denyDefeatableRule,
  hashForSignedRule,
];
