/**
 * `npm run bench -- engine`: the fast engine against the reference on a generated 10,000-rule policy
 * (hash, publisher and path rules with exceptions, all five collections; applocker.md §3–§5) over a
 * realistic file mix (signed Windows and vendor files, unsigned profile files, scripts, installers,
 * packaged apps) and three principals. Prints compile time, decisions/s of the fast engine (files
 * prepared once, and raw FileInformation through the content-keyed prepare memo), each with the
 * decision cache as shipped (hit rate printed, cache cold at the start of every mix) and with the cache
 * disabled, and of the reference (on a sample, extrapolated), and the ratios. Not a timed test: it
 * prints, it does not assert.
 */
import type { Benchmark } from '../bench/registry.js';
import type { FileInformation } from '../policy/file-information.js';
import type { AppLockerPolicy, Rule, RuleCollection, RuleCollectionType } from '../policy/model.js';
import { compilePolicy } from './compile/pipeline.js';
import { decide, prepareFile } from './decide.js';
import { DEFAULT_ENVIRONMENT } from './environment.js';
import { EXAMPLE_USER_SID, administrator, standardUser } from './principal.js';
import { evaluateReference } from './reference.js';

const RULES = 10_000;
const DECISIONS = 1_000_000;
const REFERENCE_SAMPLE = 2_000;

