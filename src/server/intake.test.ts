/**
 * The event intake over real HTTP on loopback (issue 13 item 4, deployment.md §4): a shipper replaying a
 * batch three times stores it once (NDJSON as NXLog/Logstash send it, and Winlogbeat's gzip `_bulk`), the
 * `_bulk` answer has one item per action in order with 400 only on the bad item, the Beat's connect probes
 * succeed, a body over the limit is 413 and a full queue is 429.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAccount, createToken, FAST_TEST_KDF } from '../app/index.js';
import { seededWorkspace, type SeededWorkspace } from '../../test-support/server-fixture.js';
import { IntakeGate, startServer, type RunningServer } from './index.js';
import { openAccountStore, openStore, systemClock } from '../store/index.js';

let ws: SeededWorkspace;
let server: RunningServer;
let token: string;
let lines: string[];

beforeAll(async () => {
  ws = await seededWorkspace({ machines: 8, days: 14 });
  // A second, empty store the intake fills, so "stored once" is counted exactly.
  const store = join(ws.dir, '.lockstep', 'intake.db');
  const accounts = await openAccountStore(store);
  await addAccount({ accounts, clock: systemClock }, { name: 'shipper', role: 'analyst', password: 'shipper-password-long', actor: 'test', kdf: FAST_TEST_KDF });
  const t = await createToken({ accounts, clock: systemClock }, { account: 'shipper', name: 'winlogbeat', scopes: ['intake'], actor: 'test' });
  if (!t.ok) throw new Error('token');
  token = t.value.token;
  await accounts.close();
  const r = await startServer({ workspace: ws.dir, store, listen: '127.0.0.1:0', env: () => undefined, limits: { intakeBytes: 2 * 1024 * 1024 } });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  server = r.value;
  lines = readFileSync(join(ws.dir, 'evidence', 'synthetic-finance.ecs.ndjson'), 'utf8').split('\n').filter(Boolean);
});
afterAll(async () => {
  await server?.close();
  ws?.cleanup();
});

const count = async (): Promise<number> => {
  const s = await openStore(join(ws.dir, '.lockstep', 'intake.db'), { create: true });
  try {
    return (await s.counts()).events;
  } finally {
    await s.close();
  }
};

describe('POST /api/events', () => {
  it('a batch replayed three times is stored once; each answer counts stored and duplicate', async () => {
    const batch = lines.slice(0, 200).join('\n') + '\n';
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: batch });
      expect(res.status).toBe(200);
      answers.push(await res.json() as { stored: number; duplicate: number; rejected: number });
    }
    expect(answers[0]!.stored + answers[0]!.duplicate).toBe(200);
    expect(answers[0]!.stored).toBeGreaterThan(0);
    expect(answers[1]).toMatchObject({ stored: 0, duplicate: 200, rejected: 0 });
    expect(answers[2]).toMatchObject({ stored: 0, duplicate: 200, rejected: 0 });
    expect(await count()).toBe(answers[0]!.stored);
  });

  it('a JSON array (Logstash json_batch) and one object (Logstash json) are read too; garbage is 422 with a reason', async () => {
    const arr = `[${lines.slice(200, 210).join(',')}]`;
    const one = lines[210]!;
    const a = await fetch(`${server.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: arr });
    const o = await fetch(`${server.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: one });
    expect(((await a.json()) as { stored: number; duplicate: number }).stored).toBeGreaterThan(0);
    expect(o.status).toBe(200);
    const g = await fetch(`${server.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: 'hello' });
    expect(g.status).toBe(422);
    expect(((await g.json()) as { diagnostics: unknown[] }).diagnostics.length).toBe(1);
  });

  it('a body over the limit is 413', async () => {
    const big = lines.join('\n').repeat(Math.ceil((3 * 1024 * 1024) / lines.join('\n').length));
    const res = await fetch(`${server.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: big });
    expect(res.status).toBe(413);
  });
});

describe('Winlogbeat as Elasticsearch (/es)', () => {
  const apiKey = () => `ApiKey ${Buffer.from(token.replace('.', ':')).toString('base64')}`;
  it('answers the connect probes: version echoed, license active, pipelines present', async () => {
    const h = { authorization: apiKey(), 'user-agent': 'Elastic-Winlogbeat/8.14.3 (windows; amd64; abc; 2024-07-01)' };
    const root = (await (await fetch(`${server.url}/es/`, { headers: h })).json()) as { version: { number: string; build_flavor: string } };
    expect(root.version).toMatchObject({ number: '8.14.3', build_flavor: 'default' });
    const lic = (await (await fetch(`${server.url}/es/_license?human=false`, { headers: h })).json()) as { license: { status: string; type: string } };
    expect(lic.license).toMatchObject({ status: 'active', type: 'trial' });
    expect((await fetch(`${server.url}/es/_ingest/pipeline/winlogbeat-8.14.3-routing`, { headers: h })).status).toBe(200);
    expect((await fetch(`${server.url}/es/`, { headers: { 'user-agent': h['user-agent'] } })).status).toBe(401);
  });

  it('a gzip _bulk replayed three times is stored once, one item per action in order, 400 only on the bad one', async () => {
    const before = await count();
    const docs = lines.slice(300, 340);
    docs[5] = '{"winlog": broken';
    const body = docs.map((d) => `{"create":{"_index":"winlogbeat-8.14.3"}}\n${d}\n`).join('');
    const send = () => fetch(`${server.url}/es/_bulk?filter_path=errors,items.*.error,items.*.status`, { method: 'POST', headers: { authorization: apiKey(), 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'gzip' }, body: gzipSync(body) });
    const outs = [];
    for (let i = 0; i < 3; i++) {
      const res = await send();
      expect(res.status).toBe(200);
      outs.push((await res.json()) as { errors: boolean; items: Record<string, { status: number }>[]; lockstep: { stored: number; duplicate: number } });
    }
    const first = outs[0]!;
    expect(first.items).toHaveLength(40);
    expect(first.errors).toBe(true);
    first.items.forEach((it, i) => {
      expect(Object.keys(it)).toEqual(['create']);
      expect(it.create!.status).toBe(i === 5 ? 400 : 201);
    });
    expect(outs[1]!.lockstep.stored).toBe(0);
    expect(outs[2]!.lockstep.stored).toBe(0);
    expect(await count()).toBe(before + first.lockstep.stored);
    expect(first.lockstep.stored).toBeGreaterThan(0);
  });
});

describe('back-pressure', () => {
  it('the gate refuses a batch beyond its queue with busy (the server answers 429)', async () => {
    const g = new IntakeGate(1);
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const a = g.run(() => hold);
    const b = g.run(async () => 'b');
    expect(await g.run(async () => 'c')).toBe('busy');
    release();
    await a;
    expect(await b).toBe('b');
  });
});
