/**
 * `lockstep rules generate --from inventory.jsonl`: the rules New-AppLockerPolicy would make from a
 * reference-computer inventory (publisher first, hash fallback, path on request, `--optimize` grouping),
 * written as policy XML the `lockstep policy` commands accept, plus a trace of the files behind each rule
 * (`--json`, or a sidecar `<out>.trace.json`). Spec: applocker.md §8.3; issue 4 item 6.
 * Exit: 0 written, 1 unreadable/invalid inventory or bad arguments, 3 the generated policy fails validation.
 */
import type { Command } from 'commander';
import { hasErrors } from '../../diag/index.js';
import { readFileSync } from 'node:fs';
import { identifyFile, readFileFacts, type CatalogIndex, type FactRecord } from '../../fileinfo/index.js';
import { loadCatroot } from '../catroot.js';
import { encodePolicy, generateRules, parsePolicy, parseWritableDirs, serializePolicy, type EnforcementMode, type GeneratedRuleType } from '../../policy/index.js';
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

/** Reads `--writable-dirs FILE` (plain paths, AccessChk output or a CSV Path column) into variable form. */
export function readWritableDirs(file: string | undefined): string[] {
  if (!file) return [];
  const bytes = readInput(file);
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? new TextDecoder('utf-16le').decode(bytes) : new TextDecoder().decode(bytes);
  const { dirs, skipped } = parseWritableDirs(text);
  if (dirs.length === 0) {
    err(`error: \`${file}\` lists no folders`);
    err('  help: one path per line (C:\\Windows\\Tasks or %WINDIR%\\Tasks), or `accesschk -uwdqs Users C:\\Windows` output');
    throw new CliExit(ExitCode.ToolFailure);
  }
  if (skipped) err(`note: \`${file}\`: ${skipped} line${skipped === 1 ? '' : 's'} that are not a path were skipped`);
  return dirs.map((d) => d.path);
}

/**
 * `--catroot` at generation time: re-identifies the unsigned PE files of the facts (from their host paths,
 * which must still be readable) against the catalogs, so an inventory scanned without `--catroot` still gets
 * publisher rules for catalog-signed files. Returns the records, upgraded where a verified catalog lists them.
 */
async function applyCatalogs(records: readonly FactRecord[], catalogs: CatalogIndex): Promise<{ records: FactRecord[]; upgraded: number; unreadable: number }> {
  let upgraded = 0;
  let unreadable = 0;
  const out: FactRecord[] = [];
  for (const r of records) {
    const pe = r.info.collection === 'Exe' || r.info.collection === 'Dll';
    if (!pe || r.info.publisher || r.signature === 'Invalid') {
      out.push(r);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(r.path);
    } catch {
      unreadable++;
      out.push(r);
      continue;
    }
    const id = await identifyFile({ path: r.path, bytes, ...(r.windowsPath ? { windowsPath: r.windowsPath } : {}), catalogs });
    // Only the same bytes may be upgraded: the file may have changed since the scan.
    if (id.ok && id.value.catalog?.publisherName && id.value.info.hashes.SHA256?.toUpperCase() === r.info.hashes.SHA256?.toUpperCase()) {
      upgraded++;
      out.push({ ...r, info: { ...id.value.info, path: r.info.path }, signature: 'Valid' });
    } else out.push(r);
  }
  return { records: out, upgraded, unreadable };
}

