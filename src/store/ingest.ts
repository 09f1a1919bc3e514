/**
 * The ingest pipeline (issue 6 item 3): files and folders → every record the event readers accept →
 * AppLocker events stored in batches, one transaction each, with the file's progress row in the same
 * transaction. Named stages: walk (expand folders, pick exports by content) → read (readEvents) →
 * batch (insertEvents) → finish (mark the source done).
 *
 * Guarantees:
 * - IDEMPOTENT: the store's dedup key (dedup.ts) makes a re-run, or an overlapping export, add nothing.
 * - CRASH-SAFE: killed at any point, the store holds whole batches and a progress row that matches them;
 *   a re-run of the unchanged file skips the records already committed and stores the rest — no loss, no
 *   duplicates (and dedup covers anything the skip would not).
 * Used by `lockstep ingest` (cli/commands/ingest.ts) and the demo (rollout); the kill test runs it in a
 * child process.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Diagnostic } from '../diag/index.js';
import { detectEventFormat, logClearOf, readEvents, type AppLockerEvent, type EventFormat, type EventReadResult, type LogClear } from '../events/index.js';
import { StoreCode } from './errors.js';
import { InputFileError, readInputFile, walkInputs } from './input-files.js';
import type { EvidenceStore, IngestSource, SourceProgress } from './types.js';

export interface IngestOptions {
  /** Events per transaction (default 5000). */
  readonly batchSize?: number;
  readonly onProgress?: (p: IngestProgress) => void;
  /** Stops between batches; what was committed stays, and a re-run resumes. */
  readonly signal?: AbortSignal;
  /** Largest file read (default 1 GiB, at most 2 GiB − 1): readers take whole buffers. */
  readonly maxFileBytes?: number;
  /** Read FIFOs and devices given as paths (default false: refused with `store.ingest.not-regular`). */
  readonly allowSpecialFiles?: boolean;
  /** Diagnostics kept per file (default 100); all are counted. */
  readonly maxDiagnosticsPerFile?: number;
}

export interface IngestProgress {
  readonly file: string;
  /** 1-based index of the file being read. */
  readonly fileIndex: number;
  readonly files: number;
  /** Bytes of the files finished so far plus this file's when it is done. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** bytesDone plus the estimated share of the current file (records read / estimated records): for bars. */
  readonly bytesEstimate: number;
  /** Records read of the current file so far (resumed ones included). */
  readonly fileRecordsRead: number;
  /** A cheap estimate of the current file's record count (line or `<Event` count); undefined for EVTX. */
  readonly fileRecordsEstimate?: number;
  /** Across all files in this run. */
  readonly recordsRead: number;
  readonly eventsStored: number;
  readonly duplicates: number;
}

export interface FileIngestSummary {
  readonly path: string;
  readonly format: EventFormat;
  /** Records read in total for this file (events + unreadable records), including resumed ones. */
  readonly recordsRead: number;
  /** AppLocker events stored (over all runs of this file version). */
  readonly eventsStored: number;
  /** AppLocker events already in the store. */
  readonly duplicates: number;
  /** Events read that are not AppLocker events (other providers/channels). */
  readonly nonAppLocker: number;
  /** Unreadable records and rejected events. */
  readonly errors: number;
  /** Records an earlier, interrupted run had committed (skipped now). */
  readonly resumedRecords: number;
  /** Log-cleared events (Security 1102, System 104) read in this run and kept for evidence sufficiency. */
  readonly logClears: number;
  /**
   * This run's records that could not be normalised or stored, per diagnostic code (`events.xml.malformed`,
   * `store.event.bad-time`…): every one is counted here even when the diagnostics list is capped.
   */
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly completed: boolean;
  /** This run's diagnostics (errors and warnings), at most maxDiagnosticsPerFile. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface IngestSummary {
  readonly files: readonly FileIngestSummary[];
  /** Files in walked folders that are not event exports (by content), skipped. */
  readonly skippedFiles: readonly string[];
  /** Problems with the paths themselves (missing, unreadable, too large). */
  readonly diagnostics: readonly Diagnostic[];
  readonly totals: {
    readonly files: number;
    readonly recordsRead: number;
    readonly eventsStored: number;
    readonly duplicates: number;
    readonly nonAppLocker: number;
    readonly errors: number;
    readonly logClears: number;
    readonly errorsByCode: Readonly<Record<string, number>>;
  };
  readonly aborted: boolean;
}

