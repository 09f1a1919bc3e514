/**
 * `lockstep init DIR [--demo]`: creates a workspace folder a team keeps in git (issue 6 item 1):
 * `lockstep.yaml` (business groups, GPOs, event-collection plan, readiness thresholds, evidence store),
 * `machines.csv` (inventory: name, OU), `policies/*.xml` and a `.gitignore` for the local evidence store.
 * `--demo` fills it with the project's own SYNTHETIC sample fleet (rollout/simulate). Also exports
 * `writeWorkspaceFiles`, which `lockstep demo` and `lockstep simulate fleet` use.
 * Exit codes: 0 created, 1 the folder already holds a workspace (without --force) or cannot be written.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { serializePolicy, type AppLockerPolicy } from '../../policy/index.js';
import {
  defaultRulesPolicy, fleetInventory, fleetWorkspace, inventoryCsv, simulateFleet, workspaceYaml, SYNTHETIC_LABEL, WORKSPACE_FILE,
  type SimulatedFleet, type Workspace,
} from '../../rollout/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson } from '../output.js';

/** Policy XML with a leading comment (after the declaration) saying what it is. */
export function policyXmlWithComment(policy: AppLockerPolicy, comment: string): string {
  const xml = serializePolicy(policy, { style: 'pretty', newline: 'crlf' });
  return `<!-- ${comment.replace(/--/g, '- -')} -->\r\n${xml}`;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes lockstep.yaml, machines.csv, the GPO policies and .gitignore of a simulated fleet into `dir`. */
export function writeWorkspaceFiles(dir: string, fleet: SimulatedFleet, store?: string): { workspace: Workspace; files: string[] } {
  const ws = fleetWorkspace(fleet, store);
  const files: string[] = [];
  const put = (rel: string, text: string): void => {
    write(join(dir, rel), text);
    files.push(rel);
  };
  put(WORKSPACE_FILE, workspaceYaml(ws, [
    SYNTHETIC_LABEL,
    `Lockstep workspace for the demo fleet (seed ${fleet.seed}). Edit it, keep it in git.`,
    'Docs: `lockstep init --help`; readiness: `lockstep report readiness`.',
  ]));
  put('machines.csv', inventoryCsv(fleetInventory(fleet)));
  for (const g of fleet.gpos) put(g.policy, policyXmlWithComment(g.policyDocument, `${SYNTHETIC_LABEL}: policy of GPO "${g.name}"`));
  put('.gitignore', '# the local evidence store is data, not plan\n.lockstep/\n');
  return { workspace: ws, files };
}

const TEMPLATE = `# Lockstep workspace: the deployment plan for taking AppLocker from Audit only to Enforce rules.
# Keep this folder in git. Validate with \`lockstep report readiness\` (it reports errors with line:column).
version: 1
name: My organisation
# domain: contoso.com          # DNS domain: events log FQDNs, the inventory short names
store: .lockstep/evidence.db   # or a postgres:// URL, or env:LOCKSTEP_STORE_URL
inventory: machines.csv        # name,ou per machine: resolves OU membership
administrators: []             # SIDs of administrator accounts (RID 500 and system accounts are known)
groups:
  - name: Example group
    membership:
      ous: ["OU=Example,OU=Workstations,DC=example,DC=com"]
      names: ["EX-*"]          # computer-name patterns
      computers: []            # explicit names
    approved:                  # approved applications: by publisher (and product) or by path
      - name: Example app
        publisher: "O=EXAMPLE CORP, L=SEATTLE, S=WASHINGTON, C=US"
        product: EXAMPLE APP
    support: helpdesk@example.com
gpos:
  - name: AppLocker - Example
    guid: "{00000000-0000-0000-0000-000000000001}"
    policy: policies/example.xml
    links:
      - target: Example group  # a group name or an OU distinguished name
        order: 1               # link order: 1 = highest precedence
    # enforcement: { Exe: AuditOnly, Script: AuditOnly }
collection:
  channels: ["Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker/MSI and Script"]
  subscription: AppLocker-Audit
  retentionDays: 90
readiness:
  minDays: 14                  # days of evidence needed
  minReportingShare: 0.8       # share of the group's machines that must report
  maxApprovedBlocked: 0        # executions of approved apps that may be blocked
  maxAdminBlocked: 0           # executions by administrators that may be blocked
  maxWouldBlock: 0             # executions of anything that may be blocked
  # evidence sufficiency: past these the verdict is INSUFFICIENT EVIDENCE (exit 4) instead of READY
  silentDays: 3                # a machine silent this many days longer than the group's last event is silent
  maxLostRecords: 0            # records missing from a channel's EventRecordID sequence
  maxLogClears: 0              # log-cleared events (Security 1102, System 104) in the window
  plateauDays: 5               # discovery has levelled off when the last plateauDays days…
  plateauMaxNewFiles: 2        # …brought at most this many new would-be-blocked files
`;

interface Options { demo?: boolean; seed?: string; machines?: string; force?: boolean; json?: boolean }

export function register(program: Command): void {
  program
    .command('init')
    .description('create a workspace: lockstep.yaml, machines.csv, policies/ (add --demo for the synthetic sample fleet)')
    .argument('[dir]', 'folder to create the workspace in', '.')
    .option('--demo', 'fill it with the SYNTHETIC demo fleet (groups, GPOs, policies, inventory)')
    .option('--seed <n>', 'seed of the demo fleet', '1')
    .option('--machines <n>', 'machines in the demo fleet', '60')
    .option('--force', 'overwrite an existing workspace')
    .option('--json', 'print the created files as JSON')
    .addHelpText('after', `
The workspace is a folder a team keeps in git: business groups (membership by OU, name pattern or list;
approved applications; support contact), GPOs (GUID, policy XML, links and link order, enforcement),
the event-collection plan, readiness thresholds and where the evidence store is.

Examples:
  $ lockstep init contoso-applocker
  $ lockstep init --demo --seed 7 demo-ws
  $ lockstep report readiness --workspace demo-ws
Exit: 0 created, 1 a workspace already exists there (use --force) or the folder cannot be written.`)
    .action((dirArg: string, o: Options) => {
      const dir = resolve(dirArg);
      if (existsSync(join(dir, WORKSPACE_FILE)) && !o.force) {
        err(`error: \`${join(dir, WORKSPACE_FILE)}\` already exists\n  help: use --force to overwrite it`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      let files: string[];
      if (o.demo) {
        const seed = Number.parseInt(o.seed ?? '1', 10) || 1;
        const machines = Number.parseInt(o.machines ?? '60', 10) || 60;
        files = writeWorkspaceFiles(dir, simulateFleet({ seed, machines })).files;
      } else {
        write(join(dir, WORKSPACE_FILE), TEMPLATE);
        write(join(dir, 'machines.csv'), 'name,ou\nEX-WS-0001,"OU=Example,OU=Workstations,DC=example,DC=com"\n');
        write(join(dir, 'policies', 'example.xml'), policyXmlWithComment(defaultRulesPolicy('AuditOnly'), 'the AppLocker default rules (MS Learn), AuditOnly: replace with your GPO export'));
        write(join(dir, '.gitignore'), '# the local evidence store is data, not plan\n.lockstep/\n');
        files = [WORKSPACE_FILE, 'machines.csv', 'policies/example.xml', '.gitignore'];
      }
      if (o.json) outJson({ workspace: dir, files, demo: !!o.demo });
      else out(`created workspace ${dir}${o.demo ? ' (SYNTHETIC demo fleet)' : ''}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    });
}
