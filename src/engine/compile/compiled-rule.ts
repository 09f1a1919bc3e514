/**
 * Compile stage 0, `rules`: each rule once, with its SID interned, its deny flag and its exceptions
 * compiled (applocker.md §3.2 (4), §3.4). The indexes point at these.
 */
import type { Diagnostic } from '../../diag/index.js';
import { describeCondition, type DecidingRule, type SuppressingException } from '../decision.js';
import type { Environment } from '../environment.js';
import { ruleExceptions, type Rule } from '../../policy/model.js';
import { compileConditionTest, type FileTest } from './conditions.js';
import type { SidTable } from './sid-table.js';

export interface CompiledException {
  readonly test: FileTest;
  readonly report: SuppressingException;
}

export interface CompiledRule {
  /** Document order within its collection (reporting picks the lowest, §3.6). */
  readonly index: number;
  readonly deny: boolean;
  readonly sidIndex: number;
  readonly decidingRule: DecidingRule;
  readonly exceptions: readonly CompiledException[];
}

/** Compiles the rules of one collection in document order. */
export function compileRules(rules: readonly Rule[], env: Environment, sids: SidTable, where: string, diags: Diagnostic[]): CompiledRule[] {
  return rules.map((rule, index) => {
    const exceptions = ruleExceptions(rule).map((c, i) => ({
      test: compileConditionTest(c, env, `${where} rule \`${rule.name}\` exception ${i + 1}`, diags),
      report: {
        ruleId: rule.id, ruleName: rule.name, action: rule.action, exceptionIndex: i,
        conditionKind: c.kind, condition: describeCondition(c),
      },
    }));
    return {
      index,
      deny: rule.action === 'Deny',
      sidIndex: sids.intern(rule.userOrGroupSid),
      decidingRule: { id: rule.id, name: rule.name, action: rule.action, kind: rule.kind, userOrGroupSid: rule.userOrGroupSid },
      exceptions,
    };
  });
}
