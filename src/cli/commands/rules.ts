/**
 * `lockstep rules generate --from inventory.jsonl`: the rules New-AppLockerPolicy would make from a
 * reference-computer inventory (publisher first, hash fallback, path on request, `--optimize` grouping),
 * written as policy XML the `lockstep policy` commands accept, plus a trace of the files behind each rule
 * (`--json`, or a sidecar `<out>.trace.json`). Spec: applocker.md §8.3; issue 4 item 6.
 * Exit: 0 written, 1 unreadable/invalid inventory or bad arguments, 3 the generated policy fails validation.
 */
import type { Command } from 'commander';
import { hasErrors } from '../../diag/index.js';
import { parseInventory } from '../../fileinfo/index.js';
import { encodePolicy, generateRules, parsePolicy, serializePolicy, type EnforcementMode, type GeneratedRuleType } from '../../policy/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { diagnosticsJson, err, out, outJson, reportDiagnostics } from '../output.js';
import { readInput, writeAtomic } from '../io.js';
import { registerAccept } from './rules-accept.js';

const RULE_TYPES: readonly GeneratedRuleType[] = ['Publisher', 'Hash', 'Path'];

function parseRuleTypes(text: string): GeneratedRuleType[] {
  const out: GeneratedRuleType[] = [];
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const t = RULE_TYPES.find((r) => r.toLowerCase() === raw.toLowerCase());
    if (!t) {
      err(`error: unknown rule type \`${raw}\`\n  help: use ${RULE_TYPES.join(', ')}`);
      throw new CliExit(ExitCode.ToolFailure);
    }
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

export function register(program: Command): void {
  const rules = program.command('rules').description('make AppLocker rules from scanned files');
  rules
    .command('generate')
    .description('generate the rules New-AppLockerPolicy would make from a scan inventory, each traceable to its files')
    .requiredOption('--from <inventory>', 'inventory JSONL written by `lockstep scan` (`-` for stdin)')
    .option('--rule-type <types>', 'rule types in fallback order (Publisher, Hash, Path)', 'Publisher,Hash')
    .option('--user <sid>', 'user or group SID the rules apply to', 'S-1-1-0')
    .option('--optimize', 'group similar files: one publisher rule per product, one hash rule per collection, one path rule per folder')
    .option('--mode <mode>', 'enforcement mode of the generated collections (NotConfigured, AuditOnly, Enabled)', 'NotConfigured')
    .option('--version-range <range>', 'publisher versions: exact or orAbove', 'exact')
    .option('--prefix <text>', 'rule name prefix (`<prefix>: <name>`)')
    .option('--out <file>', 'write the policy XML here (and the trace beside it as <file>.trace.json); default stdout')
    .option('--json', 'print {policy, rules, trace, diagnostics} as JSON')
    .addHelpText('after', `
Examples:
  $ lockstep rules generate --from finance.jsonl --out finance.xml
  $ lockstep rules generate --from finance.jsonl --rule-type Publisher,Hash,Path --optimize --user S-1-5-21-…-1104 --out finance.xml
  $ lockstep rules generate --from finance.jsonl --json | jq '.trace'
  $ lockstep policy validate finance.xml
Exit: 0 written, 1 bad inventory or arguments, 3 the generated policy does not validate.`)
    .action((o: { from: string; ruleType: string; user: string; optimize?: boolean; mode: string; versionRange: string; prefix?: string; out?: string; json?: boolean }) => {
      const ruleTypes = parseRuleTypes(o.ruleType);
      if (!['NotConfigured', 'AuditOnly', 'Enabled'].includes(o.mode) || !['exact', 'orAbove'].includes(o.versionRange)) {
        err('error: --mode takes NotConfigured, AuditOnly or Enabled; --version-range takes exact or orAbove');
        throw new CliExit(ExitCode.ToolFailure);
      }
      if (!/^S-1-[0-9-]+$/i.test(o.user)) {
        err(`error: \`${o.user}\` is not a SID\n  help: pass a SID such as S-1-1-0 (Everyone) or S-1-5-32-545 (Users)`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const inv = parseInventory(new TextDecoder().decode(readInput(o.from)), { file: o.from });
      if (!inv.ok) {
        if (o.json) outJson({ diagnostics: diagnosticsJson(inv.diagnostics) });
        else reportDiagnostics(inv.diagnostics, o.from);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const g = generateRules(inv.value, {
        ruleTypes, userOrGroupSid: o.user, optimize: o.optimize === true, enforcementMode: o.mode as EnforcementMode,
        publisherVersion: o.versionRange as 'exact' | 'orAbove', ...(o.prefix ? { ruleNamePrefix: o.prefix } : {}),
      });
      const xml = serializePolicy(g.policy);
      // What we write must be what the policy commands accept: re-parse and validate before writing.
      const check = parsePolicy(xml, { file: o.out ?? '<generated>' });
      const diagnostics = [...inv.diagnostics, ...g.diagnostics, ...check.diagnostics];
      const trace = Object.fromEntries([...g.trace].map(([id, files]) => [id, files]));
      const groups = [...new Set(inv.value.map((e) => e.group))];
      if (o.out) {
        writeAtomic(o.out, encodePolicy(g.policy));
        writeAtomic(`${o.out}.trace.json`, JSON.stringify({ from: o.from, groups, rules: trace }, null, 2) + '\n');
      }
      const rulesList = g.policy.ruleCollections.flatMap((c) => c.rules.map((r) => ({ collection: c.type, id: r.id, kind: r.kind, name: r.name, files: g.trace.get(r.id)?.length ?? 0 })));
      if (o.json) outJson({ groups, policy: xml, rules: rulesList, trace, diagnostics: diagnosticsJson(diagnostics) });
      else {
        reportDiagnostics(diagnostics, o.from);
        if (o.out) {
          const per = g.policy.ruleCollections.map((c) => `${c.type}(${c.rules.length})`).join(' ');
          out(`${o.out}: ${rulesList.length} rules from ${inv.value.filter((e) => e.info).length} files — ${per || 'no rules'}; trace in ${o.out}.trace.json`);
        } else out(xml);
      }
      if (!check.ok || hasErrors(check.diagnostics)) throw new CliExit(ExitCode.InvalidPolicy);
    });
  registerAccept(rules);
}
