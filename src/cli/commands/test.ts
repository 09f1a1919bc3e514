/**
 * `lockstep test`: Test-AppLockerPolicy for any OS (applocker.md §8.1). Decides each file against a
 * policy for a principal and prints FilePath, PolicyDecision and MatchingRule as the cmdlet does.
 * Files come as paths (`--path`) or as `Get-AppLockerFileInformation | Export-Csv` / JSON facts
 * (`--file-info`: Path, Publisher `PUB\PROD\BIN,VER`, Hash `SHA256 0x…`).
 * Exit codes: 0 every file allowed, 2 some file denied, 3 invalid policy, 1 tool failure.
 * Also exports the policy/principal/file-info loaders `lockstep explain` uses.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { hasErrors } from '../../diag/index.js';
import {
  compilePolicy, decide, environment, explainLine, isAllowedVerdict, principalOf, WELL_KNOWN_SIDS,
  type Decision, type Environment, type Principal,
} from '../../engine/index.js';
import { parsePolicy, type AppLockerPolicy, type FileHashType, type FileInformation } from '../../policy/index.js';
import { missingFactsNote } from '../missing-facts.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { csvCell, diagnosticsJson, err, out, outJson, reportDiagnostics } from '../output.js';
import { readInput } from '../io.js';
import { readFactsFile } from './facts.js';

/** Reads and parses a policy; reports and exits 3 when it is not a usable AppLocker policy. */
export function loadPolicyOrExit(file: string, json: boolean): AppLockerPolicy {
  const r = parsePolicy(readInput(file), { file });
  if (!r.ok || hasErrors(r.diagnostics)) {
    if (json) outJson({ file, valid: false, diagnostics: diagnosticsJson(r.diagnostics) });
    else {
      reportDiagnostics(r.diagnostics, file);
      err(`error: \`${file}\` is not a valid AppLocker policy`);
    }
    throw new CliExit(ExitCode.InvalidPolicy);
  }
  if (!json) reportDiagnostics(r.diagnostics, file);
  return r.value.policy;
}

const SID_RE = /^S-1-\d+(-\d+)*$/i;

/**
 * The principal: the given SIDs (Test-AppLockerPolicy `-User <group>` semantics, no nested expansion,
 * §3.4), plus the implicit groups of an interactive logon with `--interactive`; Everyone when none (§8.1).
 */
export function principalFromOptions(users: readonly string[] | undefined, interactive: boolean | undefined): Principal {
  const sids = [...(users ?? [])];
  for (const s of sids) {
    if (!SID_RE.test(s)) {
      err(`error: \`${s}\` is not a SID`);
      err('  help: give SIDs such as `S-1-5-32-544`; names cannot be resolved offline');
      throw new CliExit(ExitCode.ToolFailure);
    }
  }
  if (interactive) sids.push(WELL_KNOWN_SIDS.Everyone, WELL_KNOWN_SIDS.Interactive, WELL_KNOWN_SIDS.AuthenticatedUsers, WELL_KNOWN_SIDS.Users);
  if (sids.length === 0) sids.push(WELL_KNOWN_SIDS.Everyone);
  return principalOf(sids);
}

/** The machine the policy is evaluated for: `%REMOVABLE%` and `%HOT%` roots come from the options (§4.1). */
export function environmentFromOptions(o: { removable?: string[]; hot?: string[] }): Environment {
  return environment({ removableRoots: o.removable ?? [], hotRoots: o.hot ?? [] });
}

/** `SHA256 0x…` (the Hash column) → hashes; '' → none. */
export function parseHashColumn(text: string | undefined): Partial<Record<FileHashType, string>> | undefined {
  const t = text?.trim();
  if (!t) return {};
  const m = /^(SHA256Flat|SHA256|SHA1)\s+(?:0x)?([0-9a-f]+)$/i.exec(t) ?? /^(?:0x)?([0-9a-f]{64})$/i.exec(t);
  if (!m) return undefined;
  if (m.length === 2) return { SHA256: m[1]! };
  const type = (['SHA256', 'SHA256Flat', 'SHA1'] as const).find((x) => x.toLowerCase() === m[1]!.toLowerCase())!;
  return { [type]: m[2]! };
}

/** Splits CSV text (RFC 4180 quoting, as Export-Csv writes it) into rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f !== ''));
}

/**
 * Reads `--file-info`: Get-AppLockerFileInformation JSON (nested Publisher/Hash objects) or Export-Csv CSV
 * (UTF-16 or UTF-8, with or without `#TYPE`), `lockstep fileinfo --json`, or a scan inventory (cli/commands/facts.ts).
 */
export function readFileInfo(file: string): FileInformation[] {
  return readFactsFile(file);
}

