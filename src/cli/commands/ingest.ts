/**
 * `lockstep ingest FILE|DIR…`: stores the AppLocker events of every export the readers accept (EVTX,
 * Event XML, ECS/NXLog/Wazuh JSON, Get-WinEvent CSV) in the evidence store (issue 6 item 3), idempotent
 * and crash-safe (store/ingest.ts). Progress on stderr (a bar on a TTY, a line every few seconds
 * otherwise, nothing with --json); the per-file summary on stdout.
 * Exit codes: 0 done, 1 a path could not be read / a file held no readable record / interrupted / store failure.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { hasErrors } from '../../diag/index.js';
import { ingestPaths, openStore, redactTarget, storeFailureDiagnostic, storeTarget, type IngestProgress, type IngestSummary } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { diagnosticsJson, err, out, outJson, reportDiagnostics } from '../output.js';

interface Options {
  store?: string;
  workspace?: string;
  batchSize?: string;
  allowSpecialFiles?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** Progress on stderr: a bar on a TTY, else a plain line at most every 5 s; silent with --json. */
function progressReporter(json: boolean): { update(p: IngestProgress): void; stop(): void } {
  if (json) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    let last = Date.now();
    return {
      update(p) {
        const now = Date.now();
        if (now - last < 5000) return;
        last = now;
        err(`ingest: file ${p.fileIndex}/${p.files}, ${p.recordsRead} records read, ${p.eventsStored} events stored, ${p.duplicates} duplicates`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'ingest [{bar}] {percentage}% | file {file}/{files} | {stored} stored, {dups} duplicates | {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      if (!started) {
        bar.start(Math.max(1, p.bytesTotal), 0, { file: p.fileIndex, files: p.files, stored: 0, dups: 0 });
        started = true;
      }
      bar.update(p.bytesEstimate, { file: p.fileIndex, files: p.files, stored: p.eventsStored, dups: p.duplicates });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** A path as the user would type it: relative to the current folder when that is shorter. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && rel.length < path.length ? rel : path;
}

function table(s: IngestSummary): string {
  const rows = [['file', 'format', 'records', 'stored', 'duplicates', 'non-AppLocker', 'errors']];
  for (const f of s.files) {
    rows.push([
      shown(f.path) + (f.completed ? '' : ' (interrupted)') + (f.resumedRecords ? ` (resumed after ${f.resumedRecords})` : ''),
      f.format, String(f.recordsRead), String(f.eventsStored), String(f.duplicates), String(f.nonAppLocker), String(f.errors),
    ]);
  }
  const t = s.totals;
  rows.push([`total (${t.files} files)`, '', String(t.recordsRead), String(t.eventsStored), String(t.duplicates), String(t.nonAppLocker), String(t.errors)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const out = rows.map((r) => r.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
  // Every record that could not be normalised is counted by why (issue 10 item 4), even past the diagnostics cap.
  const reasons = Object.entries(t.errorsByCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (reasons.length) out.push(`errors by reason: ${reasons.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  if (t.logClears) out.push(`log-cleared events (Security 1102, System 104): ${t.logClears}, kept for the readiness evidence check`);
  return out.join('\n');
}

/**
 * `--store`, else the workspace's store (`--workspace`), else $LOCKSTEP_STORE, else the store of the
 * workspace in the current folder. Without any of them ingest refuses rather than create `.lockstep/`
 * in whatever folder it was started from (issue 12).
 */
async function resolveTarget(o: Options): Promise<string> {
  if (o.store || (!o.workspace && process.env.LOCKSTEP_STORE)) return storeTarget(o.store);
  if (!o.workspace) {
    if (!existsSync('lockstep.yaml')) {
      err('error: no evidence store given and the current folder is not a workspace (no `lockstep.yaml`)\n  help: pass `--store FILE` (created if missing) or `--workspace DIR`, or set LOCKSTEP_STORE');
      throw new CliExit(ExitCode.ToolFailure);
    }
    o = { ...o, workspace: '.' };
  }
  // The workspace loader and its store rule are the `workspace` use case's; reuse, don't copy.
  const { fromResult, loadWorkspace, workspaceStoreTarget } = await import('../../app/index.js');
  const { cliPorts, unwrapUseCase } = await import('./report.js');
  const ports = cliPorts(o.workspace ?? '.');
  const loaded = unwrapUseCase(fromResult(await loadWorkspace(ports.files), 'invalid'));
  return unwrapUseCase(fromResult(workspaceStoreTarget(loaded, ports.files, undefined, ports.env), 'usage'));
}

export function register(program: Command): void {
  program
    .command('ingest')
    .description('store the AppLocker events of event exports (files or folders) in the evidence store')
    .argument('<paths...>', 'export files or folders (folders: every file that is an event export, by content)')
    .option('--store <target>', 'SQLite file (created if missing) or postgres:// URL (default: $LOCKSTEP_STORE, else the workspace in the current folder)')
    .option('--workspace <dir>', 'use the evidence store this workspace names (its lockstep.yaml `store`)')
    .option('--batch-size <n>', 'events per transaction', '5000')
    .option('--allow-special-files', 'also read FIFOs and devices named on the command line (up to the size limit)')
    .option('--json', 'machine-readable summary on stdout')
    .option('-q, --quiet', 'no per-record diagnostics on stderr (counts stay in the summary)')
    .addHelpText('after', `
Re-running is safe: events already stored are skipped as duplicates, and an interrupted run resumes
where its last committed batch ended.

Examples:
  $ lockstep ingest exports/                      (in a workspace folder: its store)
  $ lockstep ingest --workspace ~/lockstep-ws wef-export.evtx
  $ lockstep ingest --store .lockstep/evidence.db audit-2026-11.evtx wef/*.xml
  $ lockstep ingest --store postgres://lockstep@db.example/lockstep --json fleet.ndjson | jq .totals
Exit: 0 done, 1 unreadable path, file without a readable record, interrupted, or store failure, 3 invalid workspace.`)
    .action(async (paths: string[], o: Options) => {
      const json = !!o.json;
      const batchSize = Number(o.batchSize ?? 5000);
      if (!Number.isInteger(batchSize) || batchSize < 1) {
        err(`error: --batch-size must be a positive integer, got \`${o.batchSize}\``);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const target = await resolveTarget(o);
      const store = await openStore(target, { create: true });
      const ctl = new AbortController();
      const onSigint = (): void => ctl.abort();
      process.once('SIGINT', onSigint);
      const progress = progressReporter(json);
      let summary: IngestSummary;
      try {
        summary = await ingestPaths(store, paths, {
          batchSize, signal: ctl.signal, onProgress: (p) => progress.update(p), allowSpecialFiles: o.allowSpecialFiles === true,
        });
      } catch (e) {
        // Disk full, a damaged file, a lost PostgreSQL connection: what was committed stays (whole batches with
        // their progress rows), so the same command resumes once the cause is fixed.
        const d = storeFailureDiagnostic(e, target);
        if (!d) throw e;
        progress.stop();
        if (json) outJson({ store: redactTarget(target), aborted: true, diagnostics: diagnosticsJson([d]) });
        else reportDiagnostics([d]);
        throw new CliExit(ExitCode.ToolFailure);
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        await store.close().catch(() => undefined);
      }
      const emptyFailures = summary.files.filter((f) => f.errors > 0 && f.recordsRead === f.errors);
      const failed = hasErrors(summary.diagnostics) || emptyFailures.length > 0 || summary.aborted;
      if (json) {
        outJson({
          store: redactTarget(target),
          aborted: summary.aborted,
          totals: summary.totals,
          files: summary.files.map((f) => ({ ...f, diagnostics: diagnosticsJson(f.diagnostics) })),
          skippedFiles: summary.skippedFiles,
          diagnostics: diagnosticsJson(summary.diagnostics),
        });
      } else {
        reportDiagnostics(summary.diagnostics);
        if (!o.quiet) for (const f of summary.files) reportDiagnostics(f.diagnostics, f.path);
        out(table(summary));
        if (summary.skippedFiles.length) out(`skipped ${summary.skippedFiles.length} file(s) that are not event exports`);
        out(`store: ${redactTarget(target)}`);
        if (summary.aborted) err('interrupted: committed batches are kept; run the same command again to resume');
      }
      if (failed) throw new CliExit(ExitCode.ToolFailure);
    });
}
