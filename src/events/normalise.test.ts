import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusSkipReason, eventExports, hasCorpus, readCorpus } from '../../test-support/corpus.js';
import type { AppLockerEvent } from './applocker-event.js';
import { isAppLockerEvent, normaliseAppLockerEvent, normaliseGuid, normaliseHash, normaliseLogonId, outcomeOf } from './normalise.js';
import type { RawEvent } from './raw-event.js';
import { readEvents, type EventReadResult } from './readers/index.js';

function read(rel: string): EventReadResult[] {
  return [...readEvents({ name: rel.split('/').pop()!, bytes: readCorpus(rel) })];
}

function onlyAppLocker(rel: string): AppLockerEvent {
  const rs = read(rel);
  const evs = rs.filter((r) => r.kind === 'event');
  expect(rs.filter((r) => r.kind === 'error')).toEqual([]);
  expect(evs).toHaveLength(1);
  const ev = evs[0]!;
  if (ev.kind !== 'event' || !ev.applocker) throw new Error(`${rel}: not recognised as AppLocker`);
  return ev.applocker;
}

describe.skipIf(!hasCorpus)(`real AppLocker events normalise to their fields${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  it('Event XML 8002 (EvtxECmd map): unbraced RuleId, dashed hash, time without T/Z', () => {
    const e = onlyAppLocker(eventExports.xml8002);
    expect(e).toMatchObject({
      eventId: 8002, outcome: 'allowed', collection: 'Exe', policyName: 'EXE',
      channel: 'Microsoft-Windows-AppLocker/EXE and DLL', computer: 'xxxxxxxxxxx',
      timeCreated: '2019-11-07T22:15:09.5660628Z', recordId: 69257, provider: 'Microsoft-Windows-AppLocker',
      userSid: 'xxxxxx', targetProcessId: 6348,
      ruleId: '{4BAD95F0-8229-4341-8515-A693D3506806}', ruleName: "(Default Rule) All Exe's",
      ruleSddl: 'D:(XA;;FX;;;S-1-1-0;(APPID://PATH Contains "*"))',
      filePath: '%SYSTEM32%\\RDPCLIP.EXE',
      fileHash: '10678DA838A4B1656061153679FDC4413B26C4D5EDF2C13AB7661BEB4EED6081',
      fqbn: { publisherName: 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US', productName: 'MICROSOFT WINDOWS OPERATING SYSTEM', binaryName: 'RDPCLIP.EXE', binaryVersion: '6.3.9600.19393' },
    });
    expect(e.targetLogonId).toBeUndefined();
    expect(e.fullFilePath).toBeUndefined();
  });

  it('Event XML 8005: SCRIPT allowed, `-` Fqbn is no FQBN, FullFilePath kept', () => {
    const e = onlyAppLocker(eventExports.xml8005);
    expect(e).toMatchObject({
      eventId: 8005, outcome: 'allowed', collection: 'Script', channel: 'Microsoft-Windows-AppLocker/MSI and Script',
      computer: 'Thunder.cloud.corp.com', timeCreated: '2019-12-03T01:37:17.856576200Z', recordId: 1,
      userSid: '[SID]', targetProcessId: 19768, targetLogonId: '0x3b3057',
      ruleId: '{ED97D0CB-15FF-430F-B82C-8D7832957725}', ruleName: '(Default Rule) All scripts',
      filePath: '%OSDRIVE%\\USERS\\THOR\\DOCUMENTS\\WINDOWSPOWERSHELL\\SCRIPTS\\GET-STUFF.PS1',
      fullFilePath: 'C:\\Users\\thor\\Documents\\WindowsPowerShell\\Scripts\\get-stuff.ps1',
      fileHash: 'EE805925E38BFAB69D49FCCE20382EB01804A8F7F9897D98D44C945861CAE9A8',
    });
    expect(e.fqbn).toBeUndefined();
    expect(e.fqbnText).toBeUndefined();
  });

  it('Event XML 8020 (not well-formed): recovered with a located warning, packaged-app fields', () => {
    const rs = read(eventExports.xml8020Dirty);
    const warn = rs.find((r) => r.kind === 'warning');
    expect(warn?.kind === 'warning' && warn.diagnostic).toMatchObject({
      code: 'events.xml.recovered-ampersand', location: { kind: 'text', line: 26, column: 58 },
    });
    const e = onlyAppLocker(eventExports.xml8020Dirty);
    expect(e).toMatchObject({
      eventId: 8020, outcome: 'allowed', collection: 'Appx', policyName: 'APPX',
      channel: 'Microsoft-Windows-AppLocker/Packaged app-Execution', recordId: 52605, targetProcessId: 20176,
      timeCreated: '2019-12-03T00:38:37.962228500Z',
      ruleSddl: 'D:(XA;;FX;;;S-1-1-0;((Exists APPID://FQBN) && ((APPID://FQBN) >= ({"*\\*\\*",0}))))',
      packageName: 'MICROSOFT.AAD.BROKERPLUGIN',
      fqbn: { publisherName: 'CN=MICROSOFT WINDOWS, O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US', productName: 'MICROSOFT.AAD.BROKERPLUGIN', binaryName: 'APPX', binaryVersion: '1000.18362.449.00' },
    });
    expect(e.filePath).toBeUndefined();
  });

  it('ECS 8003: implicit deny (all-zero rule id), decimal TargetLogonId → hex', () => {
    const e = onlyAppLocker(eventExports.ecs8003);
    expect(e).toMatchObject({
      eventId: 8003, outcome: 'audited', collection: 'Exe', channel: 'Microsoft-Windows-AppLocker/EXE and DLL',
      computer: 'TOPSYLL.local', timeCreated: '2023-07-18T14:07:07.6373880Z', recordId: 149861,
      userSid: 'S-1-5-21-1133191089-1850170202-1535859923-200319', targetProcessId: 20056, targetLogonId: '0x14fcb7',
      ruleId: '{00000000-0000-0000-0000-000000000000}',
      filePath: '%OSDRIVE%\\USERS\\TOPSY\\APPDATA\\LOCAL\\GITHUBDESKTOP\\APP-3.1.2\\RESOURCES\\APP\\GIT\\MINGW64\\BIN\\GIT.EXE',
      fullFilePath: 'C:\\Users\\TOPSY\\AppData\\Local\\GitHubDesktop\\app-3.1.2\\resources\\app\\git\\mingw64\\bin\\git.exe',
      fileHash: '11D3940DE41D28E044CE45AB76A6D824E617D99B62C5FB44E37BE5CD7B0545F5',
      fqbn: { publisherName: 'O=JOHANNES SCHINDELIN, S=NORDRHEIN-WESTFALEN, C=DE', productName: 'GIT', binaryName: 'GIT.EXE', binaryVersion: '2.35.5.01' },
    });
    expect(e.ruleName).toBeUndefined();
    expect(e.ruleSddl).toBeUndefined();
  });

  it('ECS 8006: NUL artefacts stripped, upper-case hex logon id lower-cased, empty FQBN parts', () => {
    const e = onlyAppLocker(eventExports.ecs8006);
    expect(e).toMatchObject({
      eventId: 8006, outcome: 'audited', collection: 'Script', computer: 'el33t-b00k-1', recordId: 239,
      timeCreated: '2023-08-04T21:26:32.7572144Z', targetLogonId: '0x4c18f', targetProcessId: 25192,
      ruleId: '{00000000-0000-0000-0000-000000000000}',
      fileHash: 'D2A09AC074F8D326B4DCC8B8BE5BC003C41CCB6EB5FC35E13B73F834F2946B01',
      fqbn: { publisherName: 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US', productName: '', binaryName: '', binaryVersion: '0.0.0.00' },
    });
    expect(JSON.stringify(e)).not.toContain('\\u0000');
  });

  it('ECS 8020 and 8023: packaged-app execution and deployment, numbers given as strings', () => {
    const run = onlyAppLocker(eventExports.ecs8020);
    expect(run).toMatchObject({
      eventId: 8020, outcome: 'allowed', collection: 'Appx', channel: 'Microsoft-Windows-AppLocker/Packaged app-Execution',
      recordId: 2986, targetProcessId: 41864, packageName: 'MICROSOFT.TODOS',
      ruleId: '{A9E18C21-FF8F-43CF-B9FC-DB40EED693BA}', ruleName: '(Default Rule) All signed packaged apps',
      fqbn: { productName: 'MICROSOFT.TODOS', binaryName: 'APPX', binaryVersion: '2.100.61791.00' },
    });
    const install = onlyAppLocker(eventExports.ecs8023);
    expect(install).toMatchObject({
      eventId: 8023, outcome: 'allowed', collection: 'Appx', channel: 'Microsoft-Windows-AppLocker/Packaged app-Deployment',
      computer: 'WIN1012009LL.local', recordId: 6269, packageName: 'Microsoft.BingNews', timeCreated: '2023-08-15T14:12:32.6801945Z',
      ruleSddl: 'D:(XA;;FX;;;S-1-1-0;((Exists APPID://FQBN) && ((APPID://FQBN) >= ({"*\\*\\*",0}))))',
    });
  });

  it('HelloForBusiness EventID 8025 (.evtx) is not AppLocker', () => {
    const rs = read(eventExports.helloForBusinessEvtx);
    const evs = rs.flatMap((r) => (r.kind === 'event' ? [r] : []));
    const e8025 = evs.find((r) => r.raw.eventId === 8025);
    expect(e8025?.raw.provider).toBe('Microsoft-Windows-HelloForBusiness');
    expect(e8025?.applocker).toBeUndefined();
    expect(evs.every((r) => r.applocker === undefined)).toBe(true);
  });

  it('the cleared-log .evtx names AppLocker channels in its payload but holds no AppLocker event', () => {
    const rs = read(eventExports.clearedLogEvtx);
    const evs = rs.flatMap((r) => (r.kind === 'event' ? [r] : []));
    expect(evs).toHaveLength(91);
    expect(evs.filter((r) => Object.values(r.raw.data).some((v) => v.startsWith('Microsoft-Windows-AppLocker/')))).toHaveLength(4);
    expect(evs.filter((r) => r.applocker)).toHaveLength(0);
  });
});

const base: RawEvent = {
  provider: 'Microsoft-Windows-AppLocker', eventId: 8004, timeCreated: '2026-01-01T00:00:00Z',
  channel: 'Microsoft-Windows-AppLocker/EXE and DLL', computer: 'pc1', data: { PolicyName: 'DLL' }, source: 't:1',
};

describe('recognition and field rules (applocker.md §9)', () => {
  it('recognises by provider name, by GUID, or by channel when the provider is unknown', () => {
    expect(isAppLockerEvent(base)).toBe(true);
    expect(isAppLockerEvent({ ...base, provider: '', providerGuid: 'cbda4dbf-8d5d-4f69-9578-be14aa540d22' })).toBe(true);
    expect(isAppLockerEvent({ ...base, provider: '' })).toBe(true);
    expect(isAppLockerEvent({ ...base, provider: '', channel: 'Application' })).toBe(false);
    expect(isAppLockerEvent({ ...base, provider: 'Microsoft-Windows-HelloForBusiness', channel: 'Microsoft-Windows-HelloForBusiness/Operational' })).toBe(false);
    // forwarded events keep their provider
    expect(isAppLockerEvent({ ...base, channel: 'ForwardedEvents' })).toBe(true);
  });

  it('event id gives the outcome; PolicyName gives the collection', () => {
    expect([8002, 8003, 8004, 8005, 8006, 8007, 8020, 8021, 8022, 8023, 8024, 8025, 8027, 8001].map(outcomeOf)).toEqual([
      'allowed', 'audited', 'blocked', 'allowed', 'audited', 'blocked', 'allowed', 'audited', 'blocked', 'allowed', 'audited', 'blocked', 'blocked', 'other',
    ]);
    expect(normaliseAppLockerEvent(base)).toMatchObject({ outcome: 'blocked', collection: 'Dll' });
    expect(normaliseAppLockerEvent({ ...base, data: { PolicyName: 'MANAGEDINSTALLER' } })?.collection).toBe('ManagedInstaller');
    expect(normaliseAppLockerEvent({ ...base, eventId: 8002, data: {} })?.collection).toBeUndefined();
    expect(normaliseAppLockerEvent({ ...base, eventId: 8025, data: {} })?.collection).toBe('Appx');
  });

  it('normalises ids, hashes and logon ids; empty hash is none; TargetUser falls back to Security/@UserID', () => {
    expect(normaliseGuid('4bad95f0-8229-4341-8515-a693d3506806')).toBe('{4BAD95F0-8229-4341-8515-A693D3506806}');
    expect(normaliseHash('0xab-cd')).toBe('ABCD');
    expect(normaliseHash('')).toBeUndefined();
    expect(normaliseLogonId('999')).toBe('0x3e7');
    expect(normaliseLogonId('0X3E7')).toBe('0x3e7');
    const e = normaliseAppLockerEvent({ ...base, securityUserId: 'S-1-5-18', data: { FileHash: '', FileHashLength: '0', Fqbn: '-', RuleName: '-' } });
    expect(e?.fileHash).toBeUndefined();
    expect(e?.fqbn).toBeUndefined();
    expect(e?.ruleName).toBeUndefined();
    expect(e?.userSid).toBe('S-1-5-18');
  });

  it('returns canonical hex logon ids as they are, the same as the BigInt round trip', () => {
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'.split('')), minLength: 1, maxLength: 18 });
    fc.assert(
      fc.property(hex, fc.constantFrom('0x', '0X'), (h, prefix) => {
        expect(normaliseLogonId(prefix + h)).toBe('0x' + BigInt('0x' + h).toString(16));
      }),
      { numRuns: 500 },
    );
    expect(normaliseLogonId('0x0')).toBe('0x0');
    expect(normaliseLogonId('0x000')).toBe('0x0');
  });
});
