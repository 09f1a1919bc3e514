/**
 * `lockstep promote --gpo NAME [--collections Exe,…] [--ring NAME] [--force --reason TEXT]` (issue 11 items 2–3):
 * a thin adapter over the `promote` use case (app/promote.ts). Also the shared CLI pieces of the promotion
 * commands: their ports and the actor (`--actor`, else the OS user — read here, at the edge).
 * Exit: 0 promoted (or already enforced), 2 not READY (nothing written), 3 refused (lock-out, invalid
 * workspace), 1 tool failure.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { promote, type PromotionPorts, type RequestPorts } from '../../app/index.js';
import { diagnosticToJson } from '../../diag/index.js';
import { readinessJson, renderReadinessText } from '../../rollout/index.js';
import { nodeAccessRequestLogs, nodeEvidenceStores, nodePromotionLogs, nodeWorkspaceFiles, systemClock } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson } from '../output.js';
import { unwrapUseCase } from './report.js';

export function promotionPorts(workspaceDir: string): PromotionPorts {
  // `requests` (issue 14): export leaves out the rules of expired access requests.
  const p: RequestPorts = { files: nodeWorkspaceFiles(workspaceDir), stores: nodeEvidenceStores, logs: nodePromotionLogs, requests: nodeAccessRequestLogs, clock: systemClock, env: (n) => process.env[n] };
  return p;
}

/** `--actor`, else the OS user (DOMAIN\user on Windows when USERDOMAIN is set). */
export function actorOf(option: string | undefined): string {
  if (option?.trim()) return option.trim();
  let name = process.env.USER ?? process.env.USERNAME ?? '';
  try {
    name = userInfo().username || name;
  } catch {
    // no passwd entry (containers): keep the environment's name
  }
  const domain = process.platform === 'win32' ? process.env.USERDOMAIN : undefined;
  return domain ? `${domain}\\${name}` : name || 'unknown';
}

export function parseNow(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) {
    err(`error: \`--now ${text}\` is not a date`);
    throw new CliExit(ExitCode.ToolFailure);
  }
  return d;
}

interface Options { workspace: string; gpo: string; collections?: string; ring?: string; force?: boolean; reason?: string; actor?: string; since?: string; store?: string; now?: string; json?: boolean }

export function register(program: Command): void {
  program
    .command('promote')
    .description('switch a GPO (or a pilot ring of it) from Audit only to Enforce rules, if the evidence says READY')
    .requiredOption('--gpo <name>', 'the GPO (name or GUID)')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--collections <list>', 'collections to enforce, e.g. Exe,Msi (default: those the GPO configures)')
    .option('--ring <name>', 'promote this pilot ring (declared in rings.yaml) instead of the broad GPO')
    .option('--force', 'promote even when not READY (needs --reason; recorded)')
    .option('--reason <text>', 'why: recorded in the history')
    .option('--actor <name>', 'who promotes (default: the OS user)')
    .option('--since <window>', 'evidence window: `30d` or a date', '30d')
    .option('--store <target>', 'evidence store: SQLite file or postgres:// URL (default: the workspace\'s)')
    .option('--now <iso>', 'end of the evidence window (default: now)')
    .option('--json', 'print the outcome as JSON')
    .addHelpText('after', `
Readiness is recomputed now by replaying the evidence through the policy about to be enforced. The policy
file gets EnforcementMode="Enabled" on the chosen collections; other collections are untouched. A promotion
that would block Windows or Program Files for standard users (Exe), or Windows DLLs (Dll), is refused.
Rings (rings.yaml):  rings: [{gpo: "AppLocker - Finance", name: pilot, ou: "OU=Pilot,OU=Finance,DC=contoso,DC=example"}]

Examples:
  $ lockstep promote --gpo "AppLocker - Finance" --ring pilot
  $ lockstep promote --gpo "AppLocker - Finance" --collections Exe
  $ lockstep promote --gpo "AppLocker - Finance" --force --reason "CAB-1234: approved with known gaps"
Then: lockstep export --gpo "AppLocker - Finance" --out change/
Exit: 0 promoted or already enforced, 2 not READY, 3 refused (lock-out, invalid workspace), 1 tool failure.`)
    .action(async (o: Options) => {
      const now = parseNow(o.now);
      const r = unwrapUseCase(await promote(promotionPorts(o.workspace), {
        gpo: o.gpo, actor: actorOf(o.actor), ...(o.collections ? { collections: [o.collections] } : {}), ...(o.ring ? { ring: o.ring } : {}),
        ...(o.force ? { force: true } : {}), ...(o.reason ? { reason: o.reason } : {}), ...(o.since ? { since: o.since } : {}),
        ...(o.store ? { store: o.store } : {}), ...(now ? { now } : {}),
      }));
      const gr = r.report.gpos.find((g) => g.gpo === r.gpo);
      if (o.json) {
        outJson({ gpo: r.gpo, ring: r.ring ?? null, status: r.status, collections: r.collections, policyFile: r.policyFile, ringDefinition: r.ringDefinition ?? null, verdict: gr?.verdict ?? r.report.verdict, entry: r.entry ?? null, reasons: (gr?.reasons ?? []).map(diagnosticToJson), readiness: readinessJson(r.report) });
      } else if (r.status === 'not-ready') {
        out(renderReadinessText(r.report));
        out(`not promoted: \`${r.gpo}\` is ${gr?.verdict ?? r.report.verdict} for ${r.collections.join(', ')}; fix the reasons above (\`lockstep rules accept\`) or pass --force --reason TEXT`);
      } else if (r.status === 'unchanged') {
        out(`${r.gpo}${r.ring ? ` (ring ${r.ring})` : ''}: ${r.collections.join(', ')} already enforced in ${r.policyFile}; nothing recorded`);
      } else {
        out(`promoted ${r.gpo}${r.ring ? ` ring ${r.ring}` : ''}: ${r.collections.join(', ')} → Enabled in ${r.policyFile} (history entry ${r.entry!.seq}, readiness ${r.entry!.readiness?.verdict}${r.entry!.forced ? ', FORCED' : ''})`);
        if (r.ringDefinition) out(`pilot GPO definition: ${r.ringDefinition} — create the GPO, link it to the ring's OU, paste its GUID`);
        out(`next: lockstep export --gpo "${r.gpo}"${r.ring ? ` --ring ${r.ring}` : ''} --out DIR`);
      }
      throw new CliExit(r.status === 'not-ready' ? ExitCode.WouldBlock : ExitCode.Ok);
    });
}
