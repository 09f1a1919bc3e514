import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../diag/index.js';
import type { AppLockerEvent } from '../applocker-event.js';
import { csvRecords, readEvents, type EventReadResult } from './index.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function run(name: string, bytes: Uint8Array): { events: EventReadResult[]; applocker: AppLockerEvent[]; errors: Diagnostic[]; warnings: Diagnostic[] } {
  const rs = [...readEvents({ name, bytes })];
  return {
    events: rs.filter((r) => r.kind === 'event'),
    applocker: rs.flatMap((r) => (r.kind === 'event' && r.applocker ? [r.applocker] : [])),
    errors: rs.flatMap((r) => (r.kind === 'error' ? [r.diagnostic] : [])),
    warnings: rs.flatMap((r) => (r.kind === 'warning' ? [r.diagnostic] : [])),
  };
}
const sample = (f: string): Uint8Array => readFileSync(join(testdata, f));

describe('NXLog im_msvistalog JSON', () => {
  it('reads the sample: 2 AppLocker events, the HelloForBusiness 8025 stays non-AppLocker', () => {
    const r = run('applocker.nxlog.json', sample('applocker.nxlog.json'));
    expect(r.errors).toEqual([]);
    expect(r.events).toHaveLength(3);
    expect(r.applocker.map((e) => [e.eventId, e.outcome, e.collection, e.recordId, e.source])).toEqual([
      [8003, 'audited', 'Exe', 149861, 'applocker.nxlog.json:1'],
      [8006, 'audited', 'Script', 239, 'applocker.nxlog.json:2'],
    ]);
    expect(r.applocker[0]).toMatchObject({
      computer: 'TOPSYLL.local', timeCreated: '2023-07-18T14:07:07Z', targetLogonId: '0x14fcb7', targetProcessId: 20056,
      ruleId: '{00000000-0000-0000-0000-000000000000}', fqbn: { binaryName: 'GIT.EXE', binaryVersion: '2.35.5.01' },
    });
    const hello = r.events[2]!;
    expect(hello.kind === 'event' && [hello.raw.provider, hello.raw.eventId, hello.raw.data.ServiceName, hello.applocker]).toEqual([
      'Microsoft-Windows-HelloForBusiness', 8025, 'Microsoft Passport', undefined,
    ]);
  });
  it('a bad JSON line is a located error; the good lines still come through', () => {
    const text = new TextDecoder().decode(sample('applocker.nxlog.json')).split('\n');
    const broken = [text[0], '{"EventID": 8003, "SourceName": "Microsoft-Windows-AppLocker",', '{"Hostname":"x","SourceName":"y"}', text[1]].join('\n');
    const r = run('broken.nxlog.json', enc(broken));
    expect(r.applocker.map((e) => e.recordId)).toEqual([149861, 239]);
    expect(r.errors.map((d) => [d.code, d.location?.kind === 'text' && d.location.line])).toEqual([
      ['events.json.syntax', 2],
      ['events.json.not-an-event', 3],
    ]);
  });
});

describe('Winlogbeat/ECS JSON forms', () => {
  it('a one-line `{"events":[…]}` document and NDJSON read the same events', () => {
    const ndjson = new TextDecoder().decode(sample('applocker.nxlog.json')); // any AppLocker values will do
    const events = run('a.nxlog.json', enc(ndjson)).applocker;
    const ecsLines = events.map((e) => JSON.stringify({ '@timestamp': e.timeCreated, winlog: { event_id: e.eventId, provider_name: e.provider, channel: e.channel, computer_name: e.computer, record_id: e.recordId, user_data: { PolicyName: e.policyName, FilePath: e.filePath } } }));
    const one = run('one.json', enc(`{"events":[${ecsLines.join(',')}]}`));
    const nd = run('nd.json', enc(ecsLines.join('\n')));
    expect(one.errors).toEqual([]);
    expect(one.applocker.map((e) => [e.eventId, e.recordId, e.filePath])).toEqual(events.map((e) => [e.eventId, e.recordId, e.filePath]));
    expect(nd.applocker.map((e) => ({ ...e, source: '' }))).toEqual(one.applocker.map((e) => ({ ...e, source: '' })));
  });
});

describe('Wazuh eventchannel JSON', () => {
  it('reads the sample: camelCase payload mapped back to the §9.3 names', () => {
    const r = run('applocker.wazuh.json', sample('applocker.wazuh.json'));
    expect(r.errors).toEqual([]);
    expect(r.events).toHaveLength(3);
    expect(r.applocker).toHaveLength(2);
    expect(r.applocker[0]).toMatchObject({
      eventId: 8023, outcome: 'allowed', collection: 'Appx', packageName: 'Microsoft.BingNews', recordId: 6269,
      computer: 'WIN1012009LL.local', timeCreated: '2023-08-15T14:12:32.6801945Z', ruleId: '{A9E18C21-FF8F-43CF-B9FC-DB40EED693BA}',
      ruleSddl: 'D:(XA;;FX;;;S-1-1-0;((Exists APPID://FQBN) && ((APPID://FQBN) >= ({"*\\*\\*",0}))))',
    });
    expect(r.applocker[1]).toMatchObject({
      eventId: 8005, collection: 'Script', targetLogonId: '0x3b3057', fullFilePath: 'C:\\Users\\thor\\Documents\\WindowsPowerShell\\Scripts\\get-stuff.ps1',
      fileHash: 'EE805925E38BFAB69D49FCCE20382EB01804A8F7F9897D98D44C945861CAE9A8', userSid: '[SID]',
    });
    expect(r.applocker[1]!.fqbn).toBeUndefined();
  });
  it('a truncated last line is one error, the rest is read', () => {
    const text = new TextDecoder().decode(sample('applocker.wazuh.json')).trimEnd();
    const r = run('cut.wazuh.json', enc(text.slice(0, text.length - 40)));
    expect(r.events).toHaveLength(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'events.json.syntax', location: { line: 3 } });
  });
});

