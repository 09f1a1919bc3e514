/**
 * `lockstep events dump FILE` and `lockstep events read FILE…`: the evidence readers on the command line
 * (issue 5 item 4; formats: src/events/readers, applocker.md §9).
 * - dump: every record of any provider, as XML (EVTX: exactly as Windows renders it, formats.md §A.7) or JSON,
 *   one event per line, so the output is itself a `wevtutil qe /f:xml`-style file `events read` accepts.
 * - read: only AppLocker events, normalised (AppLockerEvent), one line each or NDJSON with --json; a summary
 *   (records read, AppLocker events, skipped non-AppLocker, errors) on stderr.
 * Exit codes: 0 ok (dirty records are reported, not fatal), 1 when a file cannot be read at all (missing,
 * not an event export, legacy .evt, not EVTX).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { diagnosticToJson, renderDiagnostic, type Diagnostic } from '../../diag/index.js';
import {
  EventReaderCode, IMPLICIT_RULE_ID, detectEventFormat, elementFromRawEvent, isAppLockerEvent, normaliseAppLockerEvent, parseEventElements,
  rawEventFromElement, readEvents, readEvtx, renderEventJson, renderEventXml, decodeText, type AppLockerEvent, type EventElement,
  type EventFormat, type EventReadResult,
} from '../../events/index.js';
import { readEvtxParallel } from '../evtx-parallel.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err } from '../output.js';
import { readInput } from '../io.js';

/** Diagnostics printed per file before the rest is only counted. */
const MAX_PRINTED = 20;
/** Inputs at least this large get a progress bar (smaller ones finish before a bar is worth drawing). */
const BAR_BYTES = 8 * 1024 * 1024;
/** .evtx files at least this large are parsed on worker threads (src/cli/evtx-parallel.ts). */
const PARALLEL_BYTES = 16 * 1024 * 1024;

/** `--workers`: unset = automatic (large files only), 0 = never, N = always with N threads. */
function useParallel(bytes: Uint8Array, workers: number | undefined): boolean {
  return workers === undefined ? bytes.length >= PARALLEL_BYTES : workers > 0;
}

function parseWorkers(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) > 256) {
    err(`error: --workers must be a number from 0 to 256, not \`${v}\``);
    throw new CliExit(ExitCode.ToolFailure);
  }
  return Number(v);
}

/**
 * One file's results: readEvents, except that a large .evtx goes through the worker pool (same records, same
 * order, same diagnostics as readEvtxEvents) and is then flattened and normalised here.
 */
async function* fileResults(file: string, bytes: Uint8Array, workers: number | undefined, onProgress: (done: number, total: number) => void): AsyncGenerator<EventReadResult> {
  if (!useParallel(bytes, workers) || detectEventFormat(file, bytes.subarray(0, 4096)) !== 'evtx') {
    yield* readEvents({ name: file, bytes }, { onProgress });
    return;
  }
  const item = (d: Diagnostic): EventReadResult => (d.severity === 'error' ? { kind: 'error', diagnostic: d } : { kind: 'warning', diagnostic: d });
  const p = readEvtxParallel(bytes, { file, render: 'event', onChunk: onProgress, ...(workers ? { workers } : {}) });
  const first = p.diagnostics.length;
  for (const d of p.diagnostics.slice(0, first)) yield item(d);
  for await (const rec of p.records()) {
    if (!rec.ok) {
      yield { kind: 'error', diagnostic: rec.diagnostic };
      continue;
    }
    for (const d of rec.diagnostics ?? []) yield item(d);
    if (!rec.event) continue;
    const r = rawEventFromElement(rec.event, `${file}#record ${rec.recordId}`, { file, offset: rec.offset, context: `chunk ${rec.chunk}, record ${rec.recordId}` });
    for (const d of r.diagnostics) yield item(d);
    if (r.raw) {
      const applocker = normaliseAppLockerEvent(r.raw);
      yield applocker ? { kind: 'event', raw: r.raw, applocker } : { kind: 'event', raw: r.raw };
    }
  }
  for (const d of p.diagnostics.slice(first)) yield item(d);
}

