/**
 * `lockstep demo [DIR]`: the README's first command — the main job end to end, offline, in seconds:
 * create a demo workspace from the project's own SYNTHETIC sample data, simulate its AppLocker evidence,
 * ingest it into the evidence store (SQLite in DIR/.lockstep by default, or `--store postgres://…`), and
 * print the readiness report. Exit codes: 0 the report was produced (whatever its verdict: the demo shows
 * NOT READY on purpose), 1 tool failure.
 * The demo fleet shows all three verdicts: Finance NOT READY (an approved app lacks its rule), Engineering
 * READY, Call Center INSUFFICIENT EVIDENCE (machines fell silent, a wrapped log, a cleared Security log).
 */
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { simulateEvents, simulateFleet, simulateLogClears } from '../../rollout/index.js';
import { ingestPaths, openStore, redactTarget, type IngestProgress } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, reportDiagnostics } from '../output.js';
import { writeWorkspaceFiles } from './init.js';
import { fromResult, loadWorkspace, readiness, workspaceStoreTarget } from '../../app/index.js';
import { cliPorts, emitReport, unwrapUseCase } from './report.js';
import { endDate, positiveInt, writeSimulatedEvidence } from './simulate.js';

/** Ingest progress on stderr: a bar on a TTY, a line every 5 s otherwise, nothing with --json. */
function progress(silent: boolean): { update(p: IngestProgress): void; stop(): void } {
  if (silent) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    let last = Date.now();
    return {
      update(p) {
        if (Date.now() - last < 5000) return;
        last = Date.now();
        err(`demo: ingest file ${p.fileIndex}/${p.files}, ${p.eventsStored} events stored`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'demo: ingest [{bar}] {percentage}% | {stored} events stored', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      if (!started) { bar.start(Math.max(1, p.bytesTotal), 0, { stored: 0 }); started = true; }
      bar.update(p.bytesDone, { stored: p.eventsStored });
    },
    stop() { if (started) bar.stop(); },
  };
}

interface Options { seed?: string; machines?: string; days?: string; store?: string; end?: string; json?: boolean; html?: string }

export function register(program: Command): void {
  program
    .command('demo')
    .description('the main job on SYNTHETIC sample data: demo workspace → simulated evidence → ingest → readiness report')
    .argument('[dir]', 'folder for the demo workspace', 'lockstep-demo')
    .option('--seed <n>', 'seed of the synthetic fleet', '1')
    .option('--machines <n>', 'machines in the fleet', '40')
    .option('--days <n>', 'days of evidence', '21')
    .option('--store <target>', 'evidence store: SQLite file or postgres:// URL (default DIR/.lockstep/evidence.db)')
    .option('--end <date>', 'the evidence ends the day before this date (default: today, UTC)')
    .option('--json', 'print the readiness report as JSON')
    .option('--html <file>', 'also write the HTML report')
    .addHelpText('after', `
Everything is SYNTHETIC (contoso.example). Re-running is safe: ingest skips events already stored.
Then explore: \`lockstep report readiness --workspace DIR --gpo "AppLocker - Finance" --html finance.html\`.

Examples:
  $ lockstep demo
  $ lockstep demo /tmp/demo --seed 7 --machines 200 --html /tmp/demo/report.html
  $ lockstep demo --store postgres://lockstep@localhost/lockstep
Exit: 0 the report was printed (the demo shows NOT READY and INSUFFICIENT EVIDENCE on purpose), 1 tool failure.
 * The demo fleet shows all three verdicts: Finance NOT READY (an approved app lacks its rule), Engineering
 * READY, Call Center INSUFFICIENT EVIDENCE (machines fell silent, a wrapped log, a cleared Security log).`)
    .action(async (dirArg: string, o: Options) => {
      const dir = resolve(dirArg);
      const seed = Number.parseInt(o.seed ?? '1', 10) || 1;
      const machines = positiveInt('machines', o.machines, 40, 100_000);
      const days = positiveInt('days', o.days, 21, 3650);
      const end = endDate(o.end);
      const quiet = !!o.json;
      const fleet = simulateFleet({ seed, machines });
      writeWorkspaceFiles(dir, fleet);
      const events = simulateEvents(fleet, { seed, days, end });
      const evidenceDir = join(dir, 'evidence');
      writeSimulatedEvidence(evidenceDir, fleet, events, ['ecs-json'], simulateLogClears(fleet, { end, days }));
      if (!quiet) err(`demo: SYNTHETIC workspace in ${dir}: ${fleet.machines.length} machines, ${events.length} AppLocker events over ${days} days`);
      const ports = cliPorts(dir);
      const loaded = unwrapUseCase(fromResult(await loadWorkspace(ports.files), 'unavailable'));
      const target = unwrapUseCase(fromResult(workspaceStoreTarget(loaded, ports.files, o.store, ports.env), 'unavailable'));
      const store = await openStore(target, { create: true });
      try {
        const bar = progress(quiet);
        const summary = await ingestPaths(store, [evidenceDir], { onProgress: (p) => bar.update(p) });
        bar.stop();
        reportDiagnostics(summary.diagnostics);
        if (!quiet) err(`demo: ingested into ${redactTarget(target)}: ${summary.totals.eventsStored} events stored, ${summary.totals.duplicates} already there`);
        if (summary.totals.errors > 0 || summary.aborted) {
          for (const f of summary.files) reportDiagnostics(f.diagnostics);
          throw new CliExit(ExitCode.ToolFailure);
        }
      } finally {
        await store.close();
      }
      const now = new Date(`${end}T00:00:00Z`);
      const { report } = unwrapUseCase(await readiness(ports, { loaded, store: target, since: `${days}d`, now }));
      emitReport(report, { ...(o.json ? { json: true } : {}), ...(o.html ? { html: o.html } : {}) });
      if (!quiet) err(`demo: next, try \`node bin/lockstep.js report readiness --workspace ${dirArg} --gpo "AppLocker - Finance" --html report.html\``);
      if (quiet) return;
      out('');
      throw new CliExit(ExitCode.Ok);
    });
}