describe('Get-WinEvent CSV', () => {
  it('csvRecords: RFC 4180 quoting, CRLF/LF/CR ends, empty and trailing cells, line numbers', () => {
    const text = 'a,"b ""q"", c",\r\n"multi\r\nline",x\n,\r"",""""\n"open';
    expect([...csvRecords(text)]).toEqual([
      { kind: 'row', cells: ['a', 'b "q", c', ''], line: 1 },
      { kind: 'row', cells: ['multi\r\nline', 'x'], line: 2 },
      { kind: 'row', cells: ['', ''], line: 4 },
      { kind: 'row', cells: ['', '"'], line: 5 },
      { kind: 'error', line: 6, column: 1, message: 'quoted cell is never closed' },
    ]);
    expect([...csvRecords('x'.repeat(50) + '\nok', 10)]).toEqual([
      { kind: 'error', line: 1, column: 1, message: 'record longer than 10 characters' },
      { kind: 'row', cells: ['ok'], line: 2 },
    ]);
  });
  it('property columns + payload columns (#TYPE line, en-US time, quoted quotes, CRLF inside a cell)', () => {
    const r = run('applocker.columns.csv', sample('applocker.columns.csv'));
    expect(r.errors).toEqual([]);
    expect(r.events).toHaveLength(3);
    expect(r.applocker).toHaveLength(2);
    expect(r.applocker[0]).toMatchObject({
      eventId: 8003, outcome: 'audited', timeCreated: '2023-07-18T14:07:07Z', recordId: 149861, computer: 'TOPSYLL.local',
      fileHash: '11D3940DE41D28E044CE45AB76A6D824E617D99B62C5FB44E37BE5CD7B0545F5', source: 'applocker.columns.csv:3',
    });
    expect(r.applocker[1]).toMatchObject({ eventId: 8023, packageName: 'Microsoft.BingNews', ruleSddl: 'D:(XA;;FX;;;S-1-1-0;((Exists APPID://FQBN) && ((APPID://FQBN) >= ({"*\\*\\*",0}))))' });
    expect(r.applocker[1]!.filePath).toBeUndefined();
    const hello = r.events[2]!;
    expect(hello.kind === 'event' && hello.applocker).toBeUndefined();
  });
  it('an Xml column: each cell read as Event XML (multi-line cell), located by CSV line', () => {
    const r = run('applocker.xml-column.csv', sample('applocker.xml-column.csv'));
    expect(r.errors).toEqual([]);
    expect(r.applocker.map((e) => [e.eventId, e.recordId, e.timeCreated, e.source])).toEqual([
      [8002, 69257, '2019-11-07T22:15:09.5660628Z', 'applocker.xml-column.csv:2'],
      [8006, 239, '2023-08-04T21:26:32.7572144Z', 'applocker.xml-column.csv:3'],
    ]);
  });
  it('a plain Export-Csv (no payload columns): the path or package comes from the rendered Message', () => {
    const csv = [
      '#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord',
      '"Message","Id","Version","Qualifiers","Level","Task","Opcode","Keywords","RecordId","ProviderName","ProviderId","LogName","ProcessId","ThreadId","MachineName","UserId","TimeCreated","Properties"',
      // values of the real 8003 (elastic corpus sample) and 8023 events
      '"%OSDRIVE%\\USERS\\TOPSY\\APPDATA\\LOCAL\\GITHUBDESKTOP\\APP-3.1.2\\RESOURCES\\APP\\GIT\\MINGW64\\BIN\\GIT.EXE was allowed to run but would have been prevented from running if the AppLocker policy were enforced.","8003","0","","3","0","0","-9223372036854775808","149861","Microsoft-Windows-AppLocker","cbda4dbf-8d5d-4f69-9578-be14aa540d22","Microsoft-Windows-AppLocker/EXE and DLL","2152","25496","TOPSYLL.local","S-1-5-21-1133191089-1850170202-1535859923-200319","7/18/2023 2:07:07 PM","System.Collections.Generic.List`1[System.Diagnostics.Eventing.Reader.EventProperty]"',
      '"Microsoft.BingNews was allowed to be installed.","8023","0","","4","0","0","-9223372036854775808","6269","Microsoft-Windows-AppLocker","cbda4dbf-8d5d-4f69-9578-be14aa540d22","Microsoft-Windows-AppLocker/Packaged app-Deployment","4584","26688","WIN1012009LL.local","S-1-5-21-1133191089-1850170202-1535859923-200319","8/15/2023 2:12:32 PM","System.Collections.Generic.List`1[System.Diagnostics.Eventing.Reader.EventProperty]"',
    ].join('\r\n');
    const r = run('plain.csv', enc(csv));
    expect(r.errors).toEqual([]);
    expect(r.applocker.map((e) => [e.eventId, e.outcome, e.filePath, e.packageName, e.userSid, e.recordId])).toEqual([
      [8003, 'audited', '%OSDRIVE%\\USERS\\TOPSY\\APPDATA\\LOCAL\\GITHUBDESKTOP\\APP-3.1.2\\RESOURCES\\APP\\GIT\\MINGW64\\BIN\\GIT.EXE', undefined, 'S-1-5-21-1133191089-1850170202-1535859923-200319', 149861],
      [8023, 'allowed', undefined, 'Microsoft.BingNews', 'S-1-5-21-1133191089-1850170202-1535859923-200319', 6269],
    ]);
  });
  it('wrong columns: one located header error, no events', () => {
    const r = run('wrong.csv', enc('"Date","Source","Text"\r\n"2026-01-01","x","y"\r\n'));
    expect(r.events).toEqual([]);
    expect(r.errors).toMatchObject([{ code: 'events.csv.bad-header', location: { line: 1 } }]);
  });
  it('a short row and an unterminated quote are located errors; good rows still read', () => {
    const lines = new TextDecoder().decode(sample('applocker.columns.csv')).split('\r\n');
    const text = [lines[0], lines[1], lines[2], '"2026-01-01T00:00:00Z","8003"', lines[3], '"2026-01-01T00:00:00Z","8003","unterminated'].join('\r\n');
    const r = run('short.csv', enc(text));
    expect(r.applocker.map((e) => e.eventId)).toEqual([8003, 8023]);
    expect(r.errors.map((d) => [d.code, d.location?.kind === 'text' && d.location.line])).toEqual([
      ['events.csv.bad-row', 4],
      ['events.csv.bad-row', 6],
    ]);
  });
});

