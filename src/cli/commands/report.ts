/**
 * `lockstep report readiness`: is each GPO ready to move from Audit only to Enforce rules? (issue 6
 * items 4–6). Loads the workspace (lockstep.yaml, inventory, GPO policies), opens the evidence store
 * (SQLite file or PostgreSQL URL), runs the pure analysis (rollout/analysis/readiness.ts) and prints it as
 * text, JSON or one self-contained HTML file. A thin adapter over the `readiness` use case (app/readiness.ts).
 * Exit codes: 0 every reported GPO is READY, 2 NOT READY, 3 the workspace or a policy is invalid,
 * 1 tool failure (store unreachable, unreadable file).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readiness, type ReadinessPorts, type UseCaseResult } from '../../app/index.js';
import type { Diagnostic } from '../../diag/index.js';
import { readinessJson, renderReadinessHtml, renderReadinessText, type ReadinessReport } from '../../rollout/index.js';
import { nodeEvidenceStores, nodeWorkspaceFiles, systemClock } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { writeAtomic } from '../io.js';
import { err, out, outJson, reportDiagnostics } from '../output.js';
import { registerDrift } from './drift.js';
import { registerMonitor } from './monitor.js';

/** The use-case ports for a workspace folder in this process. */
export function cliPorts(workspaceDir: string): ReadinessPorts {
  return { files: nodeWorkspaceFiles(workspaceDir), stores: nodeEvidenceStores, clock: systemClock, env: (n) => process.env[n] };
}

/** Renders a use case's diagnostics and, on failure, ends with the exit code its failure kind implies. */
export function unwrapUseCase<T>(r: UseCaseResult<T>): T {
  reportDiagnostics(r.diagnostics as Diagnostic[]);
  if (r.ok) return r.value;
  throw new CliExit(r.failure === 'invalid' ? ExitCode.InvalidPolicy : ExitCode.ToolFailure);
}

/** Prints the report in the chosen form; returns the exit code it implies. */
export function emitReport(report: ReadinessReport, o: { json?: boolean; html?: string }): number {
  if (o.html) {
    writeAtomic(o.html, renderReadinessHtml(report));
    if (!o.json) err(`wrote ${o.html}`);
  }
  if (o.json) outJson(readinessJson(report));
  else out(renderReadinessText(report));
  return report.verdict === 'READY' ? ExitCode.Ok : report.verdict === 'INSUFFICIENT EVIDENCE' ? ExitCode.InsufficientEvidence : ExitCode.WouldBlock;
}

interface Options { workspace?: string; gpo?: string; since?: string; policy?: string; store?: string; now?: string; json?: boolean; html?: string }

export function register(program: Command): void {
  const report = program.command('report').description('reports over the workspace and its evidence');
  registerDrift(report); // issue 14: rules that break on update
  registerMonitor(report); // issue 14: monitoring after enforcement
  report
    .command('readiness')
    .description('which GPOs can move from Audit only to Enforce rules, with the evidence and the rules to add')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--gpo <name>', 'only this GPO (name or GUID)')
    .option('--since <window>', 'evidence window: `30d` or a date', '30d')
    .option('--policy <candidate.xml>', 'replay the evidence through this candidate policy (replaces the GPO\'s policy; needs --gpo when there are several GPOs)')
    .option('--store <target>', 'evidence store: SQLite file or postgres:// URL (default: the workspace\'s)')
    .option('--now <iso>', 'end of the window (default: now)')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write the report as one self-contained HTML file with charts')
    .addHelpText('after', `
Would-be-blocked files come from the audit events (8003/8006/8021/8024); with --policy every stored file is
replayed through the candidate with the engine. Suggested rules are publisher-first, hash for unsigned files,
never a path rule in a user-writable folder. Quiet machines are not evidence.

Examples:
  $ lockstep report readiness --workspace demo-ws
  $ lockstep report readiness --gpo "AppLocker - Finance" --since 45d --html finance.html
  $ lockstep report readiness --gpo "AppLocker - Finance" --policy candidate.xml --json | jq .verdict
Exit: 0 ready, 2 not ready, 4 insufficient evidence, 3 invalid workspace or policy, 1 tool failure.`)
    .action(async (o: Options) => {
      const now = o.now ? new Date(o.now) : undefined;
      if (now && Number.isNaN(now.getTime())) {
        err(`error: \`--now ${o.now}\` is not a date`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const candidate = o.policy ? { name: o.policy, bytes: new Uint8Array(readFileSync(o.policy)) } : undefined;
      const r = unwrapUseCase(await readiness(cliPorts(o.workspace ?? '.'), {
        ...(o.gpo ? { gpo: o.gpo } : {}), since: o.since ?? '30d', ...(now ? { now } : {}),
        ...(o.store ? { store: o.store } : {}), ...(candidate ? { candidate } : {}),
      }));
      throw new CliExit(emitReport(r.report, { ...(o.json ? { json: true } : {}), ...(o.html ? { html: o.html } : {}) }));
    });
}
