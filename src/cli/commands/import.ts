/**
 * `lockstep import --gpo NAME FILE` (issue 11 item 7): read a `Get-AppLockerPolicy -Domain -Ldap … -Xml` or
 * `-Effective -Xml` export and report drift between it and the workspace (semantic diff, deployed → workspace).
 * A thin adapter over the `importDeployed` use case. Exit: 0 no drift, 2 drift, 3 invalid file or workspace,
 * 1 tool failure.
 */
import type { Command } from 'commander';
import { importDeployed } from '../../app/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { readInput } from '../io.js';
import { out, outJson } from '../output.js';
import { actorOf, promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';

interface Options { workspace: string; gpo: string; actor?: string; store?: string; record?: boolean; json?: boolean }

export function register(program: Command): void {
  program
    .command('import')
    .description('compare what is deployed (a Get-AppLockerPolicy -Domain or -Effective XML export) with the workspace')
    .argument('<file>', 'the exported policy XML (UTF-16 or UTF-8; `-` for stdin)')
    .requiredOption('--gpo <name>', 'the GPO the export belongs to')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--actor <name>', 'who imports (default: the OS user)')
    .option('--store <target>', 'store holding the history (default: the workspace\'s)')
    .option('--no-record', 'do not record the import in the history')
    .option('--json', 'print the diff as JSON')
    .addHelpText('after', `
On a domain-joined admin machine:
  PS> Get-AppLockerPolicy -Domain -Ldap "LDAP://DC01/CN={GUID},CN=Policies,CN=System,DC=contoso,DC=example" -Xml > deployed.xml
  PS> Get-AppLockerPolicy -Effective -Xml > effective.xml     # one machine's merged policy (not CSP policy)

Examples:
  $ lockstep import --gpo "AppLocker - Finance" deployed.xml
  $ lockstep import --gpo "AppLocker - Finance" deployed.xml --json | jq .drift
Exit: 0 no drift, 2 drift, 3 invalid file or workspace, 1 tool failure.`)
    .action(async (file: string, o: Options) => {
      const r = unwrapUseCase(await importDeployed(promotionPorts(o.workspace), { gpo: o.gpo, name: file, bytes: readInput(file), actor: actorOf(o.actor), ...(o.store ? { store: o.store } : {}), ...(o.record === false ? { record: false } : {}) }));
      if (o.json) outJson({ gpo: r.gpo, drift: r.drift, diff: r.diff, entry: r.entry ?? null });
      else out(`${r.gpo}: ${r.drift ? 'DRIFT between what is deployed and the workspace (deployed → workspace):' : 'no drift: the deployed policy matches the workspace'}\n${r.drift ? r.diffText : ''}`);
      throw new CliExit(r.drift ? ExitCode.WouldBlock : ExitCode.Ok);
    });
}
