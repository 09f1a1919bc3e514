/** The case corpus through both evaluators (engine.conformance.ts). */
import { compilePolicy } from './compile/pipeline.js';
import { decide } from './decide.js';
import { runEngineCases } from './engine.conformance.js';
import { evaluateReference } from './reference.js';

runEngineCases('reference', (policy, env) => ({ decide: (f, p) => evaluateReference(policy, f, p, env) }));

runEngineCases('fast', (policy, env) => {
  const compiled = compilePolicy(policy, env);
  return { decide: (f, p) => decide(compiled, f, p) };
});
