/**
 * Winlogbeat / Elastic ECS JSON reader (NDJSON, or the `{"events":[…]}` form of Elastic's pipeline tests in
 * the corpus). Fields: `winlog.event_id` (number or string; `event.code` as fallback), `winlog.provider_name`
 * (`event.provider`), `winlog.provider_guid`, `winlog.channel`, `winlog.computer_name` (`host.name`),
 * `winlog.record_id`, `winlog.time_created` (`@timestamp`), `winlog.user.identifier`, and the payload from
 * `winlog.user_data` (AppLocker's UserData, applocker.md §9.3) and `winlog.event_data`.
 * Winlogbeat's NUL artefacts (`"Info\u0000"`) are stripped.
 */
import { dataOf, readJsonEvents } from './json-event.js';
import { pick } from './json-records.js';
import type { EventReadResult, ReadEventsOptions } from './types.js';

/** Reads a Winlogbeat/ECS JSON export. */
export function readEcsJson(text: string | Uint8Array, file: string, opts: ReadEventsOptions = {}): Generator<EventReadResult> {
  return readJsonEvents(text, file, opts, 'winlogbeat/ecs', (v) => {
    if (pick(v, 'winlog') === undefined && pick(v, 'winlog.event_id') === undefined) return undefined;
    return {
      eventId: pick(v, 'winlog.event_id') ?? pick(v, 'event.code'),
      provider: pick(v, 'winlog.provider_name') ?? pick(v, 'event.provider'),
      providerGuid: pick(v, 'winlog.provider_guid'),
      channel: pick(v, 'winlog.channel'),
      computer: pick(v, 'winlog.computer_name') ?? pick(v, 'host.name'),
      time: pick(v, 'winlog.time_created') ?? pick(v, '@timestamp'),
      recordId: pick(v, 'winlog.record_id'),
      securityUserId: pick(v, 'winlog.user.identifier'),
      version: pick(v, 'winlog.version'),
      data: dataOf(pick(v, 'winlog.user_data'), undefined, undefined, dataOf(pick(v, 'winlog.event_data'))),
    };
  });
}
