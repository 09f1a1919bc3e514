/**
 * `npm run bench -- readiness`: the readiness report for one GPO end to end (issue 6 "Measure"): the
 * store's EvidenceQuery calls + the analysis (effective policy, would-block, suggestions, verdict) + text and
 * HTML rendering (ECharts SSR), over a SYNTHETIC simulated fleet stored in SQLite (and PostgreSQL when
 * LOCKSTEP_BENCH_PG_URL is set). Baseline in the same run: the bare EvidenceQuery calls for the same
 * filter, so the ratio is what the analysis and rendering add. The store's own 1M/10M-event query figures
 * are in the `store` benchmark. Size: LOCKSTEP_BENCH_READINESS_MACHINES (default 120 machines × 30 days).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from '../bench/registry.js';
import { openStore, type EvidenceStore } from '../store/index.js';
import { analyseReadiness } from './analysis/readiness.js';
import { evidenceComputerNames, groupMachines } from './analysis/membership.js';
import { renderReadinessHtml } from './report/html.js';
import { renderReadinessText } from './report/text.js';
import { simulateEvents } from './simulate/events.js';
import { simulateFleet } from './simulate/fleet.js';
import { fleetInventory, fleetWorkspace } from './simulate/workspace.js';
import { median } from '../bench/measure.js';

const END = '2026-11-20';
const GPO = 'AppLocker - Finance';


async function measure(label: string, store: EvidenceStore, print: (l: string) => void, fleet: ReturnType<typeof simulateFleet>): Promise<void> {
  const workspace = fleetWorkspace(fleet);
  const inventory = fleetInventory(fleet);
  const policies = new Map(fleet.gpos.map((g) => [g.name, g.policyDocument]));
  const group = workspace.groups.find((g) => g.name === 'Finance')!;
  const filter = { since: '2026-10-21T00:00:00.000Z', until: `${END}T00:00:00.000Z`, computers: evidenceComputerNames(groupMachines(group, inventory), workspace.domain) };
  const base: number[] = [], full: number[] = [];
  let files = 0;
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    await Promise.all([store.window(filter), store.files(filter), store.dailyCounts(filter)]);
    base.push(performance.now() - t);
    t = performance.now();
    const r = await analyseReadiness({ workspace, inventory, policies, evidence: store, now: `${END}T00:00:00.000Z`, gpo: GPO });
    renderReadinessText(r);
    renderReadinessHtml(r);
    full.push(performance.now() - t);
    files = r.gpos[0]!.groups.reduce((s, g) => s + g.wouldBlock.length, 0);
  }
  const b = median(base), f = median(full);
  print(`   ${label}: report for one GPO (${GPO}, ${files} would-be-blocked files) median ${f.toFixed(0)} ms; bare EvidenceQuery calls ${b.toFixed(0)} ms; ratio ${(f / Math.max(b, 0.001)).toFixed(2)}×`);
}

export const readinessBenchmark: Benchmark = {
  name: 'readiness',
  title: 'readiness report for one GPO end to end (queries + analysis + text/HTML) vs the bare store queries',
  async run(print) {
    const machines = Number(process.env.LOCKSTEP_BENCH_READINESS_MACHINES ?? 120);
    const fleet = simulateFleet({ seed: 1, machines });
    let t = performance.now();
    const events = simulateEvents(fleet, { seed: 1, days: 30, end: END });
    print(`   simulated ${events.length.toLocaleString('en-US')} SYNTHETIC events (${machines} machines × 30 days) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-readiness-bench-'));
    try {
      const targets: Array<[string, string]> = [['SQLite', join(dir, 'evidence.db')]];
      if (process.env.LOCKSTEP_BENCH_PG_URL) targets.push(['PostgreSQL', process.env.LOCKSTEP_BENCH_PG_URL]);
      else print('   PostgreSQL skipped: set LOCKSTEP_BENCH_PG_URL to a scratch database');
      for (const [label, target] of targets) {
        const store = await openStore(target, { create: true });
        try {
          t = performance.now();
          const source = { path: 'bench:simulated', size: events.length, mtimeMs: 0 };
          for (let i = 0; i < events.length; i += 5000) await store.insertEvents(events.slice(i, i + 5000), source);
          print(`   ${label}: stored in ${((performance.now() - t) / 1000).toFixed(1)} s`);
          await measure(label, store, print, fleet);
        } finally {
          await store.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
