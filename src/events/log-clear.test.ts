import { describe, expect, it } from 'vitest';
import { corpusSkipReason, hasCorpus, readCorpus } from '../../test-support/corpus.js';
import { logClearOf } from './log-clear.js';
import { readEvents } from './readers/index.js';
import type { RawEvent } from './raw-event.js';

// Real events: a lab where an administrator cleared System, Application and Security (EVTX-to-MITRE-Attack).
const FILE = 'mdecrevoisier__EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1070.001-Clear Windows event logs/ID104-1102-Event log cleared.evtx';

function raw(over: Partial<RawEvent>): RawEvent {
  return { provider: 'Microsoft-Windows-Eventlog', eventId: 104, timeCreated: '2021-10-25T18:04:30.334Z', channel: 'System', computer: 'FS03.offsec.lan', data: {}, source: 't', ...over };
}

describe('log-cleared events (Security 1102, System 104)', () => {
  it('reads the cleared log and who cleared it from UserData/LogFileCleared', () => {
    expect(logClearOf(raw({ data: { SubjectUserName: 'admmig', SubjectDomainName: 'OFFSEC', Channel: 'Application' }, recordId: 5074 }))).toEqual({
      computer: 'FS03.offsec.lan', timeCreated: '2021-10-25T18:04:30.334Z', eventId: 104, log: 'Application', user: 'OFFSEC\\admmig', recordId: 5074,
    });
    expect(logClearOf(raw({ eventId: 1102, channel: 'Security', data: { SubjectUserName: 'admmig', SubjectDomainName: 'OFFSEC' } }))?.log).toBe('Security');
  });

  it('is not fooled by other providers or channels reusing the ids', () => {
    expect(logClearOf(raw({ provider: 'Microsoft-Windows-Kernel-Power' }))).toBeUndefined();
    expect(logClearOf(raw({ eventId: 1102, channel: 'Application', provider: 'MsiInstaller' }))).toBeUndefined();
    expect(logClearOf(raw({ eventId: 104, channel: 'Application' }))).toBeUndefined();
    expect(logClearOf(raw({ eventId: 105 }))).toBeUndefined();
  });

  it.skipIf(!hasCorpus)('finds every clear in a real EVTX file, as evtxexport lists them', () => {
    const clears = [];
    for (const r of readEvents({ name: FILE, bytes: readCorpus(FILE) })) {
      if (r.kind !== 'event') continue;
      const c = logClearOf(r.raw);
      if (c) clears.push(c);
    }
    // the python-evtx rendering beside the file: 104 for System then Application …, 1102 for Security
    const xml = readCorpus(`${FILE}.python-evtx.xml`).toString('utf8');
    const want104 = (xml.match(/<EventID Qualifiers="">104<\/EventID>/g) ?? []).length;
    const want1102 = (xml.match(/<EventID Qualifiers="">1102<\/EventID>/g) ?? []).length;
    expect(want104 + want1102).toBeGreaterThan(0);
    expect(clears.filter((c) => c.eventId === 104)).toHaveLength(want104);
    expect(clears.filter((c) => c.eventId === 1102)).toHaveLength(want1102);
    expect(clears[0]).toMatchObject({ computer: 'FS03.offsec.lan', eventId: 104, log: 'System', user: 'OFFSEC\\admmig', recordId: 5073 });
    expect(clears.find((c) => c.eventId === 1102)).toMatchObject({ log: 'Security', user: 'OFFSEC\\admmig', recordId: 109054 });
  });
  it.skipIf(hasCorpus)('corpus', () => console.warn(corpusSkipReason));
});
