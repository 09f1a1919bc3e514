import { describe, expect, it } from 'vitest';
import { corpusSkipReason, eventExports, hasCorpus, readCorpus } from '../../test-support/corpus.js';
import type { EventElement, RawEvent } from './raw-event.js';
import { rawEventFromElement } from './raw-event-from-element.js';
import { readEvents } from './readers/index.js';

function raws(rel: string): { events: RawEvent[]; errors: number } {
  let errors = 0;
  const events: RawEvent[] = [];
  for (const r of readEvents({ name: rel.split('/').pop()!, bytes: readCorpus(rel) })) {
    if (r.kind === 'event') events.push(r.raw);
    else if (r.kind === 'error') errors++;
  }
  return { events, errors };
}

/** JSON with sorted keys: field order is not part of a RawEvent's meaning. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
const strip = ({ source: _s, ...rest }: RawEvent): Omit<RawEvent, 'source'> => rest;
// XML 1.0 §2.11 end-of-line handling: a parser reads a literal CRLF in the exported text as LF, while the
// binary EVTX value keeps the CR. That is the only normalisation applied before comparing.
const eol = (e: RawEvent): Omit<RawEvent, 'source'> => {
  const { data, ...rest } = strip(e);
  return { ...rest, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.replace(/\r\n?/g, '\n')])) };
};

describe.skipIf(!hasCorpus)(`Windows-rendered XML and the .evtx it came from flatten to the same RawEvents${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  for (const [xml, evtx, count] of [
    [eventExports.windowsApplicationXml, 'NickSmet__ts-evtx/test/fixtures/Application.evtx', 366],
    [eventExports.windowsSystemXml, 'NickSmet__ts-evtx/test/fixtures/System.evtx', 1247],
  ] as const) {
    it(`${xml.split('/').pop()}: ${count} events, equal to ${evtx.split('/').pop()} record by record`, () => {
      const fromXml = raws(xml);
      const fromEvtx = raws(evtx);
      expect(fromXml.errors).toBe(0);
      expect(fromXml.events).toHaveLength(count);
      expect(fromEvtx.events).toHaveLength(count);
      const byId = new Map(fromEvtx.events.map((e) => [e.recordId, e]));
      const other = (e: RawEvent): Omit<RawEvent, 'source'> | undefined => {
        const o = byId.get(e.recordId);
        return o && eol(o);
      };
      const diffs = fromXml.events.filter((e) => canonical(strip(e)) !== canonical(other(e)));
      expect(diffs.slice(0, 2).map((e) => [strip(e), other(e)])).toEqual([]);
    });
  }
});

describe('rawEventFromElement', () => {
  const el = (name: string, children: EventElement[] = [], attributes: Array<[string, string]> = [], text = ''): EventElement => ({ name, children, attributes, text });
  const leaf = (name: string, text = '', attributes: Array<[string, string]> = []): EventElement => ({ name, children: [], attributes, text });
  it('flattens EventData (named, unnamed, Binary) and UserData leaves; times to ISO UTC', () => {
    const ev = el('Event', [
      el('System', [leaf('Provider', '', [['Name', 'P']]), leaf('EventID', '7', [['Qualifiers', '16384']]), leaf('TimeCreated', '', [['SystemTime', '2019-11-07 22:15:09.5660628']]), leaf('EventRecordID', '12'), leaf('Channel', 'Application'), leaf('Computer', 'pc'), leaf('Security', '', [['UserID', 'S-1-5-18']])]),
      el('EventData', [leaf('Data', 'a', [['Name', 'X']]), leaf('Data', 'b'), leaf('Data', 'c'), leaf('Binary', '00FF')]),
    ]);
    const { raw, diagnostics } = rawEventFromElement(ev, 's');
    expect(diagnostics).toEqual([]);
    expect(raw).toEqual({
      provider: 'P', eventId: 7, timeCreated: '2019-11-07T22:15:09.5660628Z', recordId: 12, channel: 'Application', computer: 'pc',
      securityUserId: 'S-1-5-18', data: { X: 'a', Data: 'b', 'Data[2]': 'c', Binary: '00FF' }, source: 's',
    });
    const ud = el('Event', [el('System', [leaf('EventID', '104')]), el('UserData', [el('LogFileCleared', [leaf('Channel', 'Microsoft-Windows-AppLocker/EXE and DLL')])])]);
    expect(rawEventFromElement(ud, 's').raw?.data).toEqual({ Channel: 'Microsoft-Windows-AppLocker/EXE and DLL' });
  });
  it('a missing or bad EventID is a located error and no event', () => {
    const bad = rawEventFromElement(el('Event', [el('System', [leaf('EventID', 'x1')])]), 's', { file: 'f.xml', line: 3, column: 1 });
    expect(bad.raw).toBeUndefined();
    expect(bad.diagnostics).toMatchObject([{ code: 'events.event.bad-field', location: { kind: 'text', file: 'f.xml', line: 3 } }]);
    expect(rawEventFromElement(el('Foo'), 's').diagnostics[0]?.code).toBe('events.event.missing-field');
  });
});
