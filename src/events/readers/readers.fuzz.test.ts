import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEvents, type EventFormat } from './index.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const samples: Array<[string, EventFormat]> = [
  ['applocker.nxlog.json', 'nxlog-json'],
  ['applocker.wazuh.json', 'wazuh-json'],
  ['applocker.columns.csv', 'csv'],
  ['applocker.xml-column.csv', 'csv'],
  ['applocker.wevtutil.xml', 'event-xml'],
];

/** Every result is an event or a diagnostic with a code, a message and a location; nothing throws. */
function checkAll(name: string, bytes: Uint8Array, format?: EventFormat): number {
  let n = 0;
  for (const r of readEvents({ name, bytes }, format ? { format } : {})) {
    n++;
    if (r.kind !== 'event') {
      expect(r.diagnostic.code).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
      expect(r.diagnostic.message).not.toMatch(/\.$/);
      expect(r.diagnostic.location).toBeDefined();
    } else expect(typeof r.raw.eventId).toBe('number');
  }
  return n;
}

describe('text readers on damaged input: typed, located diagnostics, no throw', () => {
  for (const [file, format] of samples) {
    const good = readFileSync(join(testdata, file));
    it(`${file}: truncated at every 97th byte and bit-flipped`, () => {
      for (let cut = 0; cut < good.length; cut += 97) checkAll(file, good.subarray(0, cut), format);
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }), (flips) => {
          const b = Uint8Array.from(good);
          for (const [at, bit] of flips) b[at]! ^= 1 << bit;
          expect(checkAll(file, b, format)).toBeGreaterThan(0);
        }),
        { numRuns: 40 },
      );
    });
  }
  it('random bytes and random text, detected or forced to each format', () => {
    const formats: EventFormat[] = ['event-xml', 'ecs-json', 'nxlog-json', 'wazuh-json', 'csv'];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(undefined, ...formats), (bytes, format) => {
        expect(checkAll('random.bin', bytes, format)).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'<>/="\',{}[]:\n\r Event EventID System Data 8003 &;#x'.split('')), maxLength: 300 }), fc.constantFrom(...formats), (text, format) => {
        checkAll('random.txt', new TextEncoder().encode(text), format);
      }),
      { numRuns: 200 },
    );
  });
});
