/**
 * Wazuh `eventchannel` alert JSON reader (`alerts.json`, one alert a line). System fields under
 * `data.win.system` in Wazuh's camelCase: providerName, providerGuid, eventID, version, level, task, opcode,
 * keywords, systemTime, eventRecordID, channel, computer, securityUserID. The payload is under
 * `data.win.eventdata`, its keys with the first letter lower-cased (`policyName`, `fqbn`); they are mapped
 * back to the §9.3 names by upper-casing the first letter (`FilePath`, `Fqbn`).
 * Wazuh's own eventchannel decoder (wazuh/wazuh src/analysisd/decoders/winevtchannel.c) puts EventData under
 * `data.win.eventdata`, but a UserData payload — AppLocker's RuleAndFileData (§9.3), the event log's
 * LogFileCleared — under `data.win.<root element, first letter lower-cased>` (`data.win.ruleAndFileData`),
 * with the same lower-cased field names, and drops values that are `-`, `(NULL)` or empty (an absent Fqbn
 * is then simply missing). Both are read here. Without any payload, FilePath comes from
 * `data.win.system.message` (applocker-message.ts).
 */
import { payloadFromMessage } from './applocker-message.js';
import { dataOf, readJsonEvents } from './json-event.js';
import { pick } from './json-records.js';
import type { EventReadResult, ReadEventsOptions } from './types.js';

const upperFirst = (k: string): string => k.charAt(0).toUpperCase() + k.slice(1);

/** Reads a Wazuh eventchannel alerts export. */
export function readWazuhJson(text: string | Uint8Array, file: string, opts: ReadEventsOptions = {}): Generator<EventReadResult> {
  return readJsonEvents(text, file, opts, 'wazuh eventchannel', (v) => {
    const sys = pick(v, 'data.win.system') as Record<string, unknown> | undefined;
    if (!sys || typeof sys !== 'object') return undefined;
    const win = pick(v, 'data.win') as Record<string, unknown>;
    const data: Record<string, string> = {};
    // the UserData root object(s) first, then EventData: a payload field is in one or the other
    for (const k of Object.keys(win)) if (k !== 'system' && k !== 'eventdata') dataOf(win[k], upperFirst, undefined, data);
    dataOf(win['eventdata'], upperFirst, undefined, data);
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
      data: payloadFromMessage(data, typeof sys.message === 'string' ? sys.message : undefined, typeof sys.channel === 'string' ? sys.channel : undefined, Number(sys.eventID)),
    };
  });
}
