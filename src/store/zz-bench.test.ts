import { it } from 'vitest';
import { appendFileSync } from 'node:fs';
import { storeBenchmark } from './ingest.bench.js';
it('bench', async () => { await storeBenchmark.run((l) => appendFileSync('/tmp/h6a-bench.log', l + '\n')); }, 3_600_000);
