/**
 * `lockstep simulate after-enforcement --workspace DIR --gpo NAME [--seed 1 --machines 40] [--days 7] [--from DATE] --out DIR`
 * (issue 14 item 5): SYNTHETIC life after a demo GPO's promotion — blocks, updated applications, users asking
 * for access — written as ECS NDJSON exports to ingest, plus `requests.json` (each with its block event, for
 * `lockstep request new --event`). A thin adapter over `simulateLifeAfterEnforcement` (app/monitor.ts).
 * Registered under `simulate` by simulate.ts. Exit: 0 written, 1 tool failure or bad option, 3 invalid workspace.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { simulateLifeAfterEnforcement } from '../../app/index.js';
import { formatEvents } from '../../events/index.js';
import { SYNTHETIC_LABEL } from '../../rollout/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson } from '../output.js';
import { promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';
import { positiveInt, writeSimulatedEvidence } from './simulate.js';

interface Options { update?: string[]; workspace: string; gpo: string; seed: string; machines: string; days: string; from?: string; store?: string; updates: string; out: string; json?: boolean }

export function registerAfterEnforcement(sim: Command): void {
  sim.command('after-enforcement')
    .description('SYNTHETIC life after a demo GPO\'s promotion: blocks, application updates, access requests')
    .requiredOption('--gpo <name>', 'the promoted GPO')
    .requiredOption('--out <dir>', 'folder for the exports and requests.json')
    .option('--workspace <dir>', 'the demo workspace', '.')
    .option('--seed <n>', 'seed the demo was made with', '1')
    .option('--machines <n>', 'machines the demo was made with', '40')
    .option('--days <n>', 'days after the promotion', '7')
    .option('--from <date>', 'first day (default: the day after the last promotion)')
    .option('--updates <n>', 'applications updated part-way (new version and hash)', '1')
    .option('--update <app>', 'update this application (catalogue key: teams, ledger, word…) instead of a seeded pick; repeatable', (v: string, p: string[] = []) => [...p, v])
    .option('--store <target>', 'evidence store (default: the workspace\'s)')
    .option('--json', 'print a JSON summary')
    .addHelpText('after', `
Examples:
  $ lockstep demo demo --machines 12 && lockstep promote --workspace demo --gpo "AppLocker - Finance" --force …
  $ lockstep simulate after-enforcement --workspace demo --machines 12 --gpo "AppLocker - Finance" --out after
  $ lockstep ingest --workspace demo after && lockstep report monitor --workspace demo
Exit: 0 written, 1 tool failure or bad option, 3 invalid workspace.`)
    .action(async (o: Options) => {
      const seed = Number.parseInt(o.seed, 10);
      if (!Number.isFinite(seed)) {
        err(`error: \`--seed ${o.seed}\` must be a number`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const r = unwrapUseCase(await simulateLifeAfterEnforcement(promotionPorts(o.workspace), {
        seed, machines: positiveInt('machines', o.machines, 40, 100_000), gpo: o.gpo, days: positiveInt('days', o.days, 7, 365),
        updates: Number.parseInt(o.updates, 10) || 0, ...(o.update?.length ? { updateApps: o.update } : {}), ...(o.from ? { from: o.from } : {}), ...(o.store ? { store: o.store } : {}),
      }));
      const dir = resolve(o.out);
      const files = writeSimulatedEvidence(dir, r.fleet, r.life.events, ['ecs-json']);
      writeFileSync(join(dir, 'requests.json'), JSON.stringify({ synthetic: SYNTHETIC_LABEL, requests: r.life.requests.map((q) => ({ ...q, event: undefined })) }, null, 2) + '\n');
      // each request's block event as its own export, for `lockstep request new --event FILE`
      r.life.requests.forEach((q, i) => writeFileSync(join(dir, `request-${String(i + 1).padStart(3, '0')}.event.ndjson`), formatEvents([q.event], 'ecs-json')));
      const blocked = r.life.events.filter((e) => e.outcome === 'blocked').length;
      const summary = { out: dir, gpo: r.gpo, from: r.from, events: r.life.events.length, blocked, updates: r.life.updates, requests: r.life.requests.length, expected: r.life.expected, files, synthetic: true };
      if (o.json) outJson(summary);
      else out(`wrote SYNTHETIC life after the promotion of ${r.gpo} from ${r.from} to ${dir}: ${r.life.events.length} events, ${blocked} blocked, ${r.life.requests.length} access requests${r.life.updates.map((u) => `\n  update: ${u.name} ${u.fromVersion} → ${u.toVersion} on ${u.day}`).join('')}`);
    });
}
