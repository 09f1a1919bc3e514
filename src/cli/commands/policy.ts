/**
 * `lockstep policy validate|fmt|diff|merge|defaults|lint`: AppLocker policies as code.
 * Exit codes: 0 ok, 1 tool failure, 2 a difference/unformatted file when asked with --check/--exit-code, or a
 * lint finding of severity error, 3 an invalid policy.
 */
import { Command, Option } from 'commander';
import { hasErrors, type Diagnostic } from '../../diag/index.js';
import {
  correlateFindings, lintPolicy, LINT_RULES, type CorrelatedFinding, type FileInformation,
  decodePolicyInput, defaultPolicy, diffPolicies, encodePolicy, formatOptionsOf, mergeGroupPolicy, mergeSetAppLockerPolicy, parsePolicy, renderPolicyDiff,
  serializePolicy, RULE_COLLECTION_TYPES, type AppLockerPolicy, type EffectivePolicy, type EnforcementMode,
  type ParsedPolicy, type RuleCollectionType,
} from '../../policy/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { diagnosticsJson, err, out, outJson, reportDiagnostics } from '../output.js';
import { readInput, writeAtomic } from '../io.js';
import { openStore, redactTarget } from '../../store/index.js';
import { fromResult, loadWorkspace, parseSince, workspaceStoreTarget } from '../../app/index.js';
import { cliPorts, unwrapUseCase } from './report.js';
import { readWritableDirs } from './rules.js';
import { readFactsFile } from './facts.js';

interface Loaded {
  readonly file: string;
  readonly parsed?: ParsedPolicy;
  readonly diagnostics: readonly Diagnostic[];
}

function load(file: string): Loaded {
  const r = parsePolicy(readInput(file), { file });
  return r.ok ? { file, parsed: r.value, diagnostics: r.diagnostics } : { file, diagnostics: r.diagnostics };
}

