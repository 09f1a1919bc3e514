/**
 * `npm run fuzz -- TARGET… [--runs N] [--seconds S] [--seed N] [--replay FILE]`: fuzzes parsers of untrusted
 * bytes (src/fuzz/targets.ts; `all` for every one), each input in a worker thread limited to 1 s and a
 * 256 MB heap. Prints per target: inputs run, inputs/s, refused (typed errors), findings (crash, hang, oom,
 * slow) with their reproducers under fuzz-crashes/, the slowest input and the peak heap. Exit: 0 no finding,
 * 1 usage, 2 a finding.
 */
import { fuzz, replay } from './engine.js';
import { targetByName, targets } from './targets.js';

const args = process.argv.slice(2);
const names: string[] = [];
let runs: number | undefined;
let seconds: number | undefined;
let seed = 1;
let replayFile: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const v = (): string => {
    const x = args[++i];
    if (x === undefined) usage(`${a} needs a value`);
    return x!;
  };
  if (a === '--runs') runs = Number(v());
  else if (a === '--seconds') seconds = Number(v());
  else if (a === '--seed') seed = Number(v());
  else if (a === '--replay') replayFile = v();
  else if (a === '--help' || a === '-h') usage();
  else names.push(a);
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`error: ${problem}\n`);
  process.stderr.write(`usage: npm run fuzz -- TARGET… [--runs N] [--seconds S] [--seed N] [--replay FILE]\ntargets: all, ${targets.map((t) => t.name).join(', ')}\n`);
  process.exit(problem ? 1 : 0);
}

if (names.length === 0) usage('name a target');
const chosen = names.includes('all') ? targets : names.map((n) => targetByName(n) ?? usage(`unknown target \`${n}\``));
if ((runs !== undefined && !(runs > 0)) || (seconds !== undefined && !(seconds > 0))) usage('--runs and --seconds take positive numbers');

if (replayFile) {
  for (const t of chosen) {
    const r = await replay(t, replayFile);
    process.stdout.write(`${t.name}: ${r.outcome} in ${r.ms.toFixed(1)} ms${r.message ? `\n${r.message}` : ''}\n`);
  }
  process.exit(0);
}

let found = false;
for (const t of chosen) {
  process.stdout.write(`== ${t.name}: ${t.title}\n`);
  const s = await fuzz(t, {
    mode: 'worker', seed, ...(runs !== undefined ? { runs } : {}), ...(seconds !== undefined ? { seconds } : {}),
    onProgress: (p) => process.stderr.write(`   … ${p.runs} inputs, ${(p.runs / (p.elapsedMs / 1000)).toFixed(0)}/s, ${p.findings.length} findings\n`),
  });
  if (s.seeds === 0) {
    process.stdout.write('   no seeds (corpus absent and no generated seeds): skipped\n');
    continue;
  }
  process.stdout.write(`   seeds ${s.seeds} (${s.corpusSeeds} from the corpus); ${s.runs} inputs in ${(s.elapsedMs / 1000).toFixed(1)} s (${(s.runs / (s.elapsedMs / 1000)).toFixed(0)}/s); ${s.refused} refused with diagnostics\n`);
  process.stdout.write(`   slowest input ${s.slowestMs.toFixed(1)} ms (${s.slowestInputBytes} bytes); peak worker heap ${(s.peakHeapBytes / 1024 / 1024).toFixed(1)} MB\n`);
  for (const f of s.findings) process.stdout.write(`   ${f.kind.toUpperCase()}: ${f.message}\n     reproducer: ${f.reproducer}\n`);
  if (s.findings.length) found = true;
  else process.stdout.write('   no crash, hang, out-of-memory or slow input\n');
}
process.exit(found ? 2 : 0);
