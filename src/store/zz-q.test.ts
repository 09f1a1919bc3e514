import { it } from 'vitest';
import { existsSync, appendFileSync } from 'node:fs';
import { openStore } from './open.js';
import { bulkSqlite, readinessFilter } from './ingest.bench.js';
import type { SqliteEvidenceStore } from './sqlite/sqlite-store.js';
const log = (s: string) => appendFileSync('/tmp/h6a-q.log', s + '\n');
it('q', async () => {
  const path = '/tmp/h6a-1m.db';
  const fresh = !existsSync(path);
  const s = (await openStore(path)) as SqliteEvidenceStore;
  if (fresh) await bulkSqlite(s, 1_000_000, log);
  const f = readinessFilter();
  for (let k = 0; k < 3; k++) {
    let t = performance.now();
    const w = await s.window(f); const tw = performance.now() - t; t = performance.now();
    const files = await s.files(f); const tf = performance.now() - t; t = performance.now();
    const d = await s.dailyCounts(f); const td = performance.now() - t;
    log(`window ${tw.toFixed(0)} files ${tf.toFixed(0)} daily ${td.toFixed(0)} (${w.events} ${files.length} ${d.length})`);
  }
  await s.close();
}, 1_200_000);