/** Test-AppLockerPolicy's three columns (§8.1) plus the full decision. */
export function resultRow(file: FileInformation, d: Decision): { FilePath: string; PolicyDecision: string; MatchingRule: string } {
  return { FilePath: file.path, PolicyDecision: d.verdict, MatchingRule: d.rule?.name ?? '' };
}

function csvField(s: string): string {
  return csvCell(s); // quoting + formula neutralisation (issue 12)
}

interface TestOptions { policy: string; path?: string[]; fileInfo?: string; user?: string[]; interactive?: boolean; json?: boolean; csv?: boolean; removable?: string[]; hot?: string[] }

export function register(program: Command): void {
  program
    .command('test')
    .description('decide files against an AppLocker policy like Test-AppLockerPolicy, on any OS')
    .requiredOption('--policy <file>', 'AppLocker policy XML')
    .option('--path <paths...>', 'Windows file paths to decide (path rules only: no publisher or hash facts)')
    .option('--file-info <file>', 'Get-AppLockerFileInformation output: Export-Csv CSV or JSON with Path, Publisher, Hash')
    .option('--user <sids...>', 'SIDs of the principal (user and groups); default Everyone (S-1-1-0)')
    .option('--interactive', 'add the implicit groups of an interactive logon (Everyone, Interactive, Authenticated Users, Users)')
    .option('--removable <roots...>', 'drive roots %REMOVABLE% stands for (CD/DVD), e.g. D:')
    .option('--hot <roots...>', 'drive roots %HOT% stands for (USB), e.g. E:')
    .option('--json', 'machine-readable output: one object per file with the full decision')
    .option('--csv', 'CSV output with the columns FilePath, PolicyDecision, MatchingRule')
    .addHelpText('after', `
Examples:
  $ lockstep test --policy finance.xml --path 'C:\\Users\\ann\\Downloads\\tool.exe' --user S-1-5-21-1-2-3-1001 --interactive
  $ lockstep test --policy finance.xml --file-info alfi.csv --csv > decisions.csv
  $ lockstep test --policy finance.xml --file-info alfi.json --user S-1-5-32-544 --json | jq '.[] | select(.PolicyDecision != "Allowed")'
Exit: 0 every file allowed, 2 some file denied, 3 invalid policy, 1 unreadable input.`)
    .action((o: TestOptions) => {
      const json = !!o.json;
      if (!o.path?.length && !o.fileInfo) {
        err('error: give files with --path or --file-info');
        throw new CliExit(ExitCode.ToolFailure);
      }
      const policy = loadPolicyOrExit(o.policy, json);
      const principal = principalFromOptions(o.user, o.interactive);
      const files: FileInformation[] = [...(o.path ?? []).map((path) => ({ path, hashes: {} })), ...(o.fileInfo ? readFileInfo(o.fileInfo) : [])];
      const compiled = compilePolicy(policy, environmentFromOptions(o));
      if (!json) reportDiagnostics(compiled.diagnostics, o.policy);
      const showBar = !json && !o.csv && process.stderr.isTTY && files.length > 20_000;
      const bar = showBar ? new cliProgress.SingleBar({ stream: process.stderr, format: 'test [{bar}] {value}/{total} files', hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
      bar?.start(files.length, 0);
      const decisions = files.map((f, i) => {
        if (bar && i % 5000 === 0) bar.update(i);
        return decide(compiled, f, principal);
      });
      bar?.stop();
      if (json) outJson(files.map((f, i) => ({ ...resultRow(f, decisions[i]!), decision: decisions[i] })));
      else if (o.csv) {
        out(['FilePath,PolicyDecision,MatchingRule', ...files.map((f, i) => {
          const r = resultRow(f, decisions[i]!);
          return [r.FilePath, r.PolicyDecision, r.MatchingRule].map(csvField).join(',');
        })].join('\n'));
      } else {
        for (let i = 0; i < files.length; i++) out(`${files[i]!.path}\n  ${explainLine(decisions[i]!)}`);
      }
      const denied = decisions.filter((d) => !isAllowedVerdict(d.verdict)).length;
      if (!json && !o.csv) err(`${files.length} file${files.length === 1 ? '' : 's'}: ${files.length - denied} allowed, ${denied} denied`);
      const blind = files.filter((f) => missingFactsNote(policy, f) !== undefined).length;
      if (blind) err(`note: ${blind} of ${files.length} files had no publisher or hash facts, so the publisher and hash rules of their collections could not be checked; the verdicts may differ for the real files (use --file-info with \`lockstep fileinfo --json\` output)`);
      if (denied > 0) throw new CliExit(ExitCode.WouldBlock);
    });
}