export function register(program: Command): void {
  const rules = program.command('rules').description('make AppLocker rules from scanned files');
  rules
    .command('generate')
    .description('generate the rules New-AppLockerPolicy would make from a scan inventory, each traceable to its files')
    .requiredOption('--from <facts>', 'file facts: a `lockstep scan` inventory, `lockstep fileinfo --json`, or Get-AppLockerFileInformation JSON/CSV (`-` for stdin)')
    .option('--rule-type <types>', 'rule types in fallback order (Publisher, Hash, Path)', 'Publisher,Hash')
    .option('--user <sid>', 'user or group SID the rules apply to', 'S-1-1-0')
    .option('--optimize', 'group similar files: one publisher rule per product, one hash rule per collection, one path rule per folder')
    .option('--mode <mode>', 'enforcement mode of the generated collections (NotConfigured, AuditOnly, Enabled)', 'NotConfigured')
    .option('--version-range <range>', 'publisher versions: exact or orAbove', 'exact')
    .option('--prefix <text>', 'rule name prefix (`<prefix>: <name>`)')
    .option('--writable-dirs <file>', 'your own user-writable folders (one path a line, or `accesschk -uwdqs Users C:\\Windows` output): no path rule for them, exceptions for them under optimised folder rules')
    .option('--out <file>', 'write the policy XML here (and the trace beside it as <file>.trace.json); default stdout')
    .option('--catroot <dir>', 'a copy of C:\\Windows\\System32\\CatRoot: unsigned PE files that a verified catalog lists get publisher rules (re-reads them; or scan with --catroot)')
    .option('--json', 'print {policy, rules, trace, diagnostics} as JSON')
    .addHelpText('after', `
Examples:
  $ lockstep rules generate --from finance.jsonl --out finance.xml
  $ lockstep rules generate --from alfi.csv --out finance.xml          # Get-AppLockerFileInformation … | Export-Csv
  $ lockstep rules generate --from finance.jsonl --catroot /mnt/win/Windows/System32/CatRoot --out finance.xml
  $ lockstep rules generate --from finance.jsonl --rule-type Publisher,Hash,Path --optimize --user S-1-5-21-…-1104 --out finance.xml
  $ lockstep rules generate --from finance.jsonl --json | jq '.trace'
  $ lockstep rules generate --from finance.jsonl --rule-type Publisher,Hash,Path --optimize --writable-dirs acl-writable.txt --out finance.xml
  $ lockstep policy validate finance.xml
Files whose signature is invalid or sits in a damaged certificate table (tampered, spoofed, stuffed) get no
rule at all: they are listed as refused, with the reason.
Exit: 0 written, 1 bad inventory or arguments, 3 the generated policy does not validate.`)
    .action(async (o: { from: string; ruleType: string; user: string; optimize?: boolean; mode: string; versionRange: string; prefix?: string; out?: string; json?: boolean; writableDirs?: string; catroot?: string }) => {
      const ruleTypes = parseRuleTypes(o.ruleType);
      if (!['NotConfigured', 'AuditOnly', 'Enabled'].includes(o.mode) || !['exact', 'orAbove'].includes(o.versionRange)) {
        err('error: --mode takes NotConfigured, AuditOnly or Enabled; --version-range takes exact or orAbove');
        throw new CliExit(ExitCode.ToolFailure);
      }
      if (!/^S-1-[0-9-]+$/i.test(o.user)) {
        err(`error: \`${o.user}\` is not a SID\n  help: pass a SID such as S-1-1-0 (Everyone) or S-1-5-32-545 (Users)`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const inv = readFileFacts(readInput(o.from), { file: o.from });
      if (!inv.ok) {
        if (o.json) outJson({ diagnostics: diagnosticsJson(inv.diagnostics) });
        else reportDiagnostics(inv.diagnostics, o.from);
        throw new CliExit(ExitCode.ToolFailure);
      }
      let records = inv.value.records;
      if (o.catroot) {
        const c = await applyCatalogs(records, await loadCatroot(o.catroot, !!o.json));
        records = c.records;
        if (!o.json) err(`catroot: ${c.upgraded} unsigned file${c.upgraded === 1 ? '' : 's'} signed by a catalog${c.unreadable ? `; ${c.unreadable} could not be re-read (scan with --catroot instead)` : ''}`);
      }
      const g = generateRules(records, {
        ruleTypes, userOrGroupSid: o.user, optimize: o.optimize === true, enforcementMode: o.mode as EnforcementMode,
        publisherVersion: o.versionRange as 'exact' | 'orAbove', ...(o.prefix ? { ruleNamePrefix: o.prefix } : {}),
        writableDirs: readWritableDirs(o.writableDirs),
      });
      const xml = serializePolicy(g.policy);
      // What we write must be what the policy commands accept: re-parse and validate before writing.
      const check = parsePolicy(xml, { file: o.out ?? '<generated>' });
      const diagnostics = [...inv.diagnostics, ...g.diagnostics, ...check.diagnostics];
      const trace = Object.fromEntries([...g.trace].map(([id, files]) => [id, files]));
      const groups = [...new Set(inv.value.records.map((e) => e.group).filter((x): x is string => x !== undefined))];
      if (o.out) {
        writeAtomic(o.out, encodePolicy(g.policy));
        writeAtomic(`${o.out}.trace.json`, JSON.stringify({ from: o.from, groups, rules: trace }, null, 2) + '\n');
      }
      const rulesList = g.policy.ruleCollections.flatMap((c) => c.rules.map((r) => ({ collection: c.type, id: r.id, kind: r.kind, name: r.name, files: g.trace.get(r.id)?.length ?? 0 })));
      if (o.json) outJson({ groups, policy: xml, rules: rulesList, trace, refused: g.refused, diagnostics: diagnosticsJson(diagnostics) });
      else {
        reportDiagnostics(diagnostics, o.from);
        if (o.out) {
          const per = g.policy.ruleCollections.map((c) => `${c.type}(${c.rules.length})`).join(' ');
          out(`${o.out}: ${rulesList.length} rules from ${inv.value.records.length} files — ${per || 'no rules'}; trace in ${o.out}.trace.json`);
          if (g.refused.length) out(`refused ${g.refused.length} file${g.refused.length === 1 ? '' : 's'} (invalid or damaged signature; no rule): ${g.refused.slice(0, 5).map((r) => r.source).join(', ')}${g.refused.length > 5 ? ' …' : ''}`);
        } else out(xml);
      }
      if (!check.ok || hasErrors(check.diagnostics)) throw new CliExit(ExitCode.InvalidPolicy);
    });
  registerAccept(rules);
}