const DEFAULT_BATCH = 5000;
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
const HEAD_BYTES = 64 * 1024;

/** A file's first bytes, enough for format detection (walk stage). Regular files only (the walk checks). */
function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * The reader's records, with any exception it throws turned into one located error record: one hostile
 * file must never end the batch (issue 12: one deep JSON file made `ingest DIR/` store nothing).
 */
function* guarded(items: Iterable<EventReadResult>, file: string, at: () => number): Generator<EventReadResult> {
  const it = items[Symbol.iterator]();
  for (;;) {
    let r: IteratorResult<EventReadResult>;
    try {
      r = it.next();
    } catch (e) {
      const what = e instanceof RangeError ? 'input too complex (nesting or size)' : 'unexpected reader failure';
      yield {
        kind: 'error',
        diagnostic: {
          code: StoreCode.IngestReaderFailed,
          severity: 'error',
          message: `${what} after record ${at()}; the rest of the file was not read`,
          location: { kind: 'bytes', file, offset: 0, context: `record ${at() + 1}` },
          help: 'the records before it are stored; report the file if it is a genuine export',
        },
      };
      return;
    }
    if (r.done) return;
    yield r.value;
  }
}

/**
 * Estimates how many records a text export holds without parsing it (native byte search), so progress
 * inside one large file can move: lines for the JSON/CSV dialects, `<Event>`/`<Event ` tags for XML.
 */
export function estimateRecords(format: EventFormat, bytes: Uint8Array): number | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = (needle: string): number => {
    let n = 0;
    for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + needle.length)) n++;
    return n;
  };
  switch (format) {
    case 'ecs-json':
    case 'nxlog-json':
    case 'wazuh-json':
    case 'csv':
      return count('\n') + (buf.length > 0 && buf[buf.length - 1] !== 0x0a ? 1 : 0);
    case 'event-xml':
      return count('<Event>') + count('<Event ');
    default:
      return undefined;
  }
}

/** Lets timers, signals and progress output run between synchronous SQLite batches. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Ingests files and folders into the store.
 * @example
 * const store = await openStore('.lockstep/evidence.db');
 * const summary = await ingestPaths(store, ['exports/'], { onProgress: (p) => bar.update(p.bytesDone) });
 * console.log(summary.totals.eventsStored);
 */
export async function ingestPaths(store: EvidenceStore, paths: readonly string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_BYTES;
  const limits = { maxBytes, allowSpecial: opts.allowSpecialFiles === true };
  const walked = walkInputs(paths, {
    ...limits,
    // Folders contribute only the files that look like event exports, by content.
    accept: (path) => detectEventFormat(path, readHead(path)) !== 'unknown',
  });
  return run(store, { files: walked.files, skipped: walked.skipped, diagnostics: walked.diagnostics }, opts, limits);
}

/** A candidate for ingest: a walked file, or a source held in memory. */
interface Candidate {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Given for byte sources (ingestBytes): read instead of the file. */
  readonly bytes?: Uint8Array;
  readonly format?: EventFormat;
}

/** A source that is not a file: an HTTP upload, a batch from a shipper (design: ingest takes `{name, bytes}`). */
export interface ByteSource {
  /** Names the source in the `sources` table and in diagnostics (`intake:<token>:<sha256>`). */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Skips detection when the caller knows the format (the `_bulk` endpoint: `ecs-json`). */
  readonly format?: EventFormat;
}

/**
 * Ingests sources held in memory through the same stages as files (resume rows, batches, dedup): the HTTP
 * intake's entry point. A source's `size` is its byte length and its `mtimeMs` 0, so a replayed batch with
 * the same name starts over and finds only duplicates.
 * @example const s = await ingestBytes(store, [{ name: 'intake:lst_1:ab12…', bytes, format: 'ecs-json' }]);
 */
