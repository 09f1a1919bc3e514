/**
 * Benchmark `server` (issue 13 "Measure"), over a SYNTHETIC simulated fleet:
 * 1. intake: the same ECS NDJSON exports stored by the CLI's ingest (`ingestPaths`, in-process: the
 *    baseline) and by shippers posting 2,000-line batches to `POST /api/events` on loopback (2 concurrent
 *    clients), each into its own empty SQLite store — events/s of both, the ratio (target ≥ 50 %), and the
 *    two stores' content digests, which must be equal (zero lost, zero duplicated);
 * 2. API latency: the baseline store inflated in SQL to 1M events (10M with LOCKSTEP_BENCH_10M=1) with the
 *    fleet's own computers, files and users, then p50/p99 of `GET /api/overview` and `GET /api/gpos/:gpo`
 *    through the real server with a session.
 * Figures taken on a shared machine are indicative.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addAccount, createToken, FAST_TEST_KDF } from '../app/index.js';
import { median } from '../bench/measure.js';
import { ingestPaths, openAccountStore, openStore, systemClock } from '../store/index.js';
import { startServer } from './serve.js';

const ROOT = join(import.meta.dirname ?? '.', '..', '..');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function intake(print: (l: string) => void, dir: string): Promise<string> {
  const machines = Number(process.env.LOCKSTEP_BENCH_SERVER_MACHINES ?? 60);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'lockstep.js'), 'simulate', 'fleet', '--seed', '7', '--out', dir, '--machines', String(machines), '--days', '30', '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const exports = readdirSync(join(dir, 'evidence')).filter((f) => f.endsWith('.ndjson')).map((f) => join(dir, 'evidence', f));
  const lines = exports.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
  print(`   SYNTHETIC fleet: ${machines} machines × 30 days, ${lines.length.toLocaleString('en-US')} events in ${exports.length} ECS NDJSON exports`);

  const cliStore = join(dir, '.lockstep', 'evidence.db');
  const a = await openStore(cliStore, { create: true });
  let t = performance.now();
  const s = await ingestPaths(a, exports);
  const cliSec = (performance.now() - t) / 1000;
  const cliDigest = await a.digest();
  await a.close();
  print(`   CLI ingest (baseline): ${s.totals.eventsStored.toLocaleString('en-US')} events in ${cliSec.toFixed(2)} s = ${Math.round(s.totals.eventsStored / cliSec).toLocaleString('en-US')} events/s`);

  const httpStore = join(dir, '.lockstep', 'intake.db');
  const acc = await openAccountStore(httpStore);
  await addAccount({ accounts: acc, clock: systemClock }, { name: 'shipper', role: 'analyst', password: 'bench-password-long', actor: 'bench', kdf: FAST_TEST_KDF });
  const tok = await createToken({ accounts: acc, clock: systemClock }, { account: 'shipper', name: 'bench', scopes: ['intake'], actor: 'bench' });
  await acc.close();
  if (!tok.ok) throw new Error('token');
  const srv = await startServer({ workspace: dir, store: httpStore, listen: '127.0.0.1:0', env: () => undefined });
  if (!srv.ok) throw new Error(JSON.stringify(srv.diagnostics));
  const batches: string[] = [];
  for (let i = 0; i < lines.length; i += 2000) batches.push(lines.slice(i, i + 2000).join('\n') + '\n');
  let stored = 0;
  let retried = 0;
  let next = 0;
  t = performance.now();
  const client = async () => {
    while (next < batches.length) {
      const b = batches[next++]!;
      for (;;) {
        const res = await fetch(`${srv.value.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${tok.value.token}`, 'content-type': 'application/x-ndjson' }, body: b });
        if (res.status === 429) { retried++; await new Promise((r) => setTimeout(r, 200)); continue; }
        if (res.status !== 200) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
        stored += ((await res.json()) as { stored: number }).stored;
        break;
      }
    }
  };
  await Promise.all([client(), client()]);
  const httpSec = (performance.now() - t) / 1000;
  await srv.value.close();
  const b = await openStore(httpStore, { create: true });
  const httpDigest = await b.digest();
  const httpCount = (await b.counts()).events;
  await b.close();
  print(`   HTTP intake (POST /api/events, 2,000-line batches, 2 clients): ${stored.toLocaleString('en-US')} events in ${httpSec.toFixed(2)} s = ${Math.round(stored / httpSec).toLocaleString('en-US')} events/s (${retried} batches retried after 429)`);
  print(`   ratio HTTP/CLI: ${((cliSec / httpSec) * 100).toFixed(0)} % (target ≥ 50 %); stores equal: ${httpDigest === cliDigest && httpCount === s.totals.eventsStored ? 'yes — zero lost, zero duplicated' : `NO (cli ${s.totals.eventsStored}, http ${httpCount})`}`);
  return cliStore;
}

/** Multiplies the store's events (same computers, files, users, days) up to `total`, and rebuilds the rollup. Copies are keyed by `total` too, so a store inflated to 1M can be inflated again to 10M. */
function inflate(file: string, total: number, print: (l: string) => void): void {
  const db = new Database(file);
  const n = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const k = Math.max(1, Math.ceil(total / n) - 1);
  const t = performance.now();
  db.transaction(() => {
    db.prepare(`WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < ${k})
      INSERT INTO events (dedup_key, time_created, computer_id, channel_id, user_id, file_key_id, rule_key_id, outcome, event_id, record_id, provider,
        target_process_id, target_logon_id, policy_name, rule_name, rule_sddl, package_name, source_id, source_ref)
      SELECT dedup_key || '#' || ${total} || ':' || k, time_created, computer_id, channel_id, user_id, file_key_id, rule_key_id, outcome, event_id, record_id, provider,
        target_process_id, target_logon_id, policy_name, rule_name, rule_sddl, package_name, source_id, source_ref FROM events, m`).run();
    db.prepare('DELETE FROM evidence_daily').run();
    db.prepare(`INSERT INTO evidence_daily (day, computer_id, file_key_id, user_id, outcome, rule_key_id, events, first_seen, last_seen)
      SELECT substr(time_created, 1, 10), computer_id, file_key_id, user_id, outcome, rule_key_id, count(*), min(time_created), max(time_created)
      FROM events GROUP BY 1, 2, 3, 4, 5, 6`).run();
  })();
  db.prepare('ANALYZE').run();
  const now = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  db.close();
  print(`   store inflated in SQL to ${now.toLocaleString('en-US')} events (×${k + 1}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function latency(dir: string, store: string, print: (l: string) => void, runs: number): Promise<void> {
  const acc = await openAccountStore(store);
  await addAccount({ accounts: acc, clock: systemClock }, { name: 'viewer', role: 'viewer', password: 'bench-password-long', actor: 'bench', kdf: FAST_TEST_KDF });
  await acc.close();
  const srv = await startServer({ workspace: dir, store, listen: '127.0.0.1:0', env: () => undefined });
  if (!srv.ok) throw new Error(JSON.stringify(srv.diagnostics));
  try {
    const login = await fetch(`${srv.value.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'viewer', password: 'bench-password-long' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    for (const [label, path] of [['overview', '/api/overview'], ['GPO page (Finance)', `/api/gpos/${encodeURIComponent('AppLocker - Finance')}`]] as const) {
      const ts: number[] = [];
      for (let i = 0; i < runs + 1; i++) {
        const t = performance.now();
        const res = await fetch(`${srv.value.url}${path}`, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        await res.arrayBuffer();
        if (i > 0) ts.push(performance.now() - t); // the first request warms the caches
      }
      print(`   ${label}: p50 ${median(ts).toFixed(0)} ms, p99 ${pct(ts, 99).toFixed(0)} ms over ${runs} requests`);
    }
  } finally {
    await srv.value.close();
  }
}

export const serverBenchmark = {
  name: 'server',
  title: 'HTTP intake events/s vs CLI ingest of the same events (zero lost); API p50/p99 for the overview and a GPO page over 1M (10M opt-in) events',
  async run(print: (l: string) => void): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-server-'));
    try {
      print('-- intake vs CLI ingest (SQLite)');
      const store = await intake(print, join(dir, 'ws'));
      print('-- API latency over 1M events (SQLite)');
      inflate(store, 1_000_000, print);
      await latency(join(dir, 'ws'), store, print, 15);
      if (process.env.LOCKSTEP_BENCH_10M === '1') {
        print('-- API latency over 10M events (SQLite)');
        inflate(store, 10_000_000, print);
        await latency(join(dir, 'ws'), store, print, 10);
      } else print('-- 10M: skipped (set LOCKSTEP_BENCH_10M=1)');
      print('   (figures taken on a shared 2-core machine are indicative)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
