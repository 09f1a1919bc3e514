/**
 * Issue 12 regressions, each from a generated input: JSON nested past the depth cap (a raw RangeError
 * before), CSV with 200k (quoted) columns (53 s before: quadratic column lookup). Every case must end in
 * located diagnostics, never a throw, and the good records beside the bad one still come through.
 */
import { describe, expect, it } from 'vitest';
import { readEvents, type EventFormat, type EventReadResult } from './index.js';
import { jsonDepthExceeded } from './json-records.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

const ecsEvent = (filePath: string): string =>
  `{"@timestamp":"2026-11-01T10:00:00.000Z","winlog":{"event_id":8003,"provider_name":"Microsoft-Windows-AppLocker","channel":"Microsoft-Windows-AppLocker/EXE and DLL","computer_name":"PC1","event_data":{"FilePath":${filePath},"PolicyName":"EXE","TargetUser":"S-1-5-21-1-2-3-1001"}}}`;

function all(name: string, text: string, format?: EventFormat): EventReadResult[] {
  return Array.from(readEvents({ name, bytes: enc(text) }, format ? { format } : {}));
}

describe('hostile JSON', () => {
  it('finds the first offset past the depth cap, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeded('{"a":"[[[[[[[[[["}', 3)).toBe(-1);
    expect(jsonDepthExceeded('[[[[', 3)).toBe(3);
    expect(jsonDepthExceeded('{"a\\"[[[[":[1]}', 2)).toBe(-1);
  });

  it('refuses a 100k-deep payload field with a located error and keeps the next line', () => {
    const text = `${ecsEvent(deep(100_000))}\n${ecsEvent('"C:\\\\x.exe"')}\n`;
    const rs = all('deep.json', text);
    const errors = rs.filter((r) => r.kind === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.kind === 'error' && errors[0]!.diagnostic.code).toBe('events.json.too-deep');
    expect(errors[0]!.kind === 'error' && errors[0]!.diagnostic.location).toMatchObject({ file: 'deep.json', line: 1 });
    expect(rs.filter((r) => r.kind === 'event')).toHaveLength(1);
  });

  it('refuses a deep pretty-printed document as one error', () => {
    const rs = all('doc.json', `[\n${deep(200_000)}\n]`, 'ecs-json');
    expect(rs).toHaveLength(1);
    expect(rs[0]!.kind === 'error' && rs[0]!.diagnostic.code).toBe('events.json.too-deep');
  });

  it('accepts nesting up to the cap', () => {
    const rs = all('ok.json', `${ecsEvent('"x"').replace('"PolicyName"', `"extra":${deep(40)},"PolicyName"`)}\n`);
    expect(rs.filter((r) => r.kind === 'error')).toHaveLength(0);
  });
});

describe('hostile CSV', () => {
  it('reads 200k quoted cells in linear time and refuses the header by its column cap', () => {
    const cols = Array.from({ length: 200_000 }, (_, i) => `"c${i}"`).join(',');
    const rs = all('wide.csv', `TimeCreated,Id,${cols}\n2026-11-01T00:00:00Z,8003\n`);
    expect(rs).toHaveLength(1);
    expect(rs[0]!.kind === 'error' && rs[0]!.diagnostic.code).toBe('events.csv.too-many-columns');
  });

  it('reports a row of 200k quoted cells as a bad row without quadratic column lookups', () => {
    const cells = Array.from({ length: 200_000 }, () => '"x"').join(',');
    const rs = all('row.csv', `TimeCreated,Id,Message\n${cells}\n"2026-11-01T00:00:00Z","8003","C:\\x.exe was allowed to run."\n`);
    const errs = rs.filter((r) => r.kind === 'error');
    expect(errs).toHaveLength(1);
    expect(errs[0]!.kind === 'error' && errs[0]!.diagnostic.message).toMatch(/200000 cells/);
    expect(rs.filter((r) => r.kind === 'event')).toHaveLength(1);
  });

  it('still locates an unclosed quote by line and column after multi-line cells', () => {
    const rs = all('q.csv', 'TimeCreated,Id,Message\n"2026","8003","a\nb"\n"2026","8003","unclosed\n');
    const err = rs.find((r) => r.kind === 'error');
    expect(err && err.kind === 'error' && err.diagnostic.location).toMatchObject({ line: 4, column: 15 });
  });
});
