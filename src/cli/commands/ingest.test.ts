/**
 * `lockstep ingest` and `lockstep store` run in-process through main(): exit codes, --json shapes,
 * idempotence visible in the summary, unreadable paths.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatEvents } from '../../events/index.js';
import { syntheticEvents } from '../../store/synthetic-events.js';
import { migrations } from '../../store/migrations/index.js';
import { runCli } from '../../../test-support/cli.js';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('lockstep ingest / store', () => {
  const exportFile = join(dir, 'fleet.ndjson');
  writeFileSync(exportFile, formatEvents(syntheticEvents(300, { seed: 5, computers: 10, users: 10, files: 20, days: 3, startDay: '2026-11-01' }), 'ecs-json'));
  const db = join(dir, 'ws', '.lockstep', 'evidence.db');

  it('ingests, then re-ingests as duplicates only (--json)', async () => {
    expect(await main(['ingest', '--store', db, '--json', exportFile])).toBe(0);
    const first = JSON.parse(stdout);
    expect(first.totals).toEqual({ files: 1, recordsRead: 300, eventsStored: 300, duplicates: 0, nonAppLocker: 0, errors: 0, logClears: 0, errorsByCode: {} });
    expect(first.files[0]).toMatchObject({ format: 'ecs-json', completed: true });
    stdout = '';
    expect(await main(['ingest', '--store', db, '--json', exportFile])).toBe(0);
    expect(JSON.parse(stdout).totals).toMatchObject({ eventsStored: 0, duplicates: 300 });
  });

  it('prints a per-file table and reports a missing path with exit 1', async () => {
    expect(await main(['ingest', '--store', db, exportFile, join(dir, 'nope.evtx')])).toBe(1);
    expect(stdout).toMatch(/fleet\.ndjson\s+ecs-json\s+300\s+0\s+300\s+0\s+0/);
    expect(stdout).toMatch(/total \(1 files\)/);
    expect(stderr).toContain('store.ingest.unreadable');
  });

  it('store info and migrate report the schema and contents', async () => {
    expect(await main(['store', 'info', '--store', db, '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'sqlite', schemaVersion: migrations[migrations.length - 1]!.version, events: 300, sources: 1 });
    stdout = '';
    expect(await main(['store', 'migrate', '--store', db])).toBe(0);
    expect(stdout).toContain('0001 initial');
    expect(stdout).toContain(`schema version ${migrations[migrations.length - 1]!.version}, up to date`);
  });

  it('--workspace stores into the store the workspace names', async () => {
    const ws = join(dir, 'workspace');
    expect(await main(['init', ws])).toBe(0);
    stdout = '';
    expect(await main(['ingest', '--workspace', ws, '--json', exportFile])).toBe(0);
    expect(JSON.parse(stdout).totals.eventsStored).toBe(300);
    stdout = '';
    expect(await main(['store', 'info', '--store', join(ws, '.lockstep', 'evidence.db'), '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ events: 300 });
    expect(await main(['ingest', '--workspace', join(dir, 'no-workspace'), exportFile])).toBe(3);
  });

  it('a bad --batch-size is a tool failure', async () => {
    expect(await main(['ingest', '--store', db, '--batch-size', 'x', exportFile])).toBe(1);
    expect(stderr).toContain('--batch-size');
  });

  it('help ends in examples', async () => {
    expect(await main(['ingest', '--help'])).toBe(0);
    expect(stdout).toMatch(/Examples:\n\s+\$ lockstep ingest/);
  });

  it('outside a workspace, without --store or LOCKSTEP_STORE, refuses instead of creating .lockstep/ in the current folder', () => {
    const cwd = join(dir, 'not-a-workspace');
    mkdirSync(cwd);
    const env = { LOCKSTEP_STORE: '' };
    const r = runCli(['ingest', exportFile], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no evidence store given.*not a workspace/);
    expect(existsSync(join(cwd, '.lockstep'))).toBe(false);
  });

  it('a typo in --store of a reading command creates nothing and says so', async () => {
    const typo = join(dir, 'typo', 'evidnce.db');
    expect(await main(['store', 'info', '--store', typo])).toBe(1);
    expect(stderr).toMatch(/store\.open\.missing/);
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('refuses /dev/zero unless asked, and then stops at the size cap', async () => {
    expect(await main(['ingest', '--store', join(dir, 'special.db'), '/dev/zero'])).toBe(1);
    expect(stderr).toMatch(/`\/dev\/zero` is a character device, not a regular file/);
  });

  it('store check passes on a good store and exits 0', async () => {
    const s = join(dir, 'checked.db');
    expect(await main(['ingest', '--store', s, exportFile])).toBe(0);
    stdout = '';
    expect(await main(['store', 'check', '--store', s, '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, kind: 'sqlite' });
  });
});
