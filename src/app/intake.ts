/**
 * Use cases: event intake over HTTP (issue 13 item 4; shared/spec/deployment.md §4). Two shapes of batch:
 * - `intakeBatch`: a body as Logstash's `http` output (`json` one object, `json_batch` one array) or NXLog's
 *   `om_http` (one record per request, or `multiline` NDJSON) send it — any format the event readers detect;
 * - `bulkIntake`: an Elasticsearch `_bulk` body as Winlogbeat's elasticsearch output sends it (action line,
 *   source line, §4.3.2), answered one item per action in request order (§4.3.3).
 * Both go through the store's one ingest path (store/ingest.ts `ingestBytes`) behind the `IntakeSink` port:
 * the dedup key makes a retried batch store nothing twice, and the source row is named after the batch's
 * SHA-256 so a replay is visible as such. Decompression and size limits are the server's (it sees the bytes).
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diag/index.js';
import type { EventFormat } from '../events/index.js';
import { refuse, succeed, type UseCaseResult } from './result.js';

export interface IntakeSummary {
  readonly stored: number;
  readonly duplicates: number;
  /** Records the readers read that are not AppLocker events (accepted, not stored). */
  readonly ignored: number;
  readonly rejected: number;
  /** Why records were rejected (at most 100). */
  readonly diagnostics: readonly Diagnostic[];
}

/** The store's ingest, for bytes (store/intake-sink.ts). */
export interface IntakeSink {
  ingest(source: { name: string; bytes: Uint8Array; format?: EventFormat }): Promise<IntakeSummary>;
}

export interface IntakePorts {
  readonly sink: IntakeSink;
}

const batchName = (who: string, bytes: Uint8Array): string => `intake:${who}:${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}`;

/**
 * One batch of events in any readable export format.
 * @example const r = await intakeBatch(ports, { bytes, who: 'lst_0123456789abcdef' });
 */
export async function intakeBatch(ports: IntakePorts, req: { bytes: Uint8Array; who: string }): Promise<UseCaseResult<IntakeSummary>> {
  if (req.bytes.byteLength === 0) return refuse('usage', [{ code: 'app.intake.empty', severity: 'error', message: 'the batch is empty', help: 'send NDJSON, a JSON array of events, Event XML or CSV' }]);
  const s = await ports.sink.ingest({ name: batchName(req.who, req.bytes), bytes: req.bytes });
  const unknown = s.diagnostics.find((d) => d.code === 'events.format.unknown');
  if (unknown && s.stored + s.duplicates + s.ignored === 0) {
    return refuse('invalid', [{ ...unknown, message: 'the batch is not an event export lockstep reads', help: 'send Winlogbeat/ECS, NXLog or Wazuh JSON (one object, an array, or NDJSON), Event XML or CSV' }]);
  }
  return succeed(s);
}

/** One `_bulk` item in request order, as Elasticsearch answers it (deployment.md §4.3.3). */
export type BulkItem = Record<string, { _index?: string; status: number; result?: string; error?: { type: string; reason: string } }>;

export interface BulkOutcome {
  readonly took: number;
  readonly errors: boolean;
  readonly items: readonly BulkItem[];
  readonly summary: IntakeSummary;
}

const ACTIONS = new Set(['create', 'index', 'update', 'delete']);

/**
 * An Elasticsearch `_bulk` body: every `create`/`index` source line is an ECS (Winlogbeat) document; each
 * gets an item — 201 when stored, already stored or not an AppLocker event (the Beat acks it), 400 when
 * it cannot be read (the Beat drops that one event and keeps the rest; never a whole-request 400, §4.3.3).
 * `update`/`delete` are not supported and answered 400 per item.
 */
export async function bulkIntake(ports: IntakePorts, req: { bytes: Uint8Array; who: string; started: number; now: () => number }): Promise<UseCaseResult<BulkOutcome>> {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(req.bytes);
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const items: BulkItem[] = [];
  /** Source lines to ingest, and the item each one answers. */
  const docs: string[] = [];
  const itemOfDoc: number[] = [];
  const bad = (action: string, index: string | undefined, reason: string): BulkItem => ({ [action]: { ...(index ? { _index: index } : {}), status: 400, error: { type: 'illegal_argument_exception', reason } } });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch {
      items.push(bad('index', undefined, `line ${i + 1}: the action line is not json`));
      continue;
    }
    const keys = action && typeof action === 'object' && !Array.isArray(action) ? Object.keys(action) : [];
    const name = keys[0];
    if (keys.length !== 1 || !name || !ACTIONS.has(name)) {
      items.push(bad('index', undefined, `line ${i + 1}: expected one of create, index, update, delete`));
      continue;
    }
    const meta = (action as Record<string, unknown>)[name];
    const index = meta && typeof meta === 'object' && typeof (meta as { _index?: unknown })._index === 'string' ? (meta as { _index: string })._index : undefined;
    if (name === 'delete') {
      items.push(bad(name, index, 'lockstep keeps evidence: delete is not supported'));
      continue;
    }
    const source = lines[i + 1];
    i++;
    if (source === undefined || !source.trim()) {
      items.push(bad(name, index, `line ${i + 1}: the action has no source line`));
      continue;
    }
    if (name === 'update') {
      items.push(bad(name, index, 'lockstep keeps evidence: update is not supported'));
      continue;
    }
    itemOfDoc.push(items.length);
    docs.push(source);
    items.push({ [name]: { ...(index ? { _index: index } : {}), status: 201, result: 'created' } });
  }
  let summary: IntakeSummary = { stored: 0, duplicates: 0, ignored: 0, rejected: 0, diagnostics: [] };
  if (docs.length) {
    const body = new TextEncoder().encode(docs.join('\n') + '\n');
    summary = await ports.sink.ingest({ name: batchName(req.who, req.bytes), bytes: body, format: 'ecs-json' });
    // A record the reader rejected is located by its line in `body`: line n answers docs[n-1].
    for (const d of summary.diagnostics) {
      const line = d.location && 'line' in d.location ? d.location.line : undefined;
      const k = line !== undefined ? itemOfDoc[line - 1] : undefined;
      if (k === undefined || d.severity !== 'error') continue;
      const item = items[k]!;
      const name = Object.keys(item)[0]!;
      item[name] = { ...(item[name]!._index ? { _index: item[name]!._index } : {}), status: 400, error: { type: 'mapper_parsing_exception', reason: d.message } };
    }
  }
  const rejectedItems = items.filter((it) => Object.values(it)[0]!.status >= 300).length;
  return succeed({
    took: Math.max(0, Math.round(req.now() - req.started)),
    errors: rejectedItems > 0,
    items,
    summary: { ...summary, rejected: Math.max(summary.rejected, rejectedItems) },
  });
}
