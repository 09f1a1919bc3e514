/**
 * Issue 12 regressions for the ingest walk and reads, each from a generated input: a symlink loop, a FIFO
 * (would block forever), `/dev/zero` (never ends), a file over the cap, and one hostile file among good
 * ones (the batch goes on: the good files' events are stored).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatEvents } from '../events/index.js';
import { ingestPaths } from './ingest.js';
import { InputFileError, readInputFile, walkInputs } from './input-files.js';
import { openStore } from './open.js';
import { syntheticEvents } from './synthetic-events.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-input-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const all = { maxBytes: 1 << 20, accept: () => true };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof InputFileError ? e.diagnostic.code : `raw ${(e as Error).name}`;
  }
}

describe('walkInputs', () => {
  it('walks a symlink loop once and reports it', () => {
    const root = join(dir, 'loop');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'a', 'b', 'x.json'), '{}\n');
    symlinkSync(join(root, 'a'), join(root, 'a', 'b', 'back'));
    symlinkSync('self', join(root, 'self'));
    const r = walkInputs([root], all);
    expect(r.files.map((f) => f.path)).toEqual([join(root, 'a', 'b', 'x.json')]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['store.input.symlink-loop', 'store.ingest.unreadable']));
    expect(r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('refuses a FIFO and a character device given as paths, and never opens one found in a folder', () => {
    const fifoDir = join(dir, 'fifo');
    mkdirSync(fifoDir);
    const fifo = join(fifoDir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const r = walkInputs([fifo, '/dev/zero'], all);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['store.input.not-regular', 'error'], ['store.input.not-regular', 'error']]);
    expect(r.diagnostics[1]!.message).toMatch(/`\/dev\/zero` is a character device/);
    const inFolder = walkInputs([fifoDir], all);
    expect(inFolder.files).toEqual([]);
    expect(inFolder.diagnostics[0]).toMatchObject({ code: 'store.input.not-regular', severity: 'warning' });
  });

  it('caps the bytes read from a special file when asked to read it', () => {
    expect(codeOf(() => readInputFile('/dev/zero', { maxBytes: 4096 }))).toBe('store.input.not-regular');
    expect(codeOf(() => readInputFile('/dev/zero', { maxBytes: 3 << 20, allowSpecial: true }))).toBe('store.ingest.too-large');
    expect(codeOf(() => readInputFile('/dev/urandom', { maxBytes: 1 << 20, allowSpecial: true }))).toBe('store.ingest.too-large');
  });

  it('refuses a file over the cap before reading it, and never asks fs for more than 2 GiB', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(10_000, 0x20));
    expect(codeOf(() => readInputFile(big, { maxBytes: 9_999 }))).toBe('store.ingest.too-large');
    expect(readInputFile(big, { maxBytes: 10_000 }).length).toBe(10_000);
    expect(codeOf(() => readInputFile(join(dir, 'nope'), { maxBytes: 10 }))).toBe('store.ingest.unreadable');
    expect(codeOf(() => readInputFile(dir, { maxBytes: 10 }))).toBe('store.ingest.unreadable');
  });
});

describe('ingest of a folder with one hostile file', () => {
  it('stores the good files\' events; the hostile one is a located error', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    const events = syntheticEvents(20);
    writeFileSync(join(folder, 'a-good.ndjson'), formatEvents(events.slice(0, 10), 'ecs-json'));
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    writeFileSync(join(folder, 'b-deep.ndjson'), formatEvents(events.slice(10, 11), 'ecs-json').replace(/"winlog":\{/, `"winlog":{"junk":${deep},`));
    writeFileSync(join(folder, 'c-good.xml'), formatEvents(events.slice(11), 'event-xml'));
    const store = await openStore(join(dir, 'mixed.db'), { create: true });
    try {
      const r = await ingestPaths(store, [folder]);
      expect(r.totals.eventsStored).toBe(19);
      const deepFile = r.files.find((f) => f.path.endsWith('b-deep.ndjson'))!;
      expect(deepFile.errors).toBe(1);
      expect(deepFile.diagnostics[0]).toMatchObject({ code: 'events.json.too-deep', location: { file: deepFile.path, line: 1 } });
    } finally {
      await store.close();
    }
  });
});
