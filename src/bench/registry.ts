/**
 * Benchmark registry: each entry runs one hot path and prints its figures through `print`.
 * Bench modules live beside the code they measure (src/<room>/*.bench.ts).
 */
export interface Benchmark {
  readonly name: string;
  readonly title: string;
  run(print: (line: string) => void): Promise<void>;
}

export const benchmarks: Benchmark[] = [
  { name: 'engine', title: 'decide(): fast engine vs reference, 10,000-rule policy, 1,000,000 decisions', run: async (print) => (await import('../engine/decide.bench.js')).engineBenchmark.run(print) },
  { name: 'evtx', title: 'native EVTX reader vs evtxexport and evtx_dump.py (records/s, MB/s)', run: async (print) => (await import('../events/evtx/evtx.bench.js')).evtxBenchmark.run(print) },
  { name: 'policy-xml', title: 'AppLocker policy XML: parse + validate + serialize of 10,000 rules vs raw saxes', run: async (print) => (await import('../policy/xml.bench.js')).policyXmlBench.run(print) },
  { name: 'authenticode', title: 'Authenticode SHA-256 image hash vs sha256sum', run: async (print) => (await import('../fileinfo/authenticode.bench.js')).authenticodeBenchmark.run(print) },
  { name: 'store', title: 'evidence store: ingest events/s vs parse-only; readiness over 1M/10M stored events (SQLite, PostgreSQL)', run: async (print) => (await import('../store/ingest.bench.js')).storeBenchmark.run(print) },
  { name: 'scan', title: 'reference-computer scan of 10,000 PE files vs find | xargs sha256sum', run: async (print) => (await import('../fileinfo/scan.bench.js')).scanBench.run(print) },
  { name: 'events-readers', title: 'text event exports (ECS, Event XML, CSV, NXLog, Wazuh): readEvents + normalisation vs the bare parser', run: async (print) => (await import('../events/readers/readers.bench.js')).eventReadersBenchmark.run(print) },
  { name: 'server', title: 'HTTP intake vs CLI ingest (events/s, zero lost); API p50/p99 for the overview and a GPO page over 1M (10M opt-in) events', run: async (print) => (await import('../server/server.bench.js')).serverBenchmark.run(print) },
  { name: 'readiness', title: 'readiness report for one GPO end to end (queries + analysis + text/HTML) vs the bare store queries', run: async (print) => (await import('../rollout/readiness.bench.js')).readinessBenchmark.run(print) },
];
