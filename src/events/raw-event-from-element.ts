/**
 * `EventElement` (an `<Event>` tree from EVTX Binary XML or from an Event XML export) → `RawEvent`: the
 * System header fields plus the payload as name → text. Used by the Event XML and CSV readers and by
 * readEvents for EVTX records. Field names: formats.md §A.7 (rendering), applocker.md §9.3/§9.4 (payload).
 *
 * Payload flattening (both shapes Windows uses):
 * - `<EventData><Data Name="X">v</Data>` → `X: v`; unnamed `<Data>` → `Data`, `Data[2]`, … ; `<Binary>` → `Binary`.
 * - `<UserData><Root><X>v</X>…</Root>` (AppLocker's `RuleAndFileData`) → `X: v` for every leaf child.
 */
import type { Diagnostic, TextLocation } from '../diag/index.js';
import type { EventElement, RawEvent } from './raw-event.js';
import { EventReaderCode as C } from './readers/errors.js';
import { normaliseTime, stripNul } from './readers/text.js';

function local(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

function child(e: EventElement | undefined, name: string): EventElement | undefined {
  return e?.children.find((c) => local(c.name) === name);
}

function attr(e: EventElement | undefined, name: string): string | undefined {
  return e?.attributes.find(([k]) => local(k) === name)?.[1];
}

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = stripNul(s).trim();
  if (!/^(?:\d+|0x[0-9a-f]+)$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Where the element came from: a text location (XML/CSV) or a byte location (EVTX record). */
export type ElementOrigin = Omit<TextLocation, 'kind'> | { readonly file: string; readonly offset: number; readonly context?: string };

/**
 * Flattens an `<Event>` element. `source` is the provenance string stored on the RawEvent
 * (`file.xml:12`, `file.evtx#record 42`). Returns no `raw` (and an error) when the element is not an event
 * (missing System/EventID).
 * @example
 * const { raw, diagnostics } = rawEventFromElement(el, 'x.evtx#record 7', { file: 'x.evtx', offset: 4096 });
 */
export function rawEventFromElement(
  el: EventElement,
  source: string,
  origin?: ElementOrigin,
): { raw?: RawEvent; diagnostics: Diagnostic[] } {
  const location = origin
    ? 'offset' in origin
      ? { kind: 'bytes' as const, ...origin }
      : { kind: 'text' as const, ...origin }
    : undefined;
  const diag = (code: string, severity: Diagnostic['severity'], message: string): Diagnostic => ({
    code,
    severity,
    message,
    ...(location ? { location } : {}),
  });
  const diagnostics: Diagnostic[] = [];
  if (local(el.name) !== 'Event') {
    return { diagnostics: [diag(C.eventMissingField, 'error', `expected an \`<Event>\` element, found \`<${el.name}>\``)] };
  }
  const sys = child(el, 'System');
  if (!sys) return { diagnostics: [diag(C.eventMissingField, 'error', 'event has no `<System>` element')] };
  const idText = child(sys, 'EventID')?.text;
  const eventId = num(idText);
  if (idText === undefined) return { diagnostics: [diag(C.eventMissingField, 'error', 'event has no `<EventID>`')] };
  if (eventId === undefined || eventId > 0xffff) {
    return { diagnostics: [diag(C.eventBadField, 'error', `event id \`${stripNul(idText).trim()}\` is not a number from 0 to 65535`)] };
  }
  const provider = child(sys, 'Provider');
  const timeText = attr(child(sys, 'TimeCreated'), 'SystemTime');
  let timeCreated = '';
  if (timeText === undefined || timeText === '') diagnostics.push(diag(C.eventMissingField, 'warning', 'event has no `TimeCreated/@SystemTime`'));
  else {
    const t = normaliseTime(timeText);
    if (t) timeCreated = t;
    else {
      timeCreated = stripNul(timeText).trim();
      diagnostics.push(diag(C.eventBadField, 'warning', `time \`${timeCreated}\` is not an ISO 8601 timestamp`));
    }
  }
  const data: Record<string, string> = {};
  const put = (k: string, v: string): void => {
    let key = k;
    for (let i = 2; Object.prototype.hasOwnProperty.call(data, key); i++) key = `${k}[${i}]`;
    // No NUL stripping here: XML cannot carry NUL and the EVTX reader decodes strings without their
    // terminators; collectors' "\u0000" artefacts (JSON exports) are stripped by those readers and the normaliser.
    data[key] = v;
  };
  const eventData = child(el, 'EventData');
  for (const c of eventData?.children ?? []) {
    const n = local(c.name);
    if (n === 'Data') put(attr(c, 'Name') ?? 'Data', c.text);
    else put(n, c.text);
  }
  const userData = child(el, 'UserData');
  for (const root of userData?.children ?? []) {
    for (const c of root.children) put(local(c.name), c.text);
  }
  const text = (name: string): string | undefined => {
    const t = child(sys, name)?.text;
    return t === undefined ? undefined : stripNul(t).trim();
  };
  const providerGuid = attr(provider, 'Guid');
  // Built by assignment, optional fields only when present (exactOptionalPropertyTypes-friendly, and no
  // intermediate objects on the per-record path).
  const raw: { -readonly [K in keyof RawEvent]: RawEvent[K] } = {
    provider: stripNul(attr(provider, 'Name') ?? attr(provider, 'EventSourceName') ?? '').trim(),
    eventId,
    timeCreated,
    channel: text('Channel') ?? '',
    computer: text('Computer') ?? '',
    data,
    source,
  };
  const guid = providerGuid === undefined ? '' : stripNul(providerGuid).trim();
  if (guid) raw.providerGuid = guid;
  const version = num(text('Version'));
  if (version !== undefined) raw.version = version;
  const level = num(text('Level'));
  if (level !== undefined) raw.level = level;
  const task = num(text('Task'));
  if (task !== undefined) raw.task = task;
  const opcode = num(text('Opcode'));
  if (opcode !== undefined) raw.opcode = opcode;
  const keywords = text('Keywords');
  if (keywords) raw.keywords = keywords;
  const recordId = num(text('EventRecordID'));
  if (recordId !== undefined) raw.recordId = recordId;
  const user = attr(child(sys, 'Security'), 'UserID');
  if (user) raw.securityUserId = user;
  return { raw, diagnostics };
}

const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
const RULE_AND_FILE_DATA_NS = 'http://schemas.microsoft.com/schemas/event/Microsoft.Windows/1.0.0.0';

/**
 * The inverse view, for `lockstep events dump` of formats that carry no XML tree (JSON, CSV columns): a
 * RawEvent as an `<Event>` element. The payload goes to `UserData/RuleAndFileData` for AppLocker's provider
 * (as Windows renders it, applocker.md §9.4) and to `EventData/Data[@Name]` otherwise. Numbered duplicate
 * keys (`Data[2]`) become repeated elements again.
 */
export function elementFromRawEvent(raw: RawEvent, appLocker: boolean): EventElement {
  const leaf = (name: string, text: string, attributes: Array<readonly [string, string]> = []): EventElement => ({ name, attributes, children: [], text });
  const empty = (name: string, attributes: Array<readonly [string, string]>): EventElement => ({ name, attributes, children: [], text: '', selfClosing: true });
  const provider: Array<readonly [string, string]> = [['Name', raw.provider]];
  if (raw.providerGuid) provider.push(['Guid', raw.providerGuid]);
  const sys: EventElement[] = [
    empty('Provider', provider),
    leaf('EventID', String(raw.eventId)),
    ...(raw.version !== undefined ? [leaf('Version', String(raw.version))] : []),
    ...(raw.level !== undefined ? [leaf('Level', String(raw.level))] : []),
    ...(raw.task !== undefined ? [leaf('Task', String(raw.task))] : []),
    ...(raw.opcode !== undefined ? [leaf('Opcode', String(raw.opcode))] : []),
    ...(raw.keywords !== undefined ? [leaf('Keywords', raw.keywords)] : []),
    empty('TimeCreated', [['SystemTime', raw.timeCreated]]),
    ...(raw.recordId !== undefined ? [leaf('EventRecordID', String(raw.recordId))] : []),
    leaf('Channel', raw.channel),
    leaf('Computer', raw.computer),
    empty('Security', raw.securityUserId ? [['UserID', raw.securityUserId]] : []),
  ];
  const entries = Object.entries(raw.data).map(([k, v]) => [k.replace(/\[\d+\]$/, ''), v] as const);
  const payload = appLocker
    ? { name: 'UserData', attributes: [], text: '', children: [{ name: 'RuleAndFileData', attributes: [['xmlns', RULE_AND_FILE_DATA_NS] as const], text: '', children: entries.map(([k, v]) => leaf(k, v)) }] }
    : { name: 'EventData', attributes: [], text: '', children: entries.map(([k, v]) => (k === 'Data' ? leaf('Data', v) : leaf('Data', v, [['Name', k]]))) };
  return { name: 'Event', attributes: [['xmlns', EVENT_NS]], text: '', children: [{ name: 'System', attributes: [], text: '', children: sys }, payload] };
}