/** Deterministic PRNG (mulberry32) so every run measures the same policy and files. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXT: Record<RuleCollectionType, string> = { Exe: 'exe', Dll: 'dll', Script: 'ps1', Msi: 'msi', Appx: 'appx', ManagedInstaller: 'exe' };
const SHARE: Array<[RuleCollectionType, number]> = [['Exe', 0.4], ['Dll', 0.25], ['Script', 0.15], ['Msi', 0.1], ['Appx', 0.1]];
const FINANCE = 'S-1-5-21-1000000000-1000000000-1000000000-5001';
const SIDS = ['S-1-1-0', 'S-1-1-0', 'S-1-1-0', 'S-1-5-32-545', 'S-1-5-32-544', FINANCE];

const vendor = (i: number): string => `O=VENDOR ${i}, L=CITY, S=STATE, C=US`;
const hex = (r: () => number): string => Array.from({ length: 64 }, () => '0123456789ABCDEF'[Math.floor(r() * 16)]).join('');

interface World { policy: AppLockerPolicy; files: FileInformation[] }

/** The generated policy and a file pool where about half the files hit some specific rule. */
export function generateWorld(seed = 1): World {
  const r = rng(seed);
  const files: FileInformation[] = [];
  const collections: RuleCollection[] = [];
  let n = 0;
  const id = (): string => `00000000-0000-4000-8000-${(n++).toString(16).padStart(12, '0')}`;
  for (const [type, share] of SHARE) {
    const ext = EXT[type];
    const rules: Rule[] = [];
    // The default-style rules first, as real policies have them.
    rules.push({ kind: 'FilePathRule', id: id(), name: 'windows', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', condition: { kind: 'FilePathCondition', path: '%WINDIR%\\*' }, exceptions: [{ kind: 'FilePathCondition', path: '%WINDIR%\\Temp\\*' }, { kind: 'FilePathCondition', path: '%WINDIR%\\Tasks\\*' }] });
    rules.push({ kind: 'FilePathRule', id: id(), name: 'program files', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', condition: { kind: 'FilePathCondition', path: '%PROGRAMFILES%\\*' }, exceptions: [] });
    rules.push({ kind: 'FilePathRule', id: id(), name: 'admins', description: '', userOrGroupSid: 'S-1-5-32-544', action: 'Allow', condition: { kind: 'FilePathCondition', path: '*' }, exceptions: [] });
    const count = Math.round(RULES * share) - 3;
    for (let i = 0; i < count; i++) {
      const sid = SIDS[Math.floor(r() * SIDS.length)]!;
      const action = r() < 0.1 ? 'Deny' as const : 'Allow' as const;
      const base = { id: id(), name: `${type} rule ${i}`, description: '', userOrGroupSid: sid, action };
      const kind = r();
      if (kind < 0.4) {
        const v = Math.floor(r() * 2000);
        const product = `PRODUCT ${i}`;
        const binary = `BIN${i}.${ext}`.toUpperCase();
        rules.push({
          ...base, kind: 'FilePublisherRule',
          condition: { kind: 'FilePublisherCondition', publisherName: vendor(v), productName: r() < 0.3 ? '*' : product, binaryName: r() < 0.5 ? '*' : binary, binaryVersionRange: { lowSection: r() < 0.5 ? '*' : '2.0.0.0', highSection: '*' } },
          exceptions: r() < 0.1 ? [{ kind: 'FilePathCondition', path: '%OSDRIVE%\\Users\\*\\Downloads\\*' }] : [],
        });
        files.push({ path: `C:\\Users\\u${i % 50}\\AppData\\Local\\Vendor${v}\\${binary}`, hashes: { SHA256: hex(r) }, publisher: { publisherName: vendor(v), productName: product, binaryName: binary, binaryVersion: `${1 + Math.floor(r() * 4)}.0.0.0` } });
      } else if (kind < 0.7) {
        const dir = `App${i}`;
        const path = r() < 0.6 ? `%PROGRAMFILES%\\${dir}\\*` : r() < 0.5 ? `%OSDRIVE%\\Tools\\${dir}\\*` : `%OSDRIVE%\\Users\\*\\AppData\\Local\\${dir}\\*`;
        rules.push({ ...base, kind: 'FilePathRule', condition: { kind: 'FilePathCondition', path }, exceptions: r() < 0.15 ? [{ kind: 'FilePathCondition', path: path.replace(/\*$/, 'Updates\\*') }] : [] });
        files.push({ path: path.replace('%PROGRAMFILES%', 'C:\\Program Files').replace('%OSDRIVE%', 'C:').replace('Users\\*', `Users\\u${i % 50}`).replace(/\*$/, `main.${ext}`), hashes: { SHA256: hex(r) } });
      } else {
        const hashes = Array.from({ length: 1 + Math.floor(r() * 3) }, () => hex(r));
        rules.push({ ...base, kind: 'FileHashRule', condition: { kind: 'FileHashCondition', fileHashes: hashes.map((h, k) => ({ type: 'SHA256', data: '0x' + h, sourceFileName: `f${i}-${k}.${ext}`, sourceFileLength: '1000' })) } });
        files.push({ path: `C:\\Users\\u${i % 50}\\Downloads\\f${i}.${ext}`, hashes: { SHA256: hashes[0]! } });
      }
    }
    collections.push({ type, enforcementMode: r() < 0.5 ? 'Enabled' : 'AuditOnly', rules });
    // Files no specific rule names: Windows files (signed by Microsoft), unknown profile files.
    for (let i = 0; i < count / 2; i++) {
      files.push({ path: `C:\\Windows\\System32\\sys${i}.${ext}`, hashes: { SHA256: hex(r) }, publisher: { publisherName: 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US', productName: 'MICROSOFT® WINDOWS® OPERATING SYSTEM', binaryName: `SYS${i}.${ext}`.toUpperCase(), binaryVersion: '10.0.19041.1' } });
      files.push({ path: `C:\\Users\\u${i % 50}\\AppData\\Roaming\\unknown${i}.${ext}`, hashes: { SHA256: hex(r) } });
    }
  }
  return { policy: { version: '1', ruleCollections: collections }, files };
}

function rate(n: number, ms: number): string {
  return `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} decisions/s`;
}

/**
 * The order files are decided in. `zipf`: executions in a fleet follow a Zipf-like law (a few hundred
 * system and line-of-business binaries make most of the events), rank weights 1/(k+1), ranks shuffled
 * over the pool; `uniform`: every file equally often (no locality for CPU caches; its ~60,000 (file,
 * principal) pairs recur every 60,000 decisions, which the 131,072-entry decision cache mostly holds,
 * so the no-cache line is the cache-hostile figure); `machine`: one machine's working set of 300 files,
 * the cache-friendly case (replaying one host's evidence).
 */
function drawOrder(poolSize: number, n: number, kind: 'zipf' | 'uniform' | 'machine', seed = 7): Int32Array {
  const out = new Int32Array(n);
  if (kind === 'machine') {
    // One machine's working set: 300 distinct files spread over the pool, each equally often.
    for (let i = 0; i < n; i++) out[i] = ((i % 300) * 7919) % poolSize;
    return out;
  }
  if (kind === 'uniform') {
    for (let i = 0; i < n; i++) out[i] = (i * 7919) % poolSize;
    return out;
  }
  const r = rng(seed);
  const cdf = new Float64Array(poolSize);
  let sum = 0;
  for (let k = 0; k < poolSize; k++) cdf[k] = sum += 1 / (k + 1);
  const perm = Int32Array.from({ length: poolSize }, (_, i) => i);
  for (let i = poolSize - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  for (let i = 0; i < n; i++) {
    const x = r() * sum;
    let lo = 0;
    let hi = poolSize - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    out[i] = perm[lo]!;
  }
  return out;
}

/** Wall time and CPU time of a loop (CPU time shows the cost when other processes share the cores). */
function timed(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

export const engineBenchmark: Benchmark = {
  name: 'engine',
  title: 'decide(): fast engine vs reference evaluator, 10,000-rule policy, 1,000,000 decisions',
  async run(print) {
    const { policy, files } = generateWorld();
    const principals = [standardUser(), standardUser(EXAMPLE_USER_SID, [FINANCE]), administrator()];
    const ruleCount = policy.ruleCollections.reduce((s, c) => s + c.rules.length, 0);
    print(`   policy: ${ruleCount} rules in ${policy.ruleCollections.length} collections; file pool ${files.length} distinct files`);

    const compileT = timed(() => compilePolicy(policy, DEFAULT_ENVIRONMENT));
    const compiled = compilePolicy(policy, DEFAULT_ENVIRONMENT);
    print(`   compile:   ${compileT.wall.toFixed(0)} ms wall, ${compileT.cpu.toFixed(0)} ms CPU`);
    let prepared = files.map((f) => prepareFile(f, DEFAULT_ENVIRONMENT));
    const prepT = timed(() => { prepared = files.map((f) => prepareFile(f, DEFAULT_ENVIRONMENT)); });
    print(`   prepare:   ${prepT.wall.toFixed(0)} ms for the ${files.length} files (once per file, reused across policies)`);

    const uncached = compilePolicy(policy, DEFAULT_ENVIRONMENT, { decisionCacheSize: 0 });
    for (let i = 0; i < 100_000; i++) {
      decide(compiled, prepared[i % prepared.length]!, principals[i % 3]!);
      decide(uncached, prepared[i % prepared.length]!, principals[i % 3]!);
    }
    print(`   decision cache: ${compiled.decisionCache.size.toLocaleString('en-US')} entries (2-way, exact key: prepared-file id × principal SID-set id), emptied before each mix`);

    const figures: Record<string, number> = {};
    const hitRate = (h: number, m: number): string => `${((100 * h) / Math.max(1, h + m)).toFixed(1)}%`;
    for (const kind of ['zipf', 'uniform', 'machine'] as const) {
      const order = drawOrder(files.length, DECISIONS, kind);
      for (const engine of [compiled, uncached]) {
        const cached = engine === compiled;
        engine.decisionCache.clear();
        const s0 = { ...engine.stats };
        const verdicts = { Allowed: 0, Denied: 0, AllowedByDefault: 0, DeniedByDefault: 0 };
        const t = timed(() => {
          for (let i = 0; i < DECISIONS; i++) verdicts[decide(engine, prepared[order[i]!]!, principals[i % 3]!).verdict]++;
        });
        figures[cached ? kind : `${kind}-nocache`] = DECISIONS / (t.cpu / 1000);
        const hits = engine.stats.cacheHits - s0.cacheHits;
        const misses = engine.stats.cacheMisses - s0.cacheMisses;
        print(`   fast, ${kind.padEnd(7)} mix, prepared files, ${cached ? `decision cache (hit rate ${hitRate(hits, misses)})` : 'no decision cache'}: ${rate(DECISIONS, t.wall)} wall (${rate(DECISIONS, t.cpu)} per CPU-second)`);
        print(`     verdicts ${JSON.stringify(verdicts)}`);
      }
      if (kind === 'zipf') {
        // Raw FileInformation as a replay hands it over: prepared through the policy's memo, keyed by
        // content (fileContentKey), so object identity plays no part; memo and cache start cold.
        const raw = compilePolicy(policy, DEFAULT_ENVIRONMENT);
        const u = timed(() => {
          for (let i = 0; i < DECISIONS; i++) decide(raw, files[order[i]!]!, principals[i % 3]!);
        });
        figures.unprepared = DECISIONS / (u.cpu / 1000);
        const st = raw.stats;
        print(`   fast, zipf    mix, raw FileInformation (prepare memo hit rate ${hitRate(st.preparedMemoHits, st.preparedOnTheFly)}, decision cache hit rate ${hitRate(st.cacheHits, st.cacheMisses)}): ${rate(DECISIONS, u.wall)} wall (${rate(DECISIONS, u.cpu)} per CPU-second)`);
      }
    }
    print(`     candidates per indexed decision: ${(uncached.stats.candidates / uncached.stats.indexedDecisions).toFixed(2)}`);

    const order = drawOrder(files.length, REFERENCE_SAMPLE, 'zipf');
    const rt = timed(() => {
      for (let i = 0; i < REFERENCE_SAMPLE; i++) evaluateReference(policy, files[order[i]!]!, principals[i % 3]!, DEFAULT_ENVIRONMENT);
    });
    // Ratios use CPU time: on a shared machine wall time swings with the load between the two runs.
    const refRate = REFERENCE_SAMPLE / (rt.cpu / 1000);
    print(`   reference, zipf mix: ${rate(REFERENCE_SAMPLE, rt.wall)} wall (${rate(REFERENCE_SAMPLE, rt.cpu)} per CPU-second; sample of ${REFERENCE_SAMPLE}, 1,000,000 would take ${(DECISIONS / refRate).toFixed(0)} CPU-s)`);
    const x = (k: string): string => `${(figures[k]! / refRate).toFixed(0)}x`;
    print(`   ratio fast/reference (CPU time), with decision cache: ${x('zipf')} zipf prepared, ${x('unprepared')} zipf raw FileInformation, ${x('uniform')} uniform, ${x('machine')} machine`);
    print(`   ratio fast/reference (CPU time), no decision cache:   ${x('zipf-nocache')} zipf prepared, ${x('uniform-nocache')} uniform, ${x('machine-nocache')} machine`);
  },
};
