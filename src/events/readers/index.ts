/**
 * The event readers' front door: `readEvents` reads any supported export (detected by content) into one
 * stream of `EventReadResult`s — every record an event or a located error — and attaches the normalised
 * `AppLockerEvent` to the AppLocker ones. `formatEvents` writes AppLocker events back as any text format.
 * Used by the ingest pipeline (store edge) and the `lockstep events` command. Issue 5 items 2–3.
 */
import type { Diagnostic } from '../../diag/index.js';
import { normaliseAppLockerEvent } from '../normalise.js';
import { detectEventFormat } from './detect.js';
import { readCsv } from './csv.js';
import { readEcsJson } from './ecs-json.js';
import { EventReaderCode as C } from './errors.js';
import { readEventXml } from './event-xml.js';
import { readEvtxEvents } from './evtx.js';
import { readNxlogJson } from './nxlog-json.js';
import { decodeText, utf8Body } from './text.js';
import type { EventFormat, EventReadResult, ReadEventsOptions } from './types.js';
import { readWazuhJson } from './wazuh-json.js';

export * from './types.js';
export { EventReaderCode } from './errors.js';
export { detectEventFormat } from './detect.js';
export { parseEventElements, readEventXml, type EventXmlItem, type ParseEventXmlOptions } from './event-xml.js';
export { readEcsJson } from './ecs-json.js';
export { readNxlogJson } from './nxlog-json.js';
export { readWazuhJson } from './wazuh-json.js';
export { readCsv, csvRecords, type CsvRecord } from './csv.js';
export { readEvtxEvents } from './evtx.js';
export { formatEvents, type TextEventFormat } from './write.js';
export { decodeText, normaliseTime, stripNul } from './text.js';

/**
 * Reads every record of one export file, whatever its format.
 * @example
 * for (const r of readEvents({ name: 'audit.json', bytes })) {
 *   if (r.kind === 'event' && r.applocker) store(r.applocker);
 *   else if (r.kind !== 'event') report(r.diagnostic);
 * }
 */
export function* readEvents(input: { name: string; bytes: Uint8Array }, opts: ReadEventsOptions = {}): Generator<EventReadResult> {
  const format: EventFormat = opts.format ?? detectEventFormat(input.name, input.bytes.subarray(0, 256 * 1024));
  const normalise = opts.normalise !== false;
  for (const r of readRaw(format, input, opts)) {
    if (r.kind === 'event' && normalise) {
      const applocker = normaliseAppLockerEvent(r.raw);
      yield applocker ? { kind: 'event', raw: r.raw, applocker } : r;
    } else yield r;
  }
}

function readRaw(format: EventFormat, input: { name: string; bytes: Uint8Array }, opts: ReadEventsOptions): Generator<EventReadResult> {
  const file = input.name;
  switch (format) {
    case 'evtx':
      return readEvtxEvents(input.bytes, file, opts);
    case 'event-xml':
      return readEventXml(decodeText(input.bytes), file, opts);
    // UTF-8 JSON goes in as bytes: NDJSON is then decoded a line at a time (json-records.ts, same records).
    case 'ecs-json':
      return readEcsJson(utf8Body(input.bytes) ?? decodeText(input.bytes), file, opts);
    case 'nxlog-json':
      return readNxlogJson(utf8Body(input.bytes) ?? decodeText(input.bytes), file, opts);
    case 'wazuh-json':
      return readWazuhJson(utf8Body(input.bytes) ?? decodeText(input.bytes), file, opts);
    case 'csv':
      return readCsv(decodeText(input.bytes), file, opts);
    case 'evt-legacy':
      return single({
        code: C.formatEvtLegacy,
        severity: 'error',
        message: `\`${file}\` is a legacy windows event log (.evt), not evtx`,
        location: { kind: 'bytes', file, offset: 4, field: 'EVENTLOGHEADER.Signature' },
        help: 'convert it on Windows (`wevtutil epl old.evt new.evtx /lf:true`) or export it as XML',
      });
    default:
      return single({
        code: C.formatUnknown,
        severity: 'error',
        message: `\`${file}\` is not an event export this tool reads`,
        location: { kind: 'bytes', file, offset: 0 },
        help: 'supported: .evtx, Event XML, Winlogbeat/ECS JSON, NXLog JSON, Wazuh JSON, Get-WinEvent CSV',
      });
  }
}

function* single(diagnostic: Diagnostic): Generator<EventReadResult> {
  yield { kind: 'error', diagnostic };
}
