/**
 * The one renderer of a Decision (design README convention 4): the CLI (`lockstep test`, `lockstep
 * explain`), the API and the console all call explain() so a decision reads the same everywhere.
 * Wording follows AppLocker's own (applocker.md §3.2, §3.3, §8.1, §9.2).
 */
import type { Decision } from './decision.js';

const REASON_TEXT: Record<Decision['reason'], string> = {
  ExplicitDeny: 'a Deny rule matched, and deny beats any allow',
  ExplicitAllow: 'an Allow rule matched and no Deny rule did',
  ImplicitDeny: 'the collection has rules but none allows this file (implicit deny)',
  CollectionHasNoRules: 'the collection has no rules, so every file in it is allowed',
  NoPackagedAppRules: 'Exe rules are enforced and the Appx collection has no rules, so no packaged app may run',
  NotGoverned: 'no AppLocker rule collection covers this file type',
};

const EFFECT_TEXT: Record<Decision['effect'], string> = {
  allowed: 'the file runs',
  blocked: 'the file is blocked',
  'would-be-blocked': 'the file runs, but would be blocked if the collection were enforced',
};

/** A one-line summary: `Denied by "Block X" (Exe, Enabled: blocked, event 8004)`. */
export function explainLine(d: Decision): string {
  const by = d.rule ? ` by "${d.rule.name}"` : '';
  const where = d.collection ? `${d.collection}, ${d.mode}: ${d.effect}` : d.effect;
  const ev = d.eventId !== undefined ? `, event ${d.eventId}` : '';
  return `${d.verdict}${by} (${where}${ev})`;
}

/**
 * The decision and its reasons, several lines, for people.
 * @example explain(decide(compiled, file, standardUser()))
 */
export function explain(d: Decision, subject?: string): string {
  const lines: string[] = [];
  lines.push(`${subject ? subject + ': ' : ''}${d.verdict}`);
  lines.push(`  why:        ${REASON_TEXT[d.reason]}`);
  if (d.rule) {
    lines.push(`  rule:       ${d.rule.action} ${d.rule.kind} "${d.rule.name}" {${d.rule.id}} for ${d.rule.userOrGroupSid}`);
  }
  if (d.exception) {
    const x = d.exception;
    const whose = d.verdict === 'Allowed' ? 'Deny rule' : 'Allow rule';
    lines.push(`  exception:  ${whose} "${x.ruleName}" {${x.ruleId}} did not apply: exception ${x.exceptionIndex + 1} (${x.conditionKind} \`${x.condition}\`) matched`);
  }
  lines.push(`  collection: ${d.collection ?? '(none)'}`);
  const ruled = d.reason === 'ExplicitAllow' || d.reason === 'ExplicitDeny' || d.reason === 'ImplicitDeny';
  // NotConfigured with rules is enforced in the effective policy (§3.3).
  lines.push(`  mode:       ${d.mode}${d.mode === 'NotConfigured' && ruled ? ' (rules present, so enforced)' : ''}`);
  lines.push(`  effect:     ${d.effect}: ${EFFECT_TEXT[d.effect]}`);
  lines.push(`  event:      ${d.eventId !== undefined ? d.eventId : 'none (AppLocker logs nothing here)'}`);
  return lines.join('\n');
}
