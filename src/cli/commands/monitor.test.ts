/**
 * Issue 14's "done when" for monitoring on the demo (CLI in-process, SQLite): promote Finance (forced: an
 * approved application, Teams, lacks its rule), simulate life after enforcement, ingest it; `report monitor`
 * shows the blocks the simulator says happened (answers from the seed), flags the approved application as
 * critical with a rollback recommendation (exit 2) and fires the alert to a local webhook receiver, signed,
 * once (a re-run queues nothing new).
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as run } from '../../../test-support/cli.js';
import { SIGNATURE_HEADER, verifySignature } from '../../notify/index.js';
import { openRequestStore } from '../../store/index.js';

// `promote` records the promotion at the real clock's time, so the demo's audit period ends today and life
// after enforcement starts tomorrow (the simulator's default: the day after the promotion).
const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const plus = (days: number): string => new Date(Date.parse(`${today}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const END = plus(1);
const FIN = 'AppLocker - Finance';
let dir: string;
let ws: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-monitor-'));
  ws = join(dir, 'demo');
  const r = await run(['demo', ws, '--machines', '12', '--days', '15', '--end', END, '--json']);
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = () => ['--workspace', ws];

describe('report monitor on the demo (CLI, SQLite)', () => {
  it('promote → simulated blocks → report monitor shows them, flags the approved app, fires the alert once', async () => {
    const before = await run(['report', 'monitor', ...W(), '--now', `${plus(1)}T00:00:00Z`, '--json']);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).gpos.every((g: { promotion?: unknown }) => !g.promotion)).toBe(true);

    const p = await run(['promote', ...W(), '--gpo', FIN, '--since', '15d', '--actor', 'alice', '--force', '--reason', 'demo of life after enforcement']);
    expect(p.code, p.stderr).toBe(0);

    const after = join(dir, 'after');
    const sim = await run(['simulate', 'after-enforcement', ...W(), '--machines', '12', '--gpo', FIN, '--days', '5', '--out', after, '--json']);
    expect(sim.code, sim.stderr).toBe(0);
    const s = JSON.parse(sim.stdout);
    expect(s.from).toBe(plus(1));
    const expected = s.expected.find((e: { group: string }) => e.group === 'Finance');
    expect(expected.blocks).toBeGreaterThan(0);
    expect(Object.keys(expected.files).some((f) => f.endsWith('TEAMS.EXE'))).toBe(true);
    const ing = await run(['ingest', ...W(), after]);
    expect(ing.code, ing.stderr).toBe(0);
    // a simulated user asks for what blocked them: the request is made from its block event
    const asks = JSON.parse(readFileSync(join(after, 'requests.json'), 'utf8')).requests;
    expect(asks.length).toBe(s.requests);
    expect(asks.length).toBeGreaterThan(0);
    const ask = await run(['request', 'new', ...W(), '--event', join(after, 'request-001.event.ndjson'), '--requester', asks[0].requester, '--justification', asks[0].justification, '--json']);
    expect(ask.code, ask.stderr).toBe(0);
    expect(JSON.parse(ask.stdout).request).toMatchObject({ state: 'new', gpo: FIN, group: 'Finance', source: 'event' });

    const got: { body: string; sig: string | undefined }[] = [];
    const server = createServer((req, res) => {
      const c: Buffer[] = [];
      req.on('data', (x: Buffer) => c.push(x));
      req.on('end', () => { got.push({ body: Buffer.concat(c).toString('utf8'), sig: req.headers[SIGNATURE_HEADER] as string | undefined }); res.statusCode = 200; res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    process.env.LOCKSTEP_TEST_MONITOR_SECRET = 'm0nitor';
    try {
      const html = join(dir, 'monitor.html');
      const m = await run(['report', 'monitor', ...W(), '--gpo', FIN, '--since', '7d', '--now', `${plus(6)}T00:00:00Z`, '--json', '--html', html, '--webhook', hook, '--secret-env', 'LOCKSTEP_TEST_MONITOR_SECRET']);
      expect(m.code, m.stderr).toBe(2);
      const j = JSON.parse(m.stdout);
      expect(j.critical).toBe(true);
      const g = j.gpos[0];
      expect(g.promotion.actor).toBe('alice');
      const fin = g.groups.find((x: { group: string }) => x.group === 'Finance');
      // the figures are those the simulator counted from its own events
      expect(fin.blocks).toBe(expected.blocks);
      expect(fin.users.length).toBe(expected.users);
      expect(fin.computers.length).toBe(expected.computers);
      const byPath: Record<string, number> = {};
      for (const f of fin.files) byPath[f.filePath] = (byPath[f.filePath] ?? 0) + f.blocks;
      expect(byPath).toEqual(expected.files);
      const perDay: Record<string, number> = {};
      for (const d of fin.perDay) perDay[d.day] = (perDay[d.day] ?? 0) + d.blocks;
      expect(perDay).toEqual(expected.blocksPerDay);
      const teams = fin.files.filter((f: { filePath: string }) => f.filePath.endsWith('TEAMS.EXE'));
      expect(teams.length).toBeGreaterThan(0);
      expect(teams.every((f: { approvedApp?: string }) => f.approvedApp === 'Microsoft Teams (per-user install)')).toBe(true);
      expect(fin.rollbackRecommended).toBe(true);
      // readiness forecast these blocks from the audit period
      expect(fin.predictedBlocks).toBeGreaterThan(0);
      expect(j.alertsQueued).toBeGreaterThan(0);
      expect(j.delivery).toEqual({ delivered: j.alertsQueued, failed: 0 });
      expect(got.length).toBe(j.alertsQueued);
      expect(got.every((x) => verifySignature(x.body, 'm0nitor', x.sig))).toBe(true);
      expect(got.map((x) => JSON.parse(x.body).rule)).toContain('approved-blocked');
      expect(readFileSync(html, 'utf8')).toContain('rollback recommended');
      // alert_state keeps the last firing per rule × GPO × group
      const rs = await openRequestStore(join(ws, '.lockstep', 'evidence.db'));
      try {
        const states = await rs.alertStates();
        expect(states.map((x) => x.key)).toContain(`approved-blocked:${FIN}:Finance`);
        expect(JSON.parse(states.find((x) => x.key === `approved-blocked:${FIN}:Finance`)!.body).alert).toBe('approved-blocked');
      } finally {
        await rs.close();
      }

      const again = await run(['report', 'monitor', ...W(), '--gpo', FIN, '--since', '7d', '--now', `${plus(6)}T00:00:00Z`, '--json', '--webhook', hook, '--secret-env', 'LOCKSTEP_TEST_MONITOR_SECRET']);
      expect(again.code).toBe(2);
      expect(JSON.parse(again.stdout).alertsQueued).toBe(0);
      expect(got.length).toBe(j.alertsQueued);

      const text = await run(['report', 'monitor', ...W(), '--gpo', FIN, '--now', `${plus(6)}T00:00:00Z`]);
      expect(text.stdout).toContain('ROLLBACK RECOMMENDED');
      expect(text.stdout).toMatch(/CRITICAL Exe .*TEAMS\.EXE/);
    } finally {
      delete process.env.LOCKSTEP_TEST_MONITOR_SECRET;
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 120_000);
});