/** Loads a policy that a command needs whole; reports and exits 3 when it cannot be used. */
function loadOrExit(file: string, json: boolean): ParsedPolicy {
  const l = load(file);
  if (!l.parsed || hasErrors(l.diagnostics)) {
    if (json) outJson({ file, valid: false, diagnostics: diagnosticsJson(l.diagnostics) });
    else {
      reportDiagnostics(l.diagnostics, file);
      err(`error: \`${file}\` is not a valid AppLocker policy`);
    }
    throw new CliExit(ExitCode.InvalidPolicy);
  }
  return l.parsed;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A path as it can be pasted into a POSIX shell. */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function summary(p: AppLockerPolicy): string {
  return p.ruleCollections
    .map((c) => `${c.type}:${c.enforcementMode ?? 'NotConfigured'}(${c.rules.length})`)
    .join(' ');
}

const modeOption = new Option('--mode <mode>', 'enforcement mode').choices(['NotConfigured', 'AuditOnly', 'Enabled']).default('AuditOnly');

export function register(program: Command): void {
  const policy = program.command('policy').description('validate, format, diff and merge AppLocker policy XML');

  policy
    .command('validate')
    .description('check policy files against the AppLocker schema and semantics; report every problem at once')
    .argument('<files...>', 'policy XML files (full <AppLockerPolicy> or bare <RuleCollection>)')
    .option('--json', 'machine-readable output')
    .option('--strict', 'treat warnings as errors')
    .addHelpText('after', `
Examples:
  $ lockstep policy validate finance.xml
  $ lockstep policy validate --json policies/*.xml | jq '.[].diagnostics[]'
Exit: 0 valid, 3 invalid (errors, or warnings with --strict), 1 unreadable file.`)
    .action((files: string[], o: { json?: boolean; strict?: boolean }) => {
      const results = files.map(load);
      const invalid = results.filter((r) => !r.parsed || hasErrors(r.diagnostics) || (o.strict && r.diagnostics.length > 0));
      if (o.json) {
        outJson(results.map((r) => ({
          file: r.file,
          valid: !invalid.includes(r),
          ...(r.parsed ? { root: r.parsed.root, encoding: r.parsed.encoding, collections: r.parsed.policy.ruleCollections.map((c) => ({ type: c.type, enforcementMode: c.enforcementMode ?? 'NotConfigured', rules: c.rules.length })) } : {}),
          diagnostics: diagnosticsJson(r.diagnostics),
        })));
      } else {
        for (const r of results) {
          reportDiagnostics(r.diagnostics, r.file);
          const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
          const warnings = r.diagnostics.filter((d) => d.severity === 'warning').length;
          const status = invalid.includes(r) ? 'INVALID' : 'ok';
          out(`${r.file}: ${status} — ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${r.parsed ? ` — ${summary(r.parsed.policy)}` : ''}`);
        }
      }
      if (invalid.length) throw new CliExit(ExitCode.InvalidPolicy);
    });

  policy
    .command('fmt')
    .description('write a policy in the canonical form Windows emits (element and attribute order, layout)')
    .argument('<file>', 'policy XML file')
    .option('-w, --write', 'rewrite the file in place, keeping its encoding, BOM and line endings')
    .option('--check', 'exit 2 if the file is not canonically formatted (changes nothing)')
    .option('--compact', 'one line, as New-AppLockerPolicy -Xml writes')
    .addOption(new Option('--encoding <enc>', 'output encoding').choices(['utf-8', 'utf-16le']))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .addHelpText('after', `
Examples:
  $ lockstep policy fmt gpo-export.xml > canonical.xml
  $ lockstep policy fmt --write finance.xml
  $ lockstep policy fmt --check policies/finance.xml   # in CI: exit 2 when not formatted`)
    .action((file: string, o: { write?: boolean; check?: boolean; compact?: boolean; encoding?: 'utf-8' | 'utf-16le'; out?: string }) => {
      const bytes = readInput(file);
      const p = loadOrExit(file, false);
      const encoded = encodePolicy(p.policy, formatOptionsOf(p, {
        ...(o.compact ? { style: 'compact' as const } : {}),
        // A new encoding gets its usual form: UTF-16 with a BOM, UTF-8 without.
        ...(o.encoding ? { encoding: o.encoding, bom: o.encoding === 'utf-16le' } : {}),
      }));
      if (o.check) {
        const same = Buffer.compare(Buffer.from(encoded), Buffer.from(bytes)) === 0;
        if (!same) {
          err(`${file}: not canonically formatted (run \`lockstep policy fmt --write ${shellQuote(file)}\`)`);
          throw new CliExit(ExitCode.WouldBlock);
        }
        out(`${file}: formatted`);
        return;
      }
      // Windows' own exports carry no comments and the model keeps none: say so rather than drop them silently.
      const comments = decodePolicyInput(bytes, file).decoded?.text.match(/<!--/g)?.length ?? 0;
      if (comments) err(`warning: ${file}: ${plural(comments, 'XML comment')} not kept in the canonical form`);
      if (o.write) writeAtomic(file, encoded);
      else if (o.out) writeAtomic(o.out, encoded);
      else out(serializePolicy(p.policy, { style: o.compact ? 'compact' : 'pretty', newline: 'lf', root: p.root, xmlDeclaration: p.xmlDeclaration }));
    });

  policy
    .command('diff')
    .description('semantic, rule-level diff: added, removed, changed rules and enforcement mode changes')
    .argument('<before>', 'policy XML')
    .argument('<after>', 'policy XML')
    .option('--json', 'machine-readable output')
    .option('--exit-code', 'exit 2 when the policies differ')
    .addHelpText('after', `
Examples:
  $ lockstep policy diff deployed.xml candidate.xml
  $ lockstep policy diff --json a.xml b.xml | jq '.added[].rule.name'`)
    .action((before: string, after: string, o: { json?: boolean; exitCode?: boolean }) => {
      const a = loadOrExit(before, !!o.json);
      const b = loadOrExit(after, !!o.json);
      const d = diffPolicies(a.policy, b.policy);
      if (o.json) outJson(d);
      else out(renderPolicyDiff(d));
      if (o.exitCode && !d.identical) throw new CliExit(ExitCode.WouldBlock);
    });

  policy
    .command('merge')
    .description('merge policies as Group Policy does (later file = higher precedence) or as Set-AppLockerPolicy -Merge')
    .argument('<files...>', 'policy XML files, lowest precedence first (local, site, domain, OU parent → child)')
    .addOption(new Option('--as <how>', 'merge semantics').choices(['gpo', 'set-applockerpolicy']).default('gpo'))
    .option('--json', 'print the effective policy with provenance as JSON')
    .option('--provenance', 'print which file each rule and each collection mode came from (stderr)')
    .option('-o, --out <file>', 'write the merged policy XML to this file')
    .addHelpText('after', `
Examples:
  $ lockstep policy merge baseline.xml finance-ou.xml > effective.xml
  $ lockstep policy merge --as set-applockerpolicy gpo-current.xml new-rules.xml -o merged.xml
  $ lockstep policy merge --json a.xml b.xml | jq .modeSources`)
    .action((files: string[], o: { as: 'gpo' | 'set-applockerpolicy'; json?: boolean; provenance?: boolean; out?: string }) => {
      const sources = files.map((f) => ({ name: f, policy: loadOrExit(f, !!o.json).policy }));
      let merged: EffectivePolicy;
      if (o.as === 'set-applockerpolicy') {
        if (sources.length !== 2) {
          err('error: `--as set-applockerpolicy` takes exactly two files: the target GPO policy and the policy to merge into it');
          throw new CliExit(ExitCode.ToolFailure);
        }
        merged = mergeSetAppLockerPolicy(sources[0]!, sources[1]!);
      } else merged = mergeGroupPolicy(sources);
      if (o.json) {
        outJson({
          policy: merged.policy,
          ruleSources: Object.fromEntries(merged.ruleSources),
          modeSources: merged.modeSources,
          overriddenRules: Object.fromEntries(merged.overriddenRules),
        });
      } else {
        const xml = serializePolicy(merged.policy, { style: 'pretty', newline: 'lf' });
        if (o.out) writeAtomic(o.out, xml);
        else out(xml);
      }
      if (o.provenance && !o.json) {
        for (const c of merged.policy.ruleCollections) {
          err(`${c.type}: ${c.enforcementMode} (from ${merged.modeSources[c.type] ?? 'no source configures it'})`);
          for (const r of c.rules) err(`  ${r.name} {${r.id}} ← ${merged.ruleSources.get(r.id.toLowerCase())}`);
        }
        for (const [id, names] of merged.overriddenRules) err(`note: rule {${id}} defined by ${names.join(', ')}; the last one is in force`);
      }
    });

  policy
    .command('defaults')
    .description("AppLocker's default rules (well-known ids) for the chosen collections, in any mode")
    .option('--collection <types>', `comma-separated: ${RULE_COLLECTION_TYPES.join(',')}`, RULE_COLLECTION_TYPES.join(','))
    .addOption(modeOption)
    .option('--json', 'the policy as JSON')
    .option('-o, --out <file>', 'write the XML to this file')
    .addHelpText('after', `
Examples:
  $ lockstep policy defaults --mode AuditOnly > defaults.xml
  $ lockstep policy defaults --collection Exe,Script --mode Enabled -o base.xml`)
    .action((o: { collection: string; mode: EnforcementMode; json?: boolean; out?: string }) => {
      const types = o.collection.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = types.filter((t) => !(RULE_COLLECTION_TYPES as readonly string[]).includes(t));
      if (bad.length) {
        err(`error: unknown rule collection \`${bad.join('`, `')}\`; expected ${RULE_COLLECTION_TYPES.join(', ')} (case-sensitive)`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const p = defaultPolicy(types as RuleCollectionType[], o.mode);
      if (o.json) outJson(p);
      else {
        const xml = serializePolicy(p, { style: 'pretty', newline: 'lf' });
        if (o.out) writeAtomic(o.out, xml);
        else out(xml);
      }
    });

  policy
    .command('lint')
    .description('find where a valid policy can be bypassed or locks users out: lock-out, user-writable allowed paths, LOLBins, broad publishers, defeatable denies, hash rules for signed files')
    .argument('<files...>', 'policy XML files (full <AppLockerPolicy> or bare <RuleCollection>)')
    .option('--workspace <dir>', 'correlate each finding with the events its rule allowed, from this workspace\'s evidence store')
    .option('--store <target>', 'correlate with this evidence store (SQLite file or postgres:// URL)')
    .option('--since <window>', 'evidence window for the correlation (30d, or an ISO date)', '30d')
    .option('--writable-dirs <file>', 'your own user-writable folders (one path a line, or `accesschk -uwdqs Users C:\\Windows` output)')
    .option('--file-info <file>', 'file facts (fileinfo --json, scan inventory, Get-AppLockerFileInformation JSON/CSV): enables the hash-rules-for-signed-files check')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Checks: ${LINT_RULES.map((r) => r.code.replace('policy.lint.', '')).join(', ')}.
Examples:
  $ lockstep policy lint finance.xml
  $ lockstep policy lint --workspace ws policies/*.xml          # with how many events each risky rule allowed
  $ lockstep policy lint --writable-dirs accesschk.txt --file-info inv.jsonl --json gpo.xml | jq '.[].findings[]'
Exit: 0 no error findings, 2 a finding of severity error (lock-out, user-writable path for everyone), 3 invalid policy, 1 unreadable file.`)
    .action(async (files: string[], o: { workspace?: string; store?: string; since: string; writableDirs?: string; fileInfo?: string; json?: boolean }) => {
      const writableDirs = readWritableDirs(o.writableDirs);
      const fileFacts: FileInformation[] = o.fileInfo ? readFactsFile(o.fileInfo) : [];
      const results: Array<{ file: string; valid: boolean; diagnostics: readonly Diagnostic[]; findings: CorrelatedFinding[] }> = [];
      for (const file of files) {
        const l = load(file);
        if (!l.parsed || hasErrors(l.diagnostics)) {
          results.push({ file, valid: false, diagnostics: l.diagnostics, findings: [] });
          continue;
        }
        results.push({ file, valid: true, diagnostics: [], findings: lintPolicy(l.parsed.policy, { locations: l.parsed.locations, file, writableDirs, fileFacts }) });
      }
      // Correlation: events per rule id from the store, when one is named.
      let evidence: { target: string; since: string } | undefined;
      if (o.workspace || o.store) {
        let target = o.store;
        if (!target) {
          const ports = cliPorts(o.workspace!);
          const loaded = unwrapUseCase(fromResult(await loadWorkspace(ports.files), 'invalid'));
          target = unwrapUseCase(fromResult(workspaceStoreTarget(loaded, ports.files, undefined, ports.env), 'usage'));
        }
        const days = parseSince(o.since, new Date());
        if (days === undefined) {
          err(`error: \`${o.since}\` is not a window\n  help: use 30d, or an ISO date in the past`);
          throw new CliExit(ExitCode.ToolFailure);
        }
        const since = new Date(Date.now() - days * 86_400_000).toISOString();
        let store;
        try {
          store = await openStore(target);
        } catch (e) {
          err(`error: cannot open the evidence store \`${redactTarget(target)}\`: ${(e as Error).message}`);
          throw new CliExit(ExitCode.ToolFailure);
        }
        try {
          const counts = await store.ruleCounts({ since });
          for (const r of results) r.findings = correlateFindings(r.findings, counts);
        } finally {
          await store.close();
        }
        evidence = { target: redactTarget(target), since };
      }
      const errors = results.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'error').length, 0);
      if (o.json) {
        outJson(results.map((r) => ({
          file: r.file, valid: r.valid,
          ...(r.valid ? {} : { diagnostics: diagnosticsJson(r.diagnostics) }),
          ...(evidence ? { evidence } : {}),
          findings: r.findings.map((f) => ({
            ...(diagnosticsJson([f])[0] as object),
            ...(f.ruleId ? { ruleId: f.ruleId, ruleName: f.ruleName } : {}),
            ...(f.collection ? { collection: f.collection } : {}),
            ...(f.events ? { events: f.events } : {}),
          })),
        })));
      } else {
        for (const r of results) {
          if (!r.valid) {
            reportDiagnostics(r.diagnostics, r.file);
            err(`error: \`${r.file}\` is not a valid AppLocker policy`);
            continue;
          }
          // Findings go to stdout: they are the answer this command was asked for.
          for (const f of r.findings) {
            const rendered = renderLintFinding(f, r.file);
            out(rendered);
          }
          const by = (sev: string): number => r.findings.filter((f) => f.severity === sev).length;
          out(`${r.file}: ${plural(by('error'), 'error')}, ${plural(by('warning'), 'warning')}, ${by('info')} info${evidence ? ` — events since ${evidence.since.slice(0, 10)} from ${evidence.target}` : ''}`);
        }
      }
      if (results.some((r) => !r.valid)) throw new CliExit(ExitCode.InvalidPolicy);
      if (errors > 0) throw new CliExit(ExitCode.WouldBlock);
    });
}

/** One finding as `file:line:col: severity code: message`, its help, and its evidence when correlated. */
function renderLintFinding(f: CorrelatedFinding, file: string): string {
  const l = f.location;
  const at = l && l.kind === 'text' ? `${l.file ?? file}:${l.line}:${l.column}` : file;
  const lines = [`${at}: ${f.severity} ${f.code}: ${f.message}`];
  if (f.help) lines.push(`  help: ${f.help}`);
  if (f.events) lines.push(`  evidence: the rule allowed ${f.events.allowed} recorded event${f.events.allowed === 1 ? '' : 's'}${f.events.audited ? `, ${f.events.audited} audited` : ''}${f.events.blocked ? `, ${f.events.blocked} blocked` : ''}`);
  return lines.join('\n');
}
