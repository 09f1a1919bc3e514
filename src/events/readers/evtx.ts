/**
 * EVTX records → EventReadResults, through the binary EVTX reader of src/events/evtx (formats.md §A). Each
 * record becomes an event (its Binary XML tree flattened by rawEventFromElement, provenance
 * `file#record N`) or a located error, so a bad chunk or record never hides the others (issue 5 item 1).
 * File- and chunk-level findings come first (errors as errors, the rest as warnings); notes the reader adds
 * while iterating (rejected carvings) come last.
 */
import type { Diagnostic } from '../../diag/index.js';
import { readEvtx } from '../evtx/index.js';
import { rawEventFromElement } from '../raw-event-from-element.js';
import { EventReaderCode as C } from './errors.js';
import type { EventReadResult, ReadEventsOptions } from './types.js';

function item(d: Diagnostic): EventReadResult {
  return d.severity === 'error' ? { kind: 'error', diagnostic: d } : { kind: 'warning', diagnostic: d };
}

/** Reads a `.evtx` file's records. */
export function* readEvtxEvents(bytes: Uint8Array, file: string, opts: ReadEventsOptions = {}): Generator<EventReadResult> {
  const evtx = readEvtx(bytes, { file, ...(opts.maxDepth !== undefined ? { limits: { maxDepth: opts.maxDepth } } : {}) });
  const first = evtx.diagnostics.length;
  for (const d of evtx.diagnostics.slice(0, first)) yield item(d);
  const maxRecords = opts.maxRecords ?? Number.MAX_SAFE_INTEGER;
  let n = 0;
  let chunk = -1;
  for (const rec of evtx.records()) {
    if (opts.onProgress && rec.chunk !== chunk) {
      chunk = rec.chunk;
      opts.onProgress(Math.min(chunk, evtx.chunkCount), evtx.chunkCount);
    }
    if (++n > maxRecords) {
      yield { kind: 'error', diagnostic: { code: C.limit, severity: 'error', message: `more than ${maxRecords} records; the rest was not read`, location: { kind: 'bytes', file, offset: rec.offset } } };
      return;
    }
    if (!rec.ok) {
      yield { kind: 'error', diagnostic: rec.diagnostic };
      continue;
    }
    for (const d of rec.diagnostics ?? []) yield item(d);
    const r = rawEventFromElement(rec.event, `${file}#record ${rec.recordId}`, {
      file,
      offset: rec.offset,
      context: `chunk ${rec.chunk}, record ${rec.recordId}`,
    });
    for (const d of r.diagnostics) yield item(d);
    if (r.raw) yield { kind: 'event', raw: r.raw };
  }
  opts.onProgress?.(evtx.chunkCount, evtx.chunkCount);
  for (const d of evtx.diagnostics.slice(first)) yield item(d);
}