/** Buffered stdout: one write per ~1 MiB instead of one per event. */
class Sink {
  private parts: string[] = [];
  private size = 0;
  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) process.stdout.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

interface Progress {
  update(fileIndex: number, done: number, total: number, records: number): void;
  stop(): void;
}

function progress(files: number, totalBytes: number, json: boolean): Progress {
  const silent = { update() {}, stop() {} };
  if (json || totalBytes < BAR_BYTES) return silent;
  if (!process.stderr.isTTY) {
    let last = performance.now();
    return {
      update(i, done, total, records) {
        if (performance.now() - last < 5000) return;
        last = performance.now();
        err(`events: file ${i + 1}/${files}, ${Math.round((100 * done) / Math.max(1, total))}%, ${records} records`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'events [{bar}] {percentage}% | file {file}/{files} | {records} records', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(files * 1000, 0, { file: 1, files, records: 0 });
  return {
    update(i, done, total, records) {
      bar.update(i * 1000 + Math.floor((1000 * done) / Math.max(1, total)), { file: i + 1, files, records });
    },
    stop() {
      bar.stop();
    },
  };
}

function sizeOf(files: readonly string[]): number {
  let n = 0;
  for (const f of files) {
    try {
      n += readInput(f).length;
    } catch {
      // unreadable files are reported when they are read
    }
  }
  return n;
}

/** Prints (up to MAX_PRINTED per file) and counts diagnostics. */
class Reporter {
  printed = 0;
  more = 0;
  constructor(private readonly json: boolean) {}
  report(d: Diagnostic): void {
    if (this.printed >= MAX_PRINTED) {
      this.more++;
      return;
    }
    this.printed++;
    err(this.json ? JSON.stringify({ diagnostic: diagnosticToJson(d) }) : renderDiagnostic(d));
  }
  endFile(file: string): void {
    if (this.more) err(this.json ? JSON.stringify({ file, moreDiagnostics: this.more }) : `${file}: … and ${this.more} more diagnostics`);
    this.printed = 0;
    this.more = 0;
  }
}

function short(s: string | undefined, max = 90): string {
  if (!s) return '-';
  return s.length > max ? '…' + s.slice(s.length - max + 1) : s;
}

/** One human line per AppLocker event: time, computer, id, outcome, collection, user, file, rule. */
export function formatEventLine(e: AppLockerEvent): string {
  const rule = e.ruleId === IMPLICIT_RULE_ID ? 'implicit-deny' : e.ruleName ?? e.ruleId ?? '-';
  return [e.timeCreated, e.computer || '-', String(e.eventId), e.outcome.padEnd(7), (e.collection ?? '-').padEnd(6), e.userSid ?? '-', short(e.filePath ?? e.packageName), rule].join('  ');
}

function unreadable(file: string, e: unknown, rep: Reporter): void {
  rep.report({ code: EventReaderCode.ioUnreadable, severity: 'error', message: `cannot read \`${file}\`: ${(e as Error).message}`, location: { kind: 'text', file, line: 1, column: 1 } });
  rep.endFile(file);
}

async function readCommand(files: string[], o: { json?: boolean; workers?: string }): Promise<void> {
  const json = !!o.json;
  const workers = parseWorkers(o.workers);
  const rep = new Reporter(json);
  const sink = new Sink();
  const bar = progress(files.length, sizeOf(files), json);
  const total = { files: files.length, records: 0, applocker: 0, skipped: 0, errors: 0, warnings: 0, unreadableFiles: 0 };
  try {
    for (const [i, file] of files.entries()) {
      let bytes: Uint8Array;
      try {
        bytes = readInput(file);
      } catch (e) {
        total.unreadableFiles++;
        unreadable(file, e, rep);
        continue;
      }
      let errors = 0;
      let records = 0;
      const onProgress = (done: number, all: number): void => bar.update(i, done, all, total.records + records);
      for await (const r of fileResults(file, bytes, workers, onProgress)) {
        if (r.kind === 'event') {
          records++;
          if (!r.applocker) {
            total.skipped++;
            continue;
          }
          total.applocker++;
          sink.push((json ? JSON.stringify(r.applocker) : formatEventLine(r.applocker)) + '\n');
        } else {
          if (r.kind === 'error') errors++;
          else total.warnings++;
          sink.flush();
          rep.report(r.diagnostic);
        }
      }
      total.records += records;
      total.errors += errors;
      // "cannot be read at all": errors and not one record (not an export, legacy .evt, unparseable document)
      if (errors > 0 && records === 0) total.unreadableFiles++;
      bar.update(i, 1, 1, total.records);
      rep.endFile(file);
    }
  } finally {
    sink.flush();
    bar.stop();
  }
  if (json) err(JSON.stringify({ summary: total }));
  else {
    err(`${count(total.records, 'record')} read from ${count(total.files, 'file')}: ${count(total.applocker, 'AppLocker event')}, ${total.skipped} skipped (not AppLocker), ${count(total.errors, 'error')}, ${count(total.warnings, 'warning')}${total.unreadableFiles ? `; ${total.unreadableFiles} file(s) could not be read` : ''}`);
  }
  if (total.unreadableFiles) throw new CliExit(ExitCode.ToolFailure);
}

function render(e: EventElement, format: 'xml' | 'json'): string {
  return format === 'xml' ? renderEventXml(e) : JSON.stringify(renderEventJson(e));
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function dumpCommand(file: string, o: { format: 'xml' | 'json'; json?: boolean; workers?: string; recover?: boolean }): Promise<void> {
  const format = o.json ? 'json' : o.format;
  const workers = parseWorkers(o.workers);
  const rep = new Reporter(!!o.json);
  const sink = new Sink();
  let bytes: Uint8Array;
  try {
    bytes = readInput(file);
  } catch (e) {
    unreadable(file, e, rep);
    throw new CliExit(ExitCode.ToolFailure);
  }
  const bar = progress(1, bytes.length, !!o.json);
  const kind: EventFormat = detectEventFormat(file, bytes.subarray(0, 256 * 1024));
  let records = 0;
  let errors = 0;
  // Records carved from chunk slack are not in the record chain other tools walk: count them and say so.
  const recover = o.recover !== false;
  let recovered = 0;
  const problem = (d: Diagnostic): void => {
    if (d.severity === 'error') errors++;
    sink.flush();
    rep.report(d);
  };
  try {
    if (kind === 'evtx' && useParallel(bytes, workers)) {
      // Large EVTX: chunks parsed and rendered on worker threads, records still in file order.
      const p = readEvtxParallel(bytes, { file, render: format, recover, onChunk: (d, t) => bar.update(0, d, t, records), ...(workers ? { workers } : {}) });
      const first = p.diagnostics.length;
      p.diagnostics.forEach(problem);
      for await (const rec of p.records()) {
        if (!rec.ok) problem(rec.diagnostic);
        else {
          records++;
          if (rec.recovered) recovered++;
          sink.push((rec.rendered ?? (rec.event ? render(rec.event, format) : '')) + '\n');
        }
      }
      p.diagnostics.slice(first).forEach(problem);
    } else if (kind === 'evtx') {
      // EVTX: the record's own Binary XML tree, rendered as Windows renders it.
      const evtx = readEvtx(bytes, { file, recover });
      const first = evtx.diagnostics.length;
      evtx.diagnostics.forEach(problem);
      for (const rec of evtx.records()) {
        bar.update(0, rec.chunk, evtx.chunkCount, records);
        if (!rec.ok) problem(rec.diagnostic);
        else {
          records++;
          if (rec.recovered) recovered++;
          sink.push(render(rec.event, format) + '\n');
        }
      }
      evtx.diagnostics.slice(first).forEach(problem);
    } else if (kind === 'event-xml') {
      for (const item of parseEventElements(decodeText(bytes), file, { onProgress: (d, t) => bar.update(0, d, t, records) })) {
        if (item.kind === 'element') {
          records++;
          sink.push(render(item.element, format) + '\n');
        } else problem(item.diagnostic);
      }
    } else {
      // JSON and CSV exports carry no XML tree: their fields are laid out as Windows would (System + payload).
      for (const r of readEvents({ name: file, bytes }, { normalise: false, onProgress: (d, t) => bar.update(0, d, t, records) }) as Generator<EventReadResult>) {
        if (r.kind === 'event') {
          records++;
          sink.push(render(elementFromRawEvent(r.raw, isAppLockerEvent(r.raw)), format) + '\n');
        } else problem(r.diagnostic);
      }
    }
  } finally {
    sink.flush();
    bar.stop();
  }
  if (recovered) {
    problem({
      code: 'events.evtx.recovered-records', severity: 'info',
      message: `${recovered} of ${records} records were recovered from chunk slack (overwritten space, not the record chain other tools read)`,
      location: { kind: 'bytes', file, offset: 0 }, help: 'leave them out with `--no-recover`',
    });
  }
  rep.endFile(file);
  if (o.json) err(JSON.stringify({ summary: { file, format: kind, records, errors } }));
  else err(`${file}: ${kind}, ${count(records, 'record')}, ${count(errors, 'error')}`);
  if (errors > 0 && records === 0) throw new CliExit(ExitCode.ToolFailure);
}

export function register(program: Command): void {
  const events = program.command('events').description('read AppLocker evidence: .evtx, Event XML, Winlogbeat/ECS, NXLog, Wazuh and CSV exports');

  events
    .command('dump')
    .description('print every record of an event file (any provider): EVTX as Windows renders it, other exports laid out the same way')
    .argument('<file>', 'an .evtx file or a text export (format detected from the content)')
    .option('--format <format>', 'xml (one <Event> per record, as Windows renders it) or json', 'xml')
    .option('--no-recover', '.evtx: only the record chain, without records recovered from chunk slack')
    .option('--json', 'same as --format json; diagnostics and the summary go to stderr as JSON lines')
    .option('--workers <n>', '.evtx: parse chunks on n worker threads (default: automatic for files of 16 MiB and more; 0 = never)')
    .addHelpText('after', `
Examples:
  $ lockstep events dump Application.evtx > Application.xml
  $ lockstep events dump --format json winlogbeat.ndjson | jq '.Event.System.EventID'
Exit: 0 ok (bad records are reported on stderr and skipped), 1 the file cannot be read at all.`)
    .action(async (file: string, o: { format: string; json?: boolean; workers?: string }) => {
      if (o.format !== 'xml' && o.format !== 'json') {
        err(`error: --format must be \`xml\` or \`json\`, not \`${o.format}\``);
        throw new CliExit(ExitCode.ToolFailure);
      }
      return dumpCommand(file, o as { format: 'xml' | 'json'; json?: boolean; workers?: string });
    });

  events
    .command('read')
    .description('print the AppLocker events (8000-8029) of event files, normalised; other providers are counted and skipped')
    .argument('<files...>', '.evtx files or text exports (Event XML, Winlogbeat/ECS JSON, NXLog JSON, Wazuh JSON, Get-WinEvent CSV)')
    .option('--json', 'one normalised AppLockerEvent JSON object per line (NDJSON) on stdout; diagnostics and the summary as JSON lines on stderr')
    .option('--workers <n>', '.evtx: parse chunks on n worker threads (default: automatic for files of 16 MiB and more; 0 = never)')
    .addHelpText('after', `
Columns (human output): time, computer, event id, outcome (allowed | audited = would be blocked | blocked | other),
collection, user SID, file path or package, rule name (implicit-deny for the all-zero rule id).

Examples:
  $ lockstep events read "Microsoft-Windows-AppLocker%4EXE and DLL.evtx"
  $ lockstep events read --json exports/*.json | jq 'select(.outcome == "audited") | .filePath'
  $ lockstep events read wef-forwarded.xml audit.csv
Exit: 0 ok (bad records are reported and counted), 1 a file cannot be read at all.`)
    .action((files: string[], o: { json?: boolean; workers?: string }) => readCommand(files, o));
}
