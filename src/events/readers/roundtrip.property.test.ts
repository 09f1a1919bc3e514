import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPLOCKER_PROVIDER, type AppLockerEvent } from '../applocker-event.js';
import { collectionOf, outcomeOf } from '../normalise.js';
import { readEvents } from './index.js';
import { formatEvents, type TextEventFormat } from './write.js';

// Text AppLocker could log: letters, path and SDDL punctuation, XML/CSV/JSON specials, non-ASCII, newlines.
const chars = fc.constantFrom(...'abcXYZ019 \\%.:;,"\'&<>{}()[]*=-_/#@®é中😀\n\t'.match(/./gsu)!);
const text = fc.string({ unit: chars, minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '-');
const word = fc.string({ unit: fc.constantFrom(...'ABCXYZ0189.=, ®-'.split('')), minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== '-');
const hex = (n: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'.split('')), minLength: n, maxLength: n });
const guid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((p) => `{${p.join('-')}}`);
const sid = fc.array(fc.integer({ min: 0, max: 4294967295 }), { minLength: 1, maxLength: 5 }).map((a) => `S-1-5-${a.join('-')}`);
const time = fc
  .tuple(fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.integer({ min: 0, max: 9999 }))
  .map(([ms, extra]) => new Date(ms).toISOString().slice(0, 23) + String(extra).padStart(4, '0') + 'Z');
const CHANNEL = { exe: 'Microsoft-Windows-AppLocker/EXE and DLL', msi: 'Microsoft-Windows-AppLocker/MSI and Script', run: 'Microsoft-Windows-AppLocker/Packaged app-Execution', install: 'Microsoft-Windows-AppLocker/Packaged app-Deployment' };

const event: fc.Arbitrary<AppLockerEvent> = fc
  .record(
    {
      eventId: fc.constantFrom(8002, 8003, 8004, 8005, 8006, 8007, 8020, 8021, 8022, 8023, 8024, 8025, 8027),
      exeKind: fc.constantFrom('EXE', 'DLL', 'MANAGEDINSTALLER'),
      msiKind: fc.constantFrom('MSI', 'SCRIPT'),
      computer: word,
      timeCreated: time,
      recordId: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
      userSid: fc.option(sid, { nil: undefined }),
      targetProcessId: fc.option(fc.integer({ min: 0, max: 4294967295 }), { nil: undefined }),
      targetLogonId: fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((b) => '0x' + b.toString(16)), { nil: undefined }),
      ruleId: fc.option(guid, { nil: undefined }),
      ruleName: fc.option(text, { nil: undefined }),
      ruleSddl: fc.option(text, { nil: undefined }),
      path: fc.option(text, { nil: undefined }),
      fullFilePath: fc.option(text, { nil: undefined }),
      fileHash: fc.option(hex(64), { nil: undefined }),
      fqbn: fc.option(fc.tuple(word, fc.string({ unit: chars, maxLength: 20 }).map((s) => s.replace(/^\s+|\s+$/g, '')), word, fc.option(word, { nil: '' })), { nil: undefined }),
    },
    { requiredKeys: ['eventId', 'exeKind', 'msiKind', 'computer', 'timeCreated'] },
  )
  .map((g) => {
    const id = g.eventId;
    const packaged = id >= 8020;
    const policyName = packaged ? 'APPX' : id <= 8004 ? g.exeKind : g.msiKind;
    const channel = id <= 8004 ? CHANNEL.exe : id <= 8007 ? CHANNEL.msi : id >= 8023 && id <= 8025 ? CHANNEL.install : CHANNEL.run;
    const [pub, prod, bin, ver] = g.fqbn ?? [];
    const e: Record<string, unknown> = {
      eventId: id,
      outcome: outcomeOf(id),
      collection: collectionOf(policyName, id),
      channel,
      computer: g.computer,
      timeCreated: g.timeCreated,
      recordId: g.recordId,
      provider: APPLOCKER_PROVIDER,
      userSid: g.userSid,
      targetProcessId: g.targetProcessId,
      targetLogonId: g.targetLogonId,
      policyName,
      ruleId: g.ruleId,
      ruleName: g.ruleName,
      ruleSddl: g.ruleSddl,
      ...(packaged ? { packageName: g.path } : { filePath: g.path, fullFilePath: g.fullFilePath, fileHash: g.fileHash }),
      ...(g.fqbn ? { fqbnText: [pub, prod, bin, ver].join('\\'), fqbn: { publisherName: pub, productName: prod, binaryName: bin, binaryVersion: ver } } : {}),
    };
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    return e as unknown as AppLockerEvent;
  });

const FORMATS: readonly TextEventFormat[] = ['event-xml', 'ecs-json', 'csv', 'nxlog-json', 'wazuh-json'];

describe('writers → readers round trip (property)', () => {
  for (const format of FORMATS) {
    it(`${format}: random AppLocker events read back equal`, () => {
      fc.assert(
        fc.property(fc.array(event, { minLength: 1, maxLength: 4 }), (events) => {
          const bytes = new TextEncoder().encode(formatEvents(events, format));
          const rs = [...readEvents({ name: `fleet.${format}`, bytes })];
          expect(rs.filter((r) => r.kind !== 'event')).toEqual([]);
          const back = rs.map((r) => {
            if (r.kind !== 'event' || !r.applocker) throw new Error('not read back as an AppLocker event');
            const { source: _source, ...rest } = r.applocker;
            return rest;
          });
          expect(back).toEqual(events);
        }),
        { numRuns: 60 },
      );
    });
  }
});
