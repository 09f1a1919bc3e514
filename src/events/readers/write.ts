/**
 * Writers: AppLocker events → the text exports the readers accept, so that tools and tests can produce
 * evidence files (the simulate helper writes the demo fleet's evidence with these; the readers' property
 * test writes random events and reads them back equal). Field names and order follow applocker.md §9.3;
 * the Event XML is shaped as Windows renders AppLocker events (§9.4 (a)): System + UserData/RuleAndFileData.
 *
 * Lossless for every AppLockerEvent field except `source` (the reader sets it to where it read the event)
 * and `outcome`/`collection` (derived from event id and PolicyName, so they round-trip when consistent).
 */
import { APPLOCKER_PROVIDER_GUID, type AppLockerEvent } from '../applocker-event.js';

export type TextEventFormat = 'event-xml' | 'ecs-json' | 'csv' | 'nxlog-json' | 'wazuh-json';

const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
const USERDATA_NS = 'http://schemas.microsoft.com/schemas/event/Microsoft.Windows/1.0.0.0';
const GUID_LOWER = APPLOCKER_PROVIDER_GUID.toLowerCase();

/** §9.1 levels: Information 4, Warning 3 (audit), Error 2 (blocked). */
function levelOf(e: AppLockerEvent): number {
  return e.outcome === 'audited' ? 3 : e.outcome === 'blocked' ? 2 : 4;
}

function levelName(level: number): string {
  return level === 2 ? 'Error' : level === 3 ? 'Warning' : 'Information';
}

function fqbnTextOf(e: AppLockerEvent): string {
  if (e.fqbnText) return e.fqbnText;
  if (e.fqbn) return [e.fqbn.publisherName, e.fqbn.productName, e.fqbn.binaryName, e.fqbn.binaryVersion].join('\\');
  return '-';
}

/** The §9.3 payload in manifest order, `…Length` fields included (they count UTF-16 characters). */
export function payloadOf(e: AppLockerEvent): Array<[string, string]> {
  const f: Array<[string, string]> = [];
  const withLength = (name: string, v: string): void => {
    f.push([`${name}Length`, String(v.length)], [name, v]);
  };
  if (e.policyName !== undefined) withLength('PolicyName', e.policyName);
  if (e.ruleId !== undefined) f.push(['RuleId', e.ruleId]);
  withLength('RuleName', e.ruleName ?? '-');
  withLength('RuleSddl', e.ruleSddl ?? '-');
  if (e.userSid !== undefined) f.push(['TargetUser', e.userSid]);
  if (e.targetProcessId !== undefined) f.push(['TargetProcessId', String(e.targetProcessId)]);
  if (e.packageName !== undefined) withLength('Package', e.packageName);
  if (e.filePath !== undefined) withLength('FilePath', e.filePath);
  if (e.filePath !== undefined || e.fileHash !== undefined) {
    f.push(['FileHashLength', String((e.fileHash?.length ?? 0) / 2)], ['FileHash', e.fileHash ?? '']);
  }
  withLength('Fqbn', fqbnTextOf(e));
  if (e.targetLogonId !== undefined) f.push(['TargetLogonId', e.targetLogonId]);
  if (e.fullFilePath !== undefined) withLength('FullFilePath', e.fullFilePath);
  return f;
}

/** The event's message as Event Viewer shows it (§9.2), for the formats that carry one. */
export function messageOf(e: AppLockerEvent): string {
  const what = e.filePath ?? e.packageName ?? '-';
  const install = e.eventId >= 8023 && e.eventId <= 8025;
  switch (e.outcome) {
    case 'allowed':
      return install ? `${what} was allowed to be installed.` : `${what} was allowed to run.`;
    case 'audited':
      return install
        ? `${what} was allowed to be installed but would have been prevented if the AppLocker policy were enforced.`
        : `${what} was allowed to run but would have been prevented from running if the AppLocker policy were enforced.`;
    case 'blocked':
      return install ? `${what} was prevented from being installed.` : `${what} was prevented from running.`;
    default:
      return '';
  }
}