describe('Event XML', () => {
  it('wevtutil output (roots concatenated, no wrapper)', () => {
    const r = run('applocker.wevtutil.xml', sample('applocker.wevtutil.xml'));
    expect(r.errors).toEqual([]);
    expect(r.applocker.map((e) => [e.eventId, e.recordId])).toEqual([[8002, 69257], [8006, 239]]);
  });
  it('a truncated document keeps the events before the cut and reports the cut event at its line', () => {
    const text = new TextDecoder().decode(sample('applocker.wevtutil.xml'));
    const cut = text.slice(0, text.indexOf('<Event xmlns', 10) + 300);
    const r = run('cut.xml', enc(cut));
    expect(r.applocker.map((e) => e.recordId)).toEqual([69257]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'events.xml.malformed', location: { kind: 'text', line: 1 } });
    expect(r.errors[0]!.message).toMatch(/^event at line 1 is not well-formed/);
  });
  it('a malformed event in the middle is one error; the next event is still read', () => {
    const a = '<Event><System><Provider Name="P"/><EventID>1</EventID><TimeCreated SystemTime="2026-01-01T00:00:00Z"/></System></Event>';
    const bad = '<Event><System><EventID>2</EventID></Sys></Event>';
    const r = run('mid.xml', enc(`<Events>\n${a}\n${bad}\n${a.replace('>1<', '>3<')}\n</Events>`));
    expect(r.events.map((e) => e.kind === 'event' && e.raw.eventId)).toEqual([1, 3]);
    expect(r.errors.length).toBeGreaterThanOrEqual(1);
    expect(r.errors[0]).toMatchObject({ code: 'events.xml.malformed', location: { line: 3 } });
  });
  it('rejects DTDs and entity declarations without expanding them', () => {
    const r = run('dtd.xml', enc('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<Event>&b;</Event>'));
    expect(r.events).toEqual([]);
    expect(r.errors).toMatchObject([{ code: 'events.xml.dtd-rejected', location: { line: 2, column: 1 } }]);
  });
  it('an element without EventID is an error, not an event; deep nesting is capped', () => {
    const r = run('noid.xml', enc('<Event><System><Provider Name="P"/></System></Event>'));
    expect(r.errors).toMatchObject([{ code: 'events.event.missing-field' }]);
    const deep = '<Event>' + '<a>'.repeat(200) + '</a>'.repeat(200) + '</Event>';
    const d = run('deep.xml', enc(deep));
    expect(d.errors).toMatchObject([{ code: 'events.limit.exceeded' }]);
  });
  it('legacy .evt and unknown content give one clear error', () => {
    const evt = new Uint8Array(64);
    evt.set([0x30, 0, 0, 0, 0x4c, 0x66, 0x4c, 0x65]);
    expect(run('old.evt', evt).errors).toMatchObject([{ code: 'events.format.evt-legacy' }]);
    expect(run('x.bin', enc('hello world')).errors).toMatchObject([{ code: 'events.format.unknown' }]);
  });
});