export async function ingestBytes(store: EvidenceStore, sources: readonly ByteSource[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_BYTES;
  const diagnostics: Diagnostic[] = [];
  const files: Candidate[] = [];
  for (const s of sources) {
    if (s.bytes.byteLength > maxBytes) diagnostics.push({ code: StoreCode.IngestTooLarge, severity: 'error', message: `\`${s.name}\` is ${s.bytes.byteLength} bytes, over the ${maxBytes}-byte limit`, help: 'split the batch' });
    else files.push({ path: s.name, size: s.bytes.byteLength, mtimeMs: 0, bytes: s.bytes, ...(s.format ? { format: s.format } : {}) });
  }
  return run(store, { files, skipped: [], diagnostics }, opts, { maxBytes, allowSpecial: false });
}

async function run(
  store: EvidenceStore, walked: { files: readonly Candidate[]; skipped: readonly string[]; diagnostics: Diagnostic[] }, opts: IngestOptions,
  limits: { maxBytes: number; allowSpecial: boolean },
): Promise<IngestSummary> {
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? DEFAULT_BATCH, 100_000));
  const maxDiags = opts.maxDiagnosticsPerFile ?? 100;
  const bytesTotal = walked.files.reduce((a, f) => a + f.size, 0);
  const summaries: FileIngestSummary[] = [];
  let bytesDone = 0;
  const run = { recordsRead: 0, eventsStored: 0, duplicates: 0 };
  let aborted = false;

  for (const [i, file] of walked.files.entries()) {
    if (opts.signal?.aborted) {
      aborted = true;
      break;
    }
    const source: IngestSource = { path: file.path, size: file.size, mtimeMs: file.mtimeMs };
    let position = 0;
    let estimate: number | undefined;
    let fileDone = false;
    const report = (): void =>
      opts.onProgress?.({
        file: file.path, fileIndex: i + 1, files: walked.files.length, bytesDone, bytesTotal, fileRecordsRead: position,
        bytesEstimate: bytesDone + (fileDone || !estimate ? 0 : Math.floor(Math.min(1, position / estimate) * file.size)),
        ...(estimate !== undefined ? { fileRecordsEstimate: estimate } : {}), ...run,
      });
    report();
    const diagnostics: Diagnostic[] = [];
    const note = (d: Diagnostic): void => {
      if (diagnostics.length < maxDiags) diagnostics.push(d);
    };
    const errorsByCode: Record<string, number> = {};
    const countError = (d: Diagnostic): void => {
      errorsByCode[d.code] = (errorsByCode[d.code] ?? 0) + 1;
    };
    let logClears = 0;
    let pendingClears: LogClear[] = [];
    let bytes: Uint8Array;
    try {
      bytes = file.bytes ?? readInputFile(file.path, limits);
    } catch (e) {
      if (!(e instanceof InputFileError)) throw e;
      walked.diagnostics.push(e.diagnostic);
      continue;
    }
    const format = file.format ?? detectEventFormat(file.path, bytes.subarray(0, HEAD_BYTES));
    if (opts.onProgress) estimate = estimateRecords(format, bytes);
    // Stage 2, resume: what an interrupted run already committed for this exact file version.
    const prior = await store.beginSource(source);
    let p: SourceProgress = prior;
    let pending: AppLockerEvent[] = [];
    let pendingNon = 0;
    let pendingErr = 0;
    let lastFlush = prior.recordsRead;

    // Stage 3, batch: one transaction with the events and the progress row that accounts for them.
    const flush = async (): Promise<void> => {
      const base = p;
      const at = position;
      const non = pendingNon;
      const errs = pendingErr;
      const batch = pending;
      pending = [];
      pendingNon = 0;
      pendingErr = 0;
      // Before the batch's transaction: a crash in between re-reads these records, and insertLogClears skips
      // the clears it already has, so the two stay consistent without sharing a transaction.
      if (pendingClears.length) {
        await store.insertLogClears(pendingClears);
        pendingClears = [];
      }
      // Added to the row as stored (not to this run's own base): another ingest of the same file at the same
      // time adds its batches too, and neither overwrites the other's counts (issue 12).
      let committed: SourceProgress | undefined;
      const r = await store.insertEvents(batch, source, (b, stored) => (committed = {
        recordsRead: Math.max(stored.recordsRead, at),
        eventsStored: stored.eventsStored + b.inserted,
        duplicates: stored.duplicates + b.duplicates,
        nonAppLocker: stored.nonAppLocker + non,
        errors: stored.errors + errs + b.rejected,
      }));
      for (const d of r.rejected) {
        note(d);
        countError(d);
      }
      p = committed ?? {
        recordsRead: at,
        eventsStored: base.eventsStored + r.inserted,
        duplicates: base.duplicates + r.duplicates,
        nonAppLocker: base.nonAppLocker + non,
        errors: base.errors + errs + r.rejected.length,
      };
      run.eventsStored += r.inserted;
      run.duplicates += r.duplicates;
      report();
      await tick();
    };

    for (const item of guarded(readEvents({ name: file.path, bytes }, file.format ? { format: file.format } : {}), file.path, () => position)) {
      if (item.kind === 'warning') {
        if (position >= prior.recordsRead) note(item.diagnostic);
        continue;
      }
      position++;
      if (position <= prior.recordsRead) continue; // committed by an earlier run
      run.recordsRead++;
      if (item.kind === 'error') {
        note(item.diagnostic);
        countError(item.diagnostic);
        pendingErr++;
      } else if (item.applocker) pending.push(item.applocker);
      else {
        pendingNon++;
        const clear = logClearOf(item.raw);
        if (clear) {
          pendingClears.push(clear);
          logClears++;
        }
      }
      // Commit when the batch is full, and also every few batches' worth of records without AppLocker
      // events (a big Security.evtx), so progress moves and a re-run resumes near where it stopped.
      if (pending.length >= batchSize || position - lastFlush >= batchSize * 4) {
        lastFlush = position;
        await flush();
        if (opts.signal?.aborted) {
          aborted = true;
          break;
        }
      }
    }
    if (!aborted) {
      if (pending.length || pendingNon || pendingErr || pendingClears.length) await flush();
      // Stage 4, finish: a later run of the same file starts over (and finds only duplicates).
      await store.finishSource(source, { ...p, recordsRead: position });
      await store.recordSourceErrors(file.path, errorsByCode, prior.recordsRead === 0);
      bytesDone += file.size;
      fileDone = true;
    }
    if (aborted) await store.recordSourceErrors(file.path, errorsByCode, prior.recordsRead === 0);
    summaries.push({
      path: file.path,
      format,
      recordsRead: aborted ? p.recordsRead : position,
      eventsStored: p.eventsStored,
      duplicates: p.duplicates,
      nonAppLocker: p.nonAppLocker,
      errors: p.errors,
      resumedRecords: Math.min(prior.recordsRead, position),
      logClears,
      errorsByCode,
      completed: !aborted,
      diagnostics,
    });
    report();
    if (aborted) break;
  }

  const totals = summaries.reduce(
    (t, f) => ({
      files: t.files + 1,
      recordsRead: t.recordsRead + f.recordsRead,
      eventsStored: t.eventsStored + f.eventsStored,
      duplicates: t.duplicates + f.duplicates,
      nonAppLocker: t.nonAppLocker + f.nonAppLocker,
      errors: t.errors + f.errors,
      logClears: t.logClears + f.logClears,
      errorsByCode: addCounts(t.errorsByCode, f.errorsByCode),
    }),
    { files: 0, recordsRead: 0, eventsStored: 0, duplicates: 0, nonAppLocker: 0, errors: 0, logClears: 0, errorsByCode: {} as Record<string, number> },
  );
  return { files: summaries, skippedFiles: walked.skipped, diagnostics: walked.diagnostics, totals, aborted };
}

function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