const escText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string): string => escText(s).replace(/'/g, '&apos;').replace(/"/g, '&quot;');

/** One `<Event>` as Windows renders an AppLocker event (single-quoted attributes, no whitespace). */
export function eventXml(e: AppLockerEvent): string {
  const sys = [
    `<Provider Name='${escAttr(e.provider)}' Guid='${GUID_LOWER}'/>`,
    `<EventID>${e.eventId}</EventID>`,
    '<Version>0</Version>',
    `<Level>${levelOf(e)}</Level>`,
    '<Task>0</Task>',
    '<Opcode>0</Opcode>',
    '<Keywords>0x8000000000000000</Keywords>',
    `<TimeCreated SystemTime='${escAttr(e.timeCreated)}'/>`,
    e.recordId !== undefined ? `<EventRecordID>${e.recordId}</EventRecordID>` : '',
    '<Correlation/>',
    `<Channel>${escText(e.channel)}</Channel>`,
    `<Computer>${escText(e.computer)}</Computer>`,
    e.userSid !== undefined ? `<Security UserID='${escAttr(e.userSid)}'/>` : '<Security/>',
  ].join('');
  const data = payloadOf(e).map(([k, v]) => `<${k}>${escText(v)}</${k}>`).join('');
  return `<Event xmlns='${EVENT_NS}'><System>${sys}</System><UserData><RuleAndFileData xmlns='${USERDATA_NS}'>${data}</RuleAndFileData></UserData></Event>`;
}

function payloadJson(e: AppLockerEvent, key: (k: string) => string = (k) => k, numbers = true): Record<string, string | number> {
  const o: Record<string, string | number> = {};
  for (const [k, v] of payloadOf(e)) {
    o[key(k)] = numbers && (k.endsWith('Length') || k === 'TargetProcessId') ? Number(v) : v;
  }
  return o;
}

function ecsLine(e: AppLockerEvent): string {
  const level = levelName(levelOf(e));
  const winlog: Record<string, unknown> = {
    channel: e.channel,
    computer_name: e.computer,
    event_id: String(e.eventId),
    level,
    opcode: 'Info',
    provider_guid: GUID_LOWER.slice(1, -1),
    provider_name: e.provider,
    ...(e.recordId !== undefined ? { record_id: e.recordId } : {}),
    time_created: e.timeCreated,
    ...(e.userSid !== undefined ? { user: { identifier: e.userSid } } : {}),
    user_data: payloadJson(e),
    version: 0,
  };
  return JSON.stringify({
    '@timestamp': e.timeCreated,
    event: { code: String(e.eventId), kind: 'event', provider: e.provider },
    host: { name: e.computer },
    log: { level },
    message: messageOf(e),
    winlog,
  });
}

function nxlogLine(e: AppLockerEvent): string {
  const level = levelOf(e);
  return JSON.stringify({
    EventTime: e.timeCreated,
    Hostname: e.computer,
    Keywords: '0x8000000000000000',
    EventType: level === 2 ? 'ERROR' : level === 3 ? 'WARNING' : 'INFO',
    SeverityValue: level === 2 ? 4 : level === 3 ? 3 : 2,
    Severity: level === 2 ? 'ERROR' : level === 3 ? 'WARNING' : 'INFO',
    EventID: e.eventId,
    SourceName: e.provider,
    ProviderGuid: APPLOCKER_PROVIDER_GUID,
    Version: 0,
    Task: 0,
    OpcodeValue: 0,
    ...(e.recordId !== undefined ? { RecordNumber: e.recordId } : {}),
    Channel: e.channel,
    ...(e.userSid !== undefined ? { UserID: e.userSid } : {}),
    Message: messageOf(e),
    ...payloadJson(e, (k) => k, false),
    EventReceivedTime: e.timeCreated,
    SourceModuleName: 'eventlog',
    SourceModuleType: 'im_msvistalog',
  });
}

function wazuhLine(e: AppLockerEvent): string {
  const lowerFirst = (k: string): string => k.charAt(0).toLowerCase() + k.slice(1);
  const level = levelOf(e);
  return JSON.stringify({
    timestamp: e.timeCreated,
    agent: { name: e.computer },
    manager: { name: 'wazuh-manager' },
    decoder: { name: 'windows_eventchannel' },
    data: {
      win: {
        system: {
          providerName: e.provider,
          providerGuid: APPLOCKER_PROVIDER_GUID.toLowerCase(),
          eventID: String(e.eventId),
          version: '0',
          level: String(level),
          task: '0',
          opcode: '0',
          keywords: '0x8000000000000000',
          systemTime: e.timeCreated,
          ...(e.recordId !== undefined ? { eventRecordID: String(e.recordId) } : {}),
          channel: e.channel,
          computer: e.computer,
          ...(e.userSid !== undefined ? { securityUserID: e.userSid } : {}),
          severityValue: levelName(level).toUpperCase(),
          message: JSON.stringify(messageOf(e)),
        },
        // as Wazuh's eventchannel decoder emits a UserData payload: under the root element's name, first letter
        // lower-cased, without `-` values (wazuh/wazuh src/analysisd/decoders/winevtchannel.c)
        ruleAndFileData: Object.fromEntries(Object.entries(payloadJson(e, lowerFirst, false)).filter(([, v]) => v !== '-' && v !== '')),
      },
    },
    location: 'EventChannel',
  });
}

const csvCell = (s: string): string => `"${s.replace(/"/g, '""')}"`;

function csvText(events: readonly AppLockerEvent[]): string {
  const rows = ['#TYPE Selected.System.Diagnostics.Eventing.Reader.EventLogRecord',
    ['TimeCreated', 'Id', 'ProviderName', 'LogName', 'MachineName', 'RecordId', 'UserId', 'Message', 'Xml'].map(csvCell).join(',')];
  for (const e of events) {
    rows.push([e.timeCreated, String(e.eventId), e.provider, e.channel, e.computer, e.recordId === undefined ? '' : String(e.recordId),
      e.userSid ?? '', messageOf(e), eventXml(e)].map(csvCell).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

/**
 * Writes AppLocker events as one text export; readEvents reads the result back to the same events.
 * @example
 * writeFileSync('fleet.ndjson', formatEvents(events, 'ecs-json'));
 */
export function formatEvents(events: readonly AppLockerEvent[], format: TextEventFormat): string {
  switch (format) {
    case 'event-xml':
      return `<?xml version="1.0" encoding="utf-8"?>\n<Events>\n${events.map((e) => eventXml(e) + '\n').join('')}</Events>\n`;
    case 'ecs-json':
      return events.map((e) => ecsLine(e) + '\n').join('');
    case 'nxlog-json':
      return events.map((e) => nxlogLine(e) + '\n').join('');
    case 'wazuh-json':
      return events.map((e) => wazuhLine(e) + '\n').join('');
    case 'csv':
      return csvText(events);
  }
}
