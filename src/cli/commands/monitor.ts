/**
 * `lockstep report monitor [--gpo NAME] [--since 7d] [--json|--html FILE] [--webhook URL]` (issue 14 items 2–3):
 * blocks since each GPO's promotion, per day, group and file, approved applications blocked (critical), the
 * audit-period forecast against what happened, alerts queued to the webhook outbox and delivered.
 * Registered under `report` by report.ts. A thin adapter over the `monitorReport` use case (app/monitor.ts).
 * Exit: 0 no critical finding, 2 a critical finding (an approved application was blocked), 3 invalid workspace,
 * 1 tool failure (including an alert that could not be delivered yet: it stays in the outbox).
 */
import type { Command } from 'commander';
import { historyTarget, monitorReport, type RequestPorts } from '../../app/index.js';
import { deliverDue } from '../../notify/index.js';
import { renderMonitorHtml, renderMonitorText } from '../../rollout/monitor/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { writeAtomic } from '../io.js';
import { err, out, outJson } from '../output.js';
import { parseNow, promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';
import { loadWorkspace } from '../../app/workspace.js';

interface Options { gpo?: string; since: string; workspace: string; store?: string; now?: string; json?: boolean; html?: string; webhook?: string[]; secretEnv: string; timeout: string }

export function registerMonitor(report: Command): void {
  report.command('monitor')
    .description('after enforcement: blocks per day, group and file since the promotion; approved applications blocked; forecast vs. actual; alerts')
    .option('--gpo <name>', 'only this GPO')
    .option('--since <window>', 'window (never before the promotion)', '7d')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--store <target>', 'evidence store (default: the workspace\'s)')
    .option('--now <iso>', 'end of the window (default: now)')
    .option('--json', 'print JSON')
    .option('--html <file>', 'also write the report as one HTML file')
    .option('--webhook <url>', 'queue the alerts for this endpoint and deliver them (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--secret-env <name>', 'environment variable holding the webhook HMAC secret', 'LOCKSTEP_WEBHOOK_SECRET')
    .option('--timeout <ms>', 'per-request webhook timeout', '10000')
    .addHelpText('after', `
Examples:
  $ lockstep report monitor --gpo "AppLocker - Finance" --since 7d
  $ LOCKSTEP_WEBHOOK_SECRET=… lockstep report monitor --webhook https://hooks.example/lockstep --json

Alerts: any block of an approved application; more than 50 blocks a day in a group; a day 3× the mean of the
7 days before it (at least 10 blocks). Each fires once per rule, group and day (a re-run does not alert twice).
Exit: 0 no critical finding, 2 an approved application was blocked (rollback recommended), 3 invalid workspace,
1 tool failure.`)
    .action(async (o: Options) => {
      const now = parseNow(o.now);
      const p = promotionPorts(o.workspace) as RequestPorts;
      const hooks = (o.webhook ?? []).map((url) => ({ url }));
      const secret = hooks.length ? process.env[o.secretEnv] : undefined;
      if (hooks.length && !secret) {
        err(`error: \`${o.secretEnv}\` is not set\n  help: set it to the shared secret the receivers verify \`X-Lockstep-Signature\` with`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const r = unwrapUseCase(await monitorReport(p, { ...(o.gpo ? { gpo: o.gpo } : {}), since: o.since, ...(o.store ? { store: o.store } : {}), ...(now ? { now } : {}), ...(hooks.length ? { webhooks: hooks } : {}) }));
      let delivery: { delivered: number; failed: number } | undefined;
      if (hooks.length) {
        const loaded = await loadWorkspace(p.files);
        const target = loaded.ok ? historyTarget(p, loaded.value, o.store) : undefined;
        if (target?.ok) {
          const log = await p.requests.open(target.value);
          try {
            const d = await deliverDue(log, { secret: secret!, now: () => p.clock.now(), timeoutMs: Number.parseInt(o.timeout, 10) || 10_000 });
            delivery = { delivered: d.delivered, failed: d.failed.length };
          } finally {
            await log.close();
          }
        }
      }
      if (o.html) {
        writeAtomic(o.html, renderMonitorHtml(r.gpos, (now ?? new Date()).toISOString()));
        if (!o.json) err(`wrote ${o.html}`);
      }
      if (o.json) outJson({ ...r, ...(delivery ? { delivery } : {}) });
      else out(`${renderMonitorText(r.gpos)}${hooks.length ? `\nalerts queued ${r.alertsQueued}; delivered ${delivery?.delivered ?? 0}, failed ${delivery?.failed ?? 0}` : ''}`);
      if (delivery?.failed) throw new CliExit(ExitCode.ToolFailure);
      throw new CliExit(r.critical ? ExitCode.WouldBlock : ExitCode.Ok);
    });
}
