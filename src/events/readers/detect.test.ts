import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusFiles, corpusSkipReason, eventExports, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { detectEventFormat } from './detect.js';
import { formatEvents } from './write.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe.skipIf(!hasCorpus)(`format detection on every corpus event file${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  it('every .evtx is evtx, whatever its name', () => {
    const files = corpusFiles(['.evtx']);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect([f, detectEventFormat('renamed.bin', readCorpus(f).subarray(0, 65536))]).toEqual([f, 'evtx']);
  });
  it('the Event XML samples and the Windows-rendered exports are event-xml', () => {
    const xml = [eventExports.xml8002, eventExports.xml8005, eventExports.xml8020Dirty, eventExports.windowsApplicationXml, eventExports.windowsSystemXml];
    for (const f of xml) expect([f, detectEventFormat('x.txt', readCorpus(f).subarray(0, 65536))]).toEqual([f, 'event-xml']);
  });
  it('every Elastic test-events JSON is ecs-json', () => {
    const files = corpusFiles(['.json']).filter((f) => /test-events-.*applocker/.test(f));
    expect(files).toHaveLength(4);
    for (const f of files) expect([f, detectEventFormat('x', readCorpus(f))]).toEqual([f, 'ecs-json']);
  });
  it('the legacy .evt is evt-legacy; an AppLocker policy XML and an oracle text dump are unknown', () => {
    expect(detectEventFormat('SysEvent.Evt', readCorpus(eventExports.legacyEvt).subarray(0, 4096))).toBe('evt-legacy');
    expect(detectEventFormat('p.xml', readCorpus('nsacyber__AppLocker-Guidance/AppLocker Starter Policy/Windows10_AppLocker Starter Policy.xml'))).toBe('unknown');
    const dump = corpusFiles(['.evtxexport.txt'])[0]!;
    expect(detectEventFormat('a.txt', readCorpus(dump))).toBe('unknown');
  });
});

describe('format detection by content', () => {
  it('recognises the samples and the writers\' output', () => {
    expect(detectEventFormat('a', readFileSync(join(testdata, 'applocker.nxlog.json')))).toBe('nxlog-json');
    expect(detectEventFormat('a', readFileSync(join(testdata, 'applocker.wazuh.json')))).toBe('wazuh-json');
    expect(detectEventFormat('a', readFileSync(join(testdata, 'applocker.columns.csv')))).toBe('csv');
    expect(detectEventFormat('a', readFileSync(join(testdata, 'applocker.xml-column.csv')))).toBe('csv');
    expect(detectEventFormat('a', readFileSync(join(testdata, 'applocker.wevtutil.xml')))).toBe('event-xml');
    const ev = { eventId: 8003, outcome: 'audited', channel: 'c', computer: 'pc', timeCreated: '2026-01-01T00:00:00Z', provider: 'Microsoft-Windows-AppLocker' } as const;
    for (const f of ['event-xml', 'ecs-json', 'nxlog-json', 'wazuh-json', 'csv'] as const) expect(detectEventFormat('x', enc(formatEvents([ev], f)))).toBe(f);
  });
  it('UTF-16LE with BOM (PowerShell 5 Out-File) and garbage', () => {
    const s = '<Events><Event/></Events>';
    const b = new Uint8Array(2 + s.length * 2);
    b.set([0xff, 0xfe]);
    for (let i = 0; i < s.length; i++) b[2 + i * 2] = s.charCodeAt(i);
    expect(detectEventFormat('x', b)).toBe('event-xml');
    expect(detectEventFormat('x.json', enc('{"foo":1}'))).toBe('unknown');
    expect(detectEventFormat('x.evtx', new Uint8Array([1, 2, 3]))).toBe('unknown');
    expect(detectEventFormat('x.txt', enc('a,b\n1,2\n'))).toBe('unknown');
    expect(detectEventFormat('x.csv', enc('a,b\n1,2\n'))).toBe('csv'); // so the csv reader can name the missing columns
  });
});
