/**
 * The common tail of the three JSON readers: turn the fields one export format names into a `RawEvent`,
 * with a located error when the record is not an event (no event id). Keeps ecs-json.ts, nxlog-json.ts and
 * wazuh-json.ts down to their field maps.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { RawEvent } from '../raw-event.js';
import { EventReaderCode as C } from './errors.js';
import { intValue, jsonRecords, scalar } from './json-records.js';
import { normaliseTime, stripNul, textDiag } from './text.js';
import type { EventReadResult, ReadEventsOptions } from './types.js';

/** What a format's field map extracts from one JSON record. */
export interface JsonEventFields {
  readonly eventId: unknown;
  readonly provider: unknown;
  readonly providerGuid?: unknown;
  readonly channel: unknown;
  readonly computer: unknown;
  readonly time: unknown;
  readonly recordId?: unknown;
  readonly securityUserId?: unknown;
  readonly version?: unknown;
  readonly level?: unknown;
  readonly task?: unknown;
  readonly opcode?: unknown;
  readonly keywords?: unknown;
  readonly data: Record<string, string>;
}

export function* readJsonEvents(
  text: string | Uint8Array,
  file: string,
  opts: ReadEventsOptions,
  formatName: string,
  fields: (value: Record<string, unknown>) => JsonEventFields | undefined,
): Generator<EventReadResult> {
  for (const rec of jsonRecords(text, file, opts)) {
    if (rec.kind === 'error') {
      yield rec;
      continue;
    }
    const v = rec.value;
    const f = v && typeof v === 'object' && !Array.isArray(v) ? fields(v as Record<string, unknown>) : undefined;
    const id = f ? intValue(f.eventId) : undefined;
    if (!f || id === undefined || id > 0xffff) {
      yield { kind: 'error', diagnostic: textDiag(C.jsonNotEvent, 'error', `record is not a ${formatName} event (no numeric event id)`, file, rec.line) };
      continue;
    }
    const diagnostics: Diagnostic[] = [];
    const timeText = scalar(f.time) ?? '';
    let timeCreated = normaliseTime(timeText);
    if (timeCreated === undefined) {
      timeCreated = stripNul(timeText).trim();
      diagnostics.push(textDiag(C.eventBadField, 'warning', timeText ? `time \`${timeCreated}\` is not an ISO 8601 timestamp` : 'event has no time', file, rec.line));
    }
    const raw: { -readonly [K in keyof RawEvent]: RawEvent[K] } = {
      provider: scalar(f.provider)?.trim() ?? '',
      eventId: id,
      timeCreated,
      channel: scalar(f.channel)?.trim() ?? '',
      computer: scalar(f.computer)?.trim() ?? '',
      data: f.data,
      source: rec.source,
    };
    const guid = scalar(f.providerGuid)?.trim();
    if (guid) raw.providerGuid = `{${guid.replace(/^\{|\}$/g, '').toUpperCase()}}`;
    const version = intValue(f.version);
    if (version !== undefined) raw.version = version;
    const level = intValue(f.level);
    if (level !== undefined) raw.level = level;
    const task = intValue(f.task);
    if (task !== undefined) raw.task = task;
    const opcode = intValue(f.opcode);
    if (opcode !== undefined) raw.opcode = opcode;
    const keywords = scalar(f.keywords)?.trim();
    if (keywords) raw.keywords = keywords;
    const recordId = intValue(f.recordId);
    if (recordId !== undefined) raw.recordId = recordId;
    const user = scalar(f.securityUserId)?.trim();
    if (user) raw.securityUserId = user;
    for (const d of diagnostics) yield { kind: 'warning', diagnostic: d };
    yield { kind: 'event', raw };
  }
}

/** Copies an object's scalar members into event data (`rename` maps export keys back to §9.3 names). */
export function dataOf(
  obj: unknown,
  rename: (k: string) => string = (k) => k,
  skip?: ReadonlySet<string>,
  /** Writes into this object instead of a new one (what `{ ...a, ...b }` did, without the copies). */
  into: Record<string, string> = {},
): Record<string, string> {
  const out = into;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return out;
  const o = obj as Record<string, unknown>;
  // Object.keys + index, not Object.entries: same order, no [k, v] pair per field (hot per-event path).
  for (const k of Object.keys(o)) {
    if (skip?.has(k)) continue;
    const s = scalar(o[k]);
    if (s !== undefined) out[rename(k)] = s;
  }
  return out;
}
