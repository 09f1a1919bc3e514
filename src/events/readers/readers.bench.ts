/**
 * Benchmark (issue 5, "Measure", text exports): readEvents + AppLocker normalisation over 10,000 generated
 * AppLocker events written by formatEvents in each text format, in events/s and MB/s, against the bare
 * parse of the same bytes with no event logic measured in the same run (UTF-8 decoding, then JSON.parse per
 * line for the JSON formats, saxes with no handlers for Event XML, the RFC 4180 splitter alone for CSV). The ratio says what
 * event extraction and normalisation cost on top of the parser.
 * Run: `npm run bench -- events-readers`.
 */
import { SaxesParser } from 'saxes';
import type { Benchmark } from '../../bench/registry.js';
import { APPLOCKER_PROVIDER, type AppLockerEvent } from '../applocker-event.js';
import { csvRecords } from './csv.js';
import { readEvents } from './index.js';
import { formatEvents, type TextEventFormat } from './write.js';
import { medianMs } from '../../bench/measure.js';

const N = 10_000;

/** Deterministic audit-mode evidence: a fleet of 200 computers running 1,000 distinct files. */
export function generateEvents(n: number): AppLockerEvent[] {
  const out: AppLockerEvent[] = [];
  for (let i = 0; i < n; i++) {
    const f = i % 1000;
    out.push({
      eventId: 8003,
      outcome: 'audited',
      collection: 'Exe',
      channel: 'Microsoft-Windows-AppLocker/EXE and DLL',
      computer: `PC-${(i % 200).toString().padStart(4, '0')}.corp.contoso.com`,
      timeCreated: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('Z', '0000Z'),
      recordId: i + 1,
      provider: APPLOCKER_PROVIDER,
      userSid: `S-1-5-21-1133191089-1850170202-1535859923-${1000 + (i % 500)}`,
      targetProcessId: 1000 + (i % 30000),
      targetLogonId: '0x' + (0x72d47 + i).toString(16),
      policyName: 'EXE',
      ruleId: '{00000000-0000-0000-0000-000000000000}',
      filePath: `%OSDRIVE%\\USERS\\PUBLIC\\APP${f}\\TOOL${f}.EXE`,
      fullFilePath: `C:\\Users\\Public\\App${f}\\tool${f}.exe`,
      fileHash: (f * 2654435761).toString(16).toUpperCase().padStart(64, '0').slice(-64),
      fqbnText: `O=VENDOR ${f}, L=REDMOND, S=WASHINGTON, C=US\\PRODUCT ${f}\\TOOL${f}.EXE\\1.0.${f}.0`,
      fqbn: { publisherName: `O=VENDOR ${f}, L=REDMOND, S=WASHINGTON, C=US`, productName: `PRODUCT ${f}`, binaryName: `TOOL${f}.EXE`, binaryVersion: `1.0.${f}.0` },
    });
  }
  return out;
}



/** The bare parser over the same bytes, decoding included (readEvents takes bytes too). */
function baseline(format: TextEventFormat, bytes: Uint8Array): () => void {
  const decode = (): string => new TextDecoder().decode(bytes);
  switch (format) {
    case 'event-xml':
      return () => new SaxesParser().write(decode()).close();
    case 'csv':
      return () => {
        for (const _ of csvRecords(decode())) void _;
      };
    default:
      return () => {
        for (const line of decode().split('\n')) if (line) JSON.parse(line);
      };
  }
}

export const eventReadersBenchmark: Benchmark = {
  name: 'events-readers',
  title: 'text event exports: readEvents + AppLocker normalisation vs the bare parser (events/s, MB/s)',
  async run(print) {
    const events = generateEvents(N);
    print(`${N} AppLocker 8003 events per format; median of 3 runs; baseline = the bare parser on the same bytes`);
    for (const format of ['ecs-json', 'event-xml', 'csv', 'nxlog-json', 'wazuh-json'] as const) {
      const text = formatEvents(events, format);
      const bytes = new TextEncoder().encode(text);
      const mb = bytes.length / 1e6;
      let count = 0;
      const ours = medianMs(3, () => {
        count = 0;
        for (const r of readEvents({ name: `bench.${format}`, bytes })) if (r.kind === 'event' && r.applocker) count++;
      });
      if (count !== N) throw new Error(`${format}: read ${count} AppLocker events, wrote ${N}`);
      const base = medianMs(3, baseline(format, bytes));
      print(
        `${format.padEnd(11)} ${mb.toFixed(1).padStart(6)} MB  readEvents ${((N / ours) * 1000).toFixed(0).padStart(7)} events/s ${((mb / ours) * 1000).toFixed(1).padStart(6)} MB/s` +
          `  | bare parser ${((mb / base) * 1000).toFixed(1).padStart(6)} MB/s  | ratio ${(ours / base).toFixed(2)}x the parser's time`,
      );
    }
  },
};
