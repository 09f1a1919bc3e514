/**
 * `lockstep explain`: one file's decision with its reasons (applocker.md §3.2–§3.5, §9.2), rendered by
 * the engine's explain(), the one renderer every surface uses.
 * Exit codes: 0 allowed, 2 denied, 3 invalid policy, 1 bad input.
 */
import type { Command } from 'commander';
import { compilePolicy, decide, explain, isAllowedVerdict, parsePublisherText } from '../../engine/index.js';
import type { FileInformation, RuleCollectionType } from '../../policy/index.js';
import { missingFactsNote } from '../missing-facts.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson, reportDiagnostics } from '../output.js';
import { readFactsOrExit } from './facts.js';
import { environmentFromOptions, loadPolicyOrExit, parseHashColumn, principalFromOptions } from './test.js';

interface ExplainOptions { fileInfo?: string; policy: string; path: string; publisher?: string; hash?: string; collection?: string; user?: string[]; interactive?: boolean; json?: boolean; removable?: string[]; hot?: string[] }

export function register(program: Command): void {
  program
    .command('explain')
    .description('explain why a policy allows or denies one file: rule, exception, mode, effect and event id')
    .requiredOption('--policy <file>', 'AppLocker policy XML')
    .requiredOption('--path <path>', 'the Windows path of the file')
    .option('--publisher <fqbn>', 'signer facts: `PUB\\PROD\\BIN,VERSION` or the event FQBN `PUB\\PROD\\BIN\\VERSION`')
    .option('--hash <hash>', 'the file hash: `SHA256 0x…` or 64 hex digits')
    .option('--file-info <file>', 'take the publisher and hash of --path from file facts (fileinfo --json, scan inventory, Get-AppLockerFileInformation JSON/CSV)')
    .option('--collection <type>', 'judge as this collection (Exe, Dll, Msi, Script, Appx) instead of by extension')
    .option('--user <sids...>', 'SIDs of the principal (user and groups); default Everyone (S-1-1-0)')
    .option('--interactive', 'add the implicit groups of an interactive logon (Everyone, Interactive, Authenticated Users, Users)')
    .option('--removable <roots...>', 'drive roots %REMOVABLE% stands for (CD/DVD), e.g. D:')
    .option('--hot <roots...>', 'drive roots %HOT% stands for (USB), e.g. E:')
    .option('--json', 'machine-readable output: the file and the decision')
    .addHelpText('after', `
Examples:
  $ lockstep explain --policy finance.xml --path 'C:\\Windows\\Tasks\\x.exe' --interactive
  $ lockstep explain --policy finance.xml --path 'C:\\Tools\\bginfo.exe' --publisher 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US\\BGINFO\\BGINFO.EXE,4.21.0.0'
  $ lockstep explain --policy finance.xml --path 'D:\\x.ps1' --hash 'SHA256 0xEE80…' --user S-1-5-32-544 --json
Exit: 0 allowed, 2 denied, 3 invalid policy, 1 bad input.`)
    .action((o: ExplainOptions) => {
      const json = !!o.json;
      const policy = loadPolicyOrExit(o.policy, json);
      const principal = principalFromOptions(o.user, o.interactive);
      const hashes = parseHashColumn(o.hash);
      if (!hashes) {
        err(`error: unreadable hash \`${o.hash}\``);
        err('  help: write `SHA256 0x<64 hex digits>`');
        throw new CliExit(ExitCode.ToolFailure);
      }
      const publisher = parsePublisherText(o.publisher);
      if (o.publisher && !publisher) {
        err(`error: unreadable publisher \`${o.publisher}\``);
        err('  help: write `O=…, C=…\\PRODUCT\\BINARY,1.2.3.4`');
        throw new CliExit(ExitCode.ToolFailure);
      }
      if (o.collection && !['Exe', 'Dll', 'Msi', 'Script', 'Appx'].includes(o.collection)) {
        err(`error: unknown collection \`${o.collection}\``);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const facts = o.fileInfo ? factsFor(o.fileInfo, o.path) : undefined;
      const file: FileInformation = {
        ...(facts ?? {}),
        path: o.path, hashes: o.hash ? hashes : (facts?.hashes ?? hashes),
        ...(publisher ? { publisher } : facts?.publisher ? { publisher: facts.publisher } : {}),
        ...(o.collection ? { collection: o.collection as RuleCollectionType } : {}),
      };
      const compiled = compilePolicy(policy, environmentFromOptions(o));
      const d = decide(compiled, file, principal);
      const caveat = missingFactsNote(policy, file);
      if (json) outJson({ file, principal: [...principal.sids], decision: d, ...(caveat ? { caveats: [caveat] } : {}) });
      else {
        reportDiagnostics(compiled.diagnostics, o.policy);
        out(explain(d, o.path));
        if (caveat) err(`note: ${caveat}`);
      }
      if (!isAllowedVerdict(d.verdict)) throw new CliExit(ExitCode.WouldBlock);
    });
}

/** The record for `path` in a file-facts file: same path (any case, Windows or variable form), or the only record. */
function factsFor(file: string, path: string): FileInformation {
  const records = readFactsOrExit(file).records;
  const want = path.toUpperCase();
  const hit = records.find((r) => [r.info.path, r.displayPath, r.windowsPath, r.path].some((p) => p?.toUpperCase() === want));
  if (hit) return hit.info;
  if (records.length === 1) return records[0]!.info;
  err(`error: \`${file}\` has no record for \`${path}\` (${records.length} records)`);
  err('  help: pass --path exactly as the facts name the file (its Path), or a facts file with that one file');
  throw new CliExit(ExitCode.ToolFailure);
}
