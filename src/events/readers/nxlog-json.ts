/**
 * NXLog `im_msvistalog` + `to_json()` reader: one flat object a line. System fields: EventID, SourceName
 * (provider; `ProviderName` also accepted), ProviderGuid, Channel, Hostname, EventTime, RecordNumber, UserID
 * (SID), Version, Task, OpcodeValue, Keywords; every other key that is not one of NXLog's own metadata keys is
 * payload (im_msvistalog flattens EventData/UserData fields to top-level keys with their original names).
 * EventTime is `YYYY-MM-DD hh:mm:ss` in NXLog's default format, read as UTC (configure NXLog to write UTC or
 * ISO 8601 with a zone; a zone, when present, is honoured).
 * A record without the AppLocker payload (an im_msvistalog that flattened no UserData) takes FilePath and
 * the collection from its Message text (applocker-message.ts); FQBN and hash are not in the text.
 */
import { payloadFromMessage } from './applocker-message.js';
import { dataOf, readJsonEvents } from './json-event.js';
import type { EventReadResult, ReadEventsOptions } from './types.js';

/** Keys NXLog adds itself (im_msvistalog fields + core fields): never payload. */
export const NXLOG_META_KEYS: ReadonlySet<string> = new Set([
  'EventTime', 'EventTimeUTC', 'Hostname', 'Keywords', 'EventType', 'SeverityValue', 'Severity', 'EventID', 'SourceName',
  'ProviderName', 'ProviderGuid', 'Version', 'Task', 'OpcodeValue', 'RecordNumber', 'ActivityID', 'RelatedActivityID',
  'ProcessID', 'ThreadID', 'Channel', 'Domain', 'AccountName', 'UserID', 'AccountType', 'Category', 'Opcode', 'Level',
  'LevelValue', 'Message', 'EventReceivedTime', 'SourceModuleName', 'SourceModuleType', 'ERRORMESSAGE', 'raw_event',
]);

/** Reads an NXLog im_msvistalog JSON export. */
export function readNxlogJson(text: string | Uint8Array, file: string, opts: ReadEventsOptions = {}): Generator<EventReadResult> {
  return readJsonEvents(text, file, opts, 'nxlog im_msvistalog', (v) => {
    if (v.EventID === undefined) return undefined;
    return {
      eventId: v.EventID,
      provider: v.SourceName ?? v.ProviderName,
      providerGuid: v.ProviderGuid,
      channel: v.Channel,
      computer: v.Hostname,
      time: v.EventTimeUTC ?? v.EventTime,
      recordId: v.RecordNumber,
      securityUserId: v.UserID,
      version: v.Version,
      level: v.LevelValue,
      task: v.Task,
      opcode: v.OpcodeValue,
      keywords: v.Keywords,
      data: payloadFromMessage(dataOf(v, (k) => k, NXLOG_META_KEYS), typeof v.Message === 'string' ? v.Message : undefined, typeof v.Channel === 'string' ? v.Channel : undefined, Number(v.EventID)),
    };
  });
}
