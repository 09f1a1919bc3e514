/**
 * `npm run bench`: runs every room's benchmark and prints throughput with a ratio against a baseline
 * measured in the same run. Benchmarks are not timed tests: they print, they do not assert.
 * Pass names to run a subset: `npm run bench -- engine evtx`.
 */
import { benchmarks } from './registry.js';

const only = process.argv.slice(2);
for (const b of benchmarks) {
  if (only.length && !only.includes(b.name)) continue;
  process.stdout.write(`\n== ${b.name}: ${b.title}\n`);
  const t0 = performance.now();
  await b.run((line) => process.stdout.write(line + '\n'));
  process.stdout.write(`   (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
