/**
 * The byte path of jsonRecords (UTF-8 exports decoded line by line, the ingest fast path) must yield exactly
 * what the text path yields on `decodeText(bytes)`: same records, values, line numbers, errors. Oracle: the
 * text path, which the reader tests pin to the corpus.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonRecords } from './json-records.js';
import { readEcsJson } from './ecs-json.js';
import { decodeText, utf8Body } from './text.js';

const enc = new TextEncoder();

function both(bytes: Uint8Array, opts = {}): { viaText: unknown[]; viaBytes: unknown[] } {
  const body = utf8Body(bytes);
  expect(body).toBeDefined();
  return { viaText: [...jsonRecords(decodeText(bytes), 'f.json', opts)], viaBytes: [...jsonRecords(body!, 'f.json', opts)] };
}

// Pieces an NDJSON export is made of, including the awkward ones: CRLF, blank and whitespace-only lines,
// bad JSON, arrays, `{"events":[…]}` lines, non-ASCII, U+2028, invalid UTF-8 bytes, a pretty-printed document.
const piece = fc.constantFrom<Array<number> | string>(
  '{"a":1}', '{"winlog":{"event_id":8003,"channel":"c"}}', '[{"x":1},{"y":"é中😀"}]', '{"events":[{"z":2}]}',
  '{"s":"a\u2028b"}', '{bad json', '   ', '', '\r', '\t{"t":true}  ', '{\n  "pretty": 1\n}', 'null', '"str"',
  [0xe2, 0x82], [0xff], [0xc3, 0xa9], [0x0d],
);
const doc = fc.array(fc.tuple(piece, fc.constantFrom('\n', '\r\n', '')), { maxLength: 12 }).map((parts) => {
  const out: number[] = [];
  for (const [p, sep] of parts) {
    out.push(...(typeof p === 'string' ? enc.encode(p) : p), ...enc.encode(sep));
  }
  return new Uint8Array(out);
});

describe('jsonRecords over UTF-8 bytes', () => {
  it('yields the same records as over the decoded text (random NDJSON-ish files)', () => {
    fc.assert(
      fc.property(doc, fc.boolean(), (bytes, bom) => {
        const input = bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]) : bytes;
        const { viaText, viaBytes } = both(input);
        expect(viaBytes).toEqual(viaText);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the line limits and record limits of the text path', () => {
    const bytes = enc.encode('{"a":1}\n{"long":"' + 'x'.repeat(200) + '"}\r\n\n{"b":2}\n{"c":3}\n');
    const { viaText, viaBytes } = both(bytes, { maxRecordChars: 100, maxRecords: 2 });
    expect(viaBytes).toEqual(viaText);
    expect(viaBytes.map((r) => (r as { kind: string }).kind)).toEqual(['value', 'error', 'error']); // the long line counts as a record
  });

  it('leaves UTF-16 exports to the text path', () => {
    expect(utf8Body(new Uint8Array([0xff, 0xfe, 0x7b, 0x00]))).toBeUndefined();
    expect(utf8Body(new Uint8Array([0x7b, 0x00, 0x22, 0x00]))).toBeUndefined();
    expect(utf8Body(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b]))).toEqual(new Uint8Array([0x7b]));
  });

  it('reads the same ECS events from bytes as from text', () => {
    const line = '{"@timestamp":"2026-10-01T00:00:58Z","winlog":{"event_id":"8003","provider_name":"Microsoft-Windows-AppLocker","channel":"Microsoft-Windows-AppLocker/EXE and DLL","computer_name":"WS1","record_id":7,"event_data":{"A":"1","FilePath":"x"},"user_data":{"FilePath":"%OSDRIVE%\\\\A.EXE","PolicyName":"EXE"}}}';
    const bytes = enc.encode(`${line}\r\n\n${line.replace('WS1', 'WS2')}\n`);
    const a = [...readEcsJson(decodeText(bytes), 'e.json')];
    const b = [...readEcsJson(bytes, 'e.json')];
    expect(b).toEqual(a);
    expect(b).toHaveLength(2);
    const first = b[0] as { kind: string; raw: { data: Record<string, string> } };
    // user_data wins over event_data for a shared name, and keeps event_data's key order (as `{...a, ...b}` did)
    expect(Object.entries(first.raw.data)).toEqual([['A', '1'], ['FilePath', '%OSDRIVE%\\A.EXE'], ['PolicyName', 'EXE']]);
  });
});
