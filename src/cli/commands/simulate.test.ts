import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvents } from '../../events/index.js';
import { simulateEvents, simulateFleet } from '../../rollout/index.js';
import { runCliInProcess } from '../../../test-support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCliInProcess;

describe('lockstep simulate fleet', () => {
  it('writes every format so that the readers read back exactly the simulated events', async () => {
    const out = join(dir, 'sim');
    const r = await run(['simulate', 'fleet', '--seed', '5', '--out', out, '--machines', '9', '--days', '4', '--end', '2026-11-20', '--format', 'event-xml,ecs-json,csv', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.synthetic).toBe(true);
    const want = simulateEvents(simulateFleet({ seed: 5, machines: 9 }), { seed: 5, days: 4, end: '2026-11-20' });
    expect(summary.events).toBe(want.length);
    const key = (e: { computer: string; channel: string; recordId?: number; eventId: number; filePath?: string; fileHash?: string; userSid?: string; timeCreated: string }) =>
      [e.computer, e.channel, e.recordId, e.eventId, e.filePath, e.fileHash, e.userSid, e.timeCreated].join('|');
    const wantKeys = want.map(key).sort();
    const files = readdirSync(join(out, 'evidence'));
    expect(files).toContain('SYNTHETIC.txt');
    for (const ext of ['.events.xml', '.ecs.ndjson', '.csv']) {
      const got: string[] = [];
      for (const f of files.filter((x) => x.endsWith(ext))) {
        expect(f.startsWith('synthetic-')).toBe(true);
        for (const item of readEvents({ name: f, bytes: readFileSync(join(out, 'evidence', f)) })) {
          expect(item.kind === 'error' ? item.diagnostic.message : 'ok').toBe('ok');
          if (item.kind === 'event' && item.applocker) got.push(key(item.applocker));
        }
      }
      expect({ ext, events: got.sort() }).toEqual({ ext, events: wantKeys });
    }
    expect(readFileSync(join(out, 'evidence', files.find((f) => f.endsWith('.events.xml'))!), 'utf8')).toContain('SYNTHETIC');
  });

  it('is deterministic and rejects bad options', async () => {
    const a = await run(['simulate', 'fleet', '--seed', '9', '--out', join(dir, 'a'), '--machines', '6', '--days', '2', '--end', '2026-11-20']);
    const b = await run(['simulate', 'fleet', '--seed', '9', '--out', join(dir, 'b'), '--machines', '6', '--days', '2', '--end', '2026-11-20']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    for (const f of readdirSync(join(dir, 'a', 'evidence'))) {
      expect(readFileSync(join(dir, 'b', 'evidence', f), 'utf8')).toBe(readFileSync(join(dir, 'a', 'evidence', f), 'utf8'));
    }
    expect((await run(['simulate', 'fleet', '--seed', '1', '--out', join(dir, 'c'), '--format', 'evtx'])).code).toBe(1);
    expect((await run(['simulate', 'fleet', '--seed', '1', '--out', join(dir, 'c'), '--machines', '0'])).code).toBe(1);
  });
});
