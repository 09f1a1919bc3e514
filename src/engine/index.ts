/**
 * The engine room's public facade: decide like Windows (applocker.md §3–§5, §8.1, §9.2).
 *   compilePolicy(policy, env?) → CompiledPolicy, then decide(compiled, file, principal) → Decision (fast);
 *   evaluateReference(policy, file, principal, env?) → Decision (the slow oracle);
 *   explain(decision) renders it; ruleSddl(rule) renders a rule as Windows logs it.
 */
export * from './decision.js';
export * from './principal.js';
export * from './environment.js';
export { collectionOf, packagedAppActivity, type EngineFileInformation, parseBinaryVersion, compareBinaryVersions, parsePublisherText, normalizeHashText } from './file-facts.js';
export { evaluateReference, candidatePathForms, globMatch } from './reference.js';
export { compilePolicy, COMPILE_STAGES, type CompiledPolicy, type CompiledCollection, type CompileOptions, type EngineStats } from './compile/pipeline.js';
export { decide, prepareFile, type PreparedFile, type DecideTrace } from './decide.js';
export { explain, explainLine } from './explain.js';
export { ruleSddl, conditionSddl, parseRuleSddl, type ParsedRuleSddl } from './rule-sddl.js';
