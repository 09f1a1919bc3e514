/**
 * The child process of the kill test (ingest.kill.test.ts): ingests one export into one store (SQLite or PostgreSQL) and
 * says `ready` once the store is open, so the parent can SIGKILL it at a seeded random moment mid-ingest.
 * Bundled by the test with rolldown (Node 20 cannot run .ts), run as `node child.mjs DB FILE BATCH`.
 */
import { ingestPaths } from '../ingest.js';
import { openStore } from '../open.js';

const [db, file, batch] = process.argv.slice(2);
if (!db || !file) {
  process.stderr.write('usage: kill-child DB FILE [BATCH]\n');
  process.exit(2);
}
const store = await openStore(db, { create: true });
process.stdout.write('ready\n');
// One line per committed batch lets the parent aim its kills inside the ingest, not before or after it.
const r = await ingestPaths(store, [file], {
  batchSize: Number(batch ?? 500),
  onProgress: (p) => process.stdout.write(`stored ${p.eventsStored}\n`),
});
await store.close();
process.stdout.write(`${JSON.stringify(r.totals)}\n`);
