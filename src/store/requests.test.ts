/**
 * The request log and webhook outbox (migration 0005) on SQLite and, when LOCKSTEP_TEST_PG_URL is set,
 * PostgreSQL: round trip, compare-and-set (two approvers at once: one wins), the outbox's once-only enqueue
 * and its due / delivered / failed bookkeeping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { proposeRule, transition, type AccessRequest } from '../rollout/requests/index.js';
import pg from 'pg';
import { openRequestStore, type RequestStore } from './requests.js';

const url = process.env.LOCKSTEP_TEST_PG_URL;
if (!url) process.stderr.write('NOTE: LOCKSTEP_TEST_PG_URL is not set: the PostgreSQL request store test is skipped\n');

/** A fresh schema of the test database (postgres.test.ts does the same; importing it would re-run its suite). */
async function freshSchemaUrl(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `lockstep_req_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { url: u.toString(), drop: () => admin(`DROP SCHEMA ${schema} CASCADE`) };
}
const dir = mkdtempSync(join(tmpdir(), 'lockstep-requests-'));
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const d of drops) await d();
  rmSync(dir, { recursive: true, force: true });
});

function request(id: string, gpo = 'AppLocker - Finance'): AccessRequest {
  const file = { collection: 'Exe' as const, path: '%OSDRIVE%\\TOOLS\\T.EXE', hash: 'AB'.repeat(32) };
  const p = proposeRule(file, { gpo, requestId: id });
  if (!p.ok) throw new Error('rule');
  const t = '2026-11-21T09:00:00.000Z';
  return { id, state: 'new', source: 'manual', requester: 'jamie', justification: 'x', createdAt: t, updatedAt: t, gpo, group: 'Finance', scopeSid: 'S-1-1-0', file, proposal: { type: p.type, rule: p.rule, collection: 'Exe', reason: p.reason, lint: [], eventsAllowed: 3, filesAllowed: 1 }, transitions: [{ from: 'new', to: 'new', action: 'create', actor: 'jamie', time: t }] };
}

async function exercise(s: RequestStore): Promise<void> {
  const r = request('REQ-00000001');
  expect(await s.createRequest(r)).toBe(true);
  expect(await s.createRequest(r)).toBe(false);
  await s.createRequest(request('REQ-00000002', 'AppLocker - Engineering'));
  expect(await s.getRequest('REQ-00000001')).toEqual(r);
  expect(await s.getRequest('REQ-NOPE')).toBeUndefined();
  const now = new Date('2026-11-21T10:00:00Z');
  const bob = transition(r, { action: 'approve', actor: 'bob', now });
  const alice = transition(r, { action: 'reject', actor: 'alice', now, comment: 'no' });
  if (!bob.ok || !alice.ok) throw new Error('transition');
  // Both read the request at 1 transition; the first write wins, the second finds it moved.
  expect(await s.updateRequest(bob.value, 1)).toBe(true);
  expect(await s.updateRequest(alice.value, 1)).toBe(false);
  expect((await s.getRequest('REQ-00000001'))?.state).toBe('approved');
  expect((await s.listRequests({ state: 'approved' })).map((x) => x.id)).toEqual(['REQ-00000001']);
  expect((await s.listRequests({ gpo: 'applocker - engineering' })).map((x) => x.id)).toEqual(['REQ-00000002']);
  expect((await s.listRequests()).length).toBe(2);

  const msgs = [{ eventKey: 'request.approved:REQ-00000001:2:http://127.0.0.1:1/h', endpoint: 'http://127.0.0.1:1/h', kind: 'request.approved', body: '{"a":1}' }];
  expect(await s.enqueue(msgs, '2026-11-21T10:00:00.000Z')).toBe(1);
  expect(await s.enqueue(msgs, '2026-11-21T10:00:01.000Z')).toBe(0);
  const due = await s.due('2026-11-21T10:00:00.000Z', 10);
  expect(due.map((m) => [m.kind, m.body, m.attempts])).toEqual([['request.approved', '{"a":1}', 0]]);
  await s.markFailed(due[0]!.id, 'connect ECONNREFUSED', '2026-11-21T10:00:30.000Z');
  expect(await s.due('2026-11-21T10:00:10.000Z', 10)).toEqual([]);
  const again = await s.due('2026-11-21T10:00:30.000Z', 10);
  expect(again[0]).toMatchObject({ attempts: 1, lastError: 'connect ECONNREFUSED' });
  await s.markDelivered(again[0]!.id, '2026-11-21T10:00:31.000Z');
  expect(await s.due('2099-01-01T00:00:00.000Z', 10)).toEqual([]);
  expect((await s.outbox())[0]).toMatchObject({ attempts: 2, deliveredAt: '2026-11-21T10:00:31.000Z' });
}

describe('request store', () => {
  it('SQLite: round trip, compare-and-set, outbox; survives a reopen', async () => {
    const file = join(dir, 'e.db');
    const s = await openRequestStore(file);
    try {
      await exercise(s);
    } finally {
      await s.close();
    }
    const again = await openRequestStore(file);
    try {
      expect((await again.getRequest('REQ-00000001'))?.state).toBe('approved');
    } finally {
      await again.close();
    }
  });

  it.skipIf(!url)('PostgreSQL: round trip, compare-and-set, outbox', async () => {
    const fresh = await freshSchemaUrl(url!);
    drops.push(fresh.drop);
    const s = await openRequestStore(fresh.url);
    try {
      await exercise(s);
    } finally {
      await s.close();
    }
  });
});
