import { describe, expect, it } from 'vitest';
import { logClearOf } from '../log-clear.js';
import { filePathFromMessage, policyNameFor } from './applocker-message.js';
import { readEvents } from './index.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
function only(name: string, text: string) {
  const items = [...readEvents({ name, bytes: enc(text) })];
  expect(items.map((i) => i.kind)).toEqual(['event']);
  return items[0]!.kind === 'event' ? items[0]! : undefined;
}

describe('the AppLocker message as the last source of the payload (§9.2 templates insert %11 = FilePath)', () => {
  it('takes the path from each 8002–8007 template, never from anything else', () => {
    expect(filePathFromMessage('%OSDRIVE%\\USERS\\A\\X.EXE was allowed to run but would have been prevented from running if the AppLocker policy were enforced.')).toBe('%OSDRIVE%\\USERS\\A\\X.EXE');
    expect(filePathFromMessage('"%SYSTEM32%\\CMD.EXE was prevented from running."')).toBe('%SYSTEM32%\\CMD.EXE');
    expect(filePathFromMessage('%PROGRAMFILES%\\A B\\C.EXE was allowed to run.\r\n')).toBe('%PROGRAMFILES%\\A B\\C.EXE');
    expect(filePathFromMessage('- was allowed to run.')).toBeUndefined();
    expect(filePathFromMessage('The AppLocker policy was applied successfully to this computer.')).toBeUndefined();
    expect(policyNameFor('Microsoft-Windows-AppLocker/EXE and DLL', '%SYSTEM32%\\X.DLL')).toBe('DLL');
    expect(policyNameFor('Microsoft-Windows-AppLocker/MSI and Script', '%OSDRIVE%\\A.PS1')).toBe('SCRIPT');
    expect(policyNameFor('Microsoft-Windows-AppLocker/MSI and Script', '%OSDRIVE%\\A.MSI')).toBe('MSI');
  });

  it('nxlog: a record without the UserData fields gets FilePath and collection from Message; FQBN and hash stay absent', () => {
    const line = JSON.stringify({
      EventTime: '2026-11-10 09:15:02', Hostname: 'FIN-WS-0001.contoso.example', EventID: 8003, SourceName: 'Microsoft-Windows-AppLocker',
      Channel: 'Microsoft-Windows-AppLocker/EXE and DLL', RecordNumber: 812, UserID: 'S-1-5-21-1-2-3-1104', Severity: 'WARNING',
      Message: '%OSDRIVE%\\USERS\\ALEX\\APPDATA\\LOCAL\\FINCALC\\FINCALC.EXE was allowed to run but would have been prevented from running if the AppLocker policy were enforced.',
    });
    const e = only('x.nxlog.json', `${line}\n`)!.applocker!;
    expect(e).toMatchObject({ eventId: 8003, outcome: 'audited', collection: 'Exe', filePath: '%OSDRIVE%\\USERS\\ALEX\\APPDATA\\LOCAL\\FINCALC\\FINCALC.EXE', recordId: 812 });
    expect(e.fqbnText).toBeUndefined();
    expect(e.fileHash).toBeUndefined();
  });

  it('wazuh: reads the payload where the eventchannel decoder puts UserData (data.win.ruleAndFileData, `-` dropped)', () => {
    const alert = {
      timestamp: '2026-11-10T09:15:03.120+0000', agent: { id: '007', name: 'CC-WS-0003' }, decoder: { name: 'windows_eventchannel' },
      data: { win: {
        system: { providerName: 'Microsoft-Windows-AppLocker', providerGuid: '{cbda4dbf-8d5d-4f69-9578-be14aa540d22}', eventID: '8006', level: '3', systemTime: '2026-11-10T09:15:02.5512233Z', eventRecordID: '77', channel: 'Microsoft-Windows-AppLocker/MSI and Script', computer: 'CC-WS-0003.contoso.example', securityUserID: 'S-1-5-21-1-2-3-1201', severityValue: 'WARNING', message: '"%OSDRIVE%\\\\USERS\\\\KIM\\\\DOWNLOADS\\\\SETUP.PS1 was allowed to run but would have been prevented from running if the AppLocker policy were enforced."' },
        ruleAndFileData: { policyNameLength: '6', policyName: 'SCRIPT', ruleId: '{00000000-0000-0000-0000-000000000000}', ruleNameLength: '1', ruleSddlLength: '1', targetUser: 'S-1-5-21-1-2-3-1201', targetProcessId: '5120', filePathLength: '42', filePath: '%OSDRIVE%\\USERS\\KIM\\DOWNLOADS\\SETUP.PS1', fileHashLength: '32', fileHash: '0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9', fqbnLength: '1', targetLogonId: '0x5a3c1' },
      } },
    };
    const e = only('alerts.json', `${JSON.stringify(alert)}\n`)!.applocker!;
    expect(e).toMatchObject({ eventId: 8006, collection: 'Script', filePath: '%OSDRIVE%\\USERS\\KIM\\DOWNLOADS\\SETUP.PS1', fileHash: '0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9', userSid: 'S-1-5-21-1-2-3-1201', recordId: 77 });
    expect(e.fqbnText).toBeUndefined();
    expect(e.ruleName).toBeUndefined();
  });

  it('wazuh: a Security 1102 alert (data.win.logFileCleared) is a log clear', () => {
    const alert = { timestamp: '2026-11-17T13:30:00.000+0000', agent: { name: 'CC-WS-0009' }, data: { win: {
      system: { providerName: 'Microsoft-Windows-Eventlog', eventID: '1102', systemTime: '2026-11-17T13:30:00.1234567Z', eventRecordID: '48214', channel: 'Security', computer: 'CC-WS-0009.contoso.example' },
      logFileCleared: { subjectUserSid: 'S-1-5-21-1-2-3-500', subjectUserName: 'ADM.IT0001', subjectDomainName: 'CONTOSO', subjectLogonId: '0x3e7' },
    } } };
    const item = only('alerts.json', `${JSON.stringify(alert)}\n`)!;
    expect(item.applocker).toBeUndefined();
    expect(logClearOf(item.raw)).toEqual({ computer: 'CC-WS-0009.contoso.example', timeCreated: expect.stringMatching(/^2026-11-17T13:30:00/), eventId: 1102, log: 'Security', user: 'CONTOSO\\ADM.IT0001', recordId: 48214 });
  });
});
