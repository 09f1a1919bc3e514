/**
 * Wazuh `eventchannel` alert JSON reader (`alerts.json`, one alert a line). System fields under
 * `data.win.system` in Wazuh's camelCase: providerName, providerGuid, eventID, version, level, task, opcode,
 * keywords, systemTime, eventRecordID, channel, computer, securityUserID. The payload is under
 * `data.win.eventdata`, its keys with the first letter lower-cased (`policyName`, `fqbn`); they are mapped
 * back to the §9.3 names by upper-casing the first letter (`FilePath`, `Fqbn`).
 */
import { dataOf, readJsonEvents } from './json-event.js';
import { pick } from './json-records.js';
import type { EventReadResult, ReadEventsOptions } from './types.js';

const upperFirst = (k: string): string => k.charAt(0).toUpperCase() + k.slice(1);

/** Reads a Wazuh eventchannel alerts export. */
export function readWazuhJson(text: string | Uint8Array, file: string, opts: ReadEventsOptions = {}): Generator<EventReadResult> {
  return readJsonEvents(text, file, opts, 'wazuh eventchannel', (v) => {
    const sys = pick(v, 'data.win.system') as Record<string, unknown> | undefined;
    if (!sys || typeof sys !== 'object') return undefined;
    return {
      eventId: sys.eventID,
      provider: sys.providerName,
      providerGuid: sys.providerGuid,
      channel: sys.channel,
      computer: sys.computer ?? pick(v, 'agent.name'),
      time: sys.systemTime ?? v.timestamp,
      recordId: sys.eventRecordID,
      securityUserId: sys.securityUserID ?? sys.userID,
      version: sys.version,
      level: sys.level,
      task: sys.task,
      opcode: sys.opcode,
      keywords: sys.keywords,
      data: dataOf(pick(v, 'data.win.eventdata'), upperFirst),
    };
  });
}
