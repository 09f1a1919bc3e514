/**
 * `lockstep simulate fleet`: the project's own SYNTHETIC sample data (issue 6 item 7) — a seeded,
 * deterministic fleet (business groups, machines in OUs, users, applications with publishers, versions and
 * hashes, some unsigned, some in user-writable folders), its workspace and GPO policies (AuditOnly), and the
 * AppLocker events those machines would log, decided by the engine, written in the export formats the
 * readers accept (events/readers/write.ts). Labelled synthetic: a SYNTHETIC.txt, file names, XML comments.
 * Also exports `writeSimulatedEvidence` for `lockstep demo`.
 * Exit codes: 0 written, 1 bad option or the folder cannot be written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatEvents, type AppLockerEvent, type TextEventFormat } from '../../events/index.js';
import { logClearsEventXml, simulateEvents, simulateLogClears, simulateFleet, SYNTHETIC_LABEL, type LogClear, type SimulatedFleet } from '../../rollout/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson } from '../output.js';
import { writeWorkspaceFiles } from './init.js';
import { registerAfterEnforcement } from './simulate-after.js';

/** Events per written file (a file per group is split in parts beyond this). */
export const EVENTS_PER_FILE = 100_000;
/** Events one `simulate fleet` run generates at most (they are held in memory before writing). */
export const MAX_SIMULATED_EVENTS = 3_000_000;

export const SIMULATE_FORMATS: readonly TextEventFormat[] = ['event-xml', 'ecs-json', 'csv'];
const EXT: Record<TextEventFormat, string> = { 'event-xml': 'events.xml', 'ecs-json': 'ecs.ndjson', csv: 'csv', 'nxlog-json': 'nxlog.ndjson', 'wazuh-json': 'wazuh.ndjson' };

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Writes the events, one file per business group and format, under `dir`; returns the relative paths. */
export function writeSimulatedEvidence(dir: string, fleet: SimulatedFleet, events: readonly AppLockerEvent[], formats: readonly TextEventFormat[], logClears: readonly LogClear[] = []): string[] {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'SYNTHETIC.txt'), `${SYNTHETIC_LABEL}.\nSeed ${fleet.seed}; ${fleet.machines.length} machines; ${events.length} AppLocker events.\n`);
  const byGroup = new Map<string, AppLockerEvent[]>();
  const groupOf = new Map(fleet.machines.map((m) => [`${m.name}.${fleet.domain}`.toUpperCase(), m.group]));
  for (const e of events) {
    const g = groupOf.get(e.computer) ?? 'other';
    let list = byGroup.get(g);
    if (!list) byGroup.set(g, (list = []));
    list.push(e);
  }
  const files: string[] = [];
  for (const [group, list] of byGroup) {
    // INVARIANT: one file holds at most EVENTS_PER_FILE events, so a big fleet never builds a multi-GB string
    const parts = Math.ceil(list.length / EVENTS_PER_FILE);
    for (let part = 0; part < parts; part++) {
      const chunk = list.slice(part * EVENTS_PER_FILE, (part + 1) * EVENTS_PER_FILE);
      for (const f of formats) {
        const name = `synthetic-${slug(group)}${parts > 1 ? `.part${part + 1}` : ''}.${EXT[f]}`;
        let text = formatEvents(chunk, f);
        // Event XML can carry the label inside the file; NDJSON and Get-WinEvent CSV have no comment syntax
        if (f === 'event-xml') text = text.replace('<Events>', `<!-- ${SYNTHETIC_LABEL} -->\n<Events>`);
        writeFileSync(join(dir, name), text);
        files.push(name);
      }
    }
  }
  if (logClears.length) {
    // The Security log's clear events, as an admin would export them beside the AppLocker channels
    writeFileSync(join(dir, 'synthetic-security-log-clears.events.xml'), logClearsEventXml(logClears, SYNTHETIC_LABEL));
    files.push('synthetic-security-log-clears.events.xml');
  }
  return files;
}

export function parseFormats(text: string): TextEventFormat[] {
  const out: TextEventFormat[] = [];
  for (const f of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(SIMULATE_FORMATS as readonly string[]).includes(f)) {
      err(`error: unknown format \`${f}\`\n  help: use ${SIMULATE_FORMATS.map((x) => `\`${x}\``).join(', ')}`);
      throw new CliExit(ExitCode.ToolFailure);
    }
    out.push(f as TextEventFormat);
  }
  return out.length ? out : ['ecs-json'];
}

export function positiveInt(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    err(`error: \`--${name} ${text}\` must be a whole number from 1 to ${max}`);
    throw new CliExit(ExitCode.ToolFailure);
  }
  return n;
}

export function endDate(text: string | undefined): string {
  if (text === undefined) return new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
    err(`error: \`--end ${text}\` must be a date like 2026-11-20`);
    throw new CliExit(ExitCode.ToolFailure);
  }
  return text;
}

interface Options { seed?: string; out?: string; machines?: string; days?: string; format?: string; end?: string; json?: boolean }

export function register(program: Command): void {
  const sim = program.command('simulate').description('generate SYNTHETIC sample data (fleets and their AppLocker events)');
  registerAfterEnforcement(sim); // issue 14 item 5
  sim
    .command('fleet')
    .description('a seeded synthetic fleet: workspace, GPO policies (AuditOnly) and the AppLocker events its machines would log')
    .requiredOption('--seed <n>', 'seed: the same seed and options give the same files')
    .requiredOption('--out <dir>', 'folder to write into (workspace files + evidence/)')
    .option('--machines <n>', 'number of machines', '60')
    .option('--days <n>', 'days of activity', '30')
    .option('--format <list>', `event export formats, comma-separated: ${SIMULATE_FORMATS.join(', ')}`, 'ecs-json')
    .option('--end <date>', 'last day of activity is the day before this date (default: today, UTC)')
    .option('--json', 'print a JSON summary')
    .addHelpText('after', `
Everything written is SYNTHETIC (made-up company contoso.example); the groups are Finance, Engineering and
Call Center. Finance runs an unsigned tool from AppData and a per-user Teams its GPO has no rule for, so its
GPO is NOT READY until the suggested rules are added.

Examples:
  $ lockstep simulate fleet --seed 1 --out sim
  $ lockstep simulate fleet --seed 42 --out big --machines 2000 --days 60 --format event-xml,ecs-json,csv
  $ lockstep ingest --store sim/.lockstep/evidence.db sim/evidence && lockstep report readiness --workspace sim
Exit: 0 written, 1 bad option or unwritable folder.`)
    .action((o: Options) => {
      const seed = Number.parseInt(o.seed ?? '', 10);
      if (!Number.isFinite(seed)) {
        err(`error: \`--seed ${o.seed}\` must be a number`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const machines = positiveInt('machines', o.machines, 60, 100_000);
      const days = positiveInt('days', o.days, 30, 3650);
      const formats = parseFormats(o.format ?? 'ecs-json');
      const end = endDate(o.end);
      const dir = resolve(o.out!);
      const fleet = simulateFleet({ seed, machines });
      const { files } = writeWorkspaceFiles(dir, fleet);
      if (!o.json) err(`simulate: ${fleet.machines.length} machines, ${days} days…`);
      const events = simulateEvents(fleet, { seed, days, end, maxEvents: MAX_SIMULATED_EVENTS });
      if (events.length >= MAX_SIMULATED_EVENTS) err(`warning: stopped at ${MAX_SIMULATED_EVENTS} events; use fewer machines or days for a complete simulation`);
      const evidence = writeSimulatedEvidence(join(dir, 'evidence'), fleet, events, formats, simulateLogClears(fleet, { end, days }));
      const summary = { out: dir, seed, machines: fleet.machines.length, days, end, events: events.length, workspaceFiles: files, evidenceFiles: evidence.map((f) => `evidence/${f}`), synthetic: true };
      if (o.json) outJson(summary);
      else out(`wrote SYNTHETIC fleet to ${dir}: ${fleet.machines.length} machines, ${events.length} AppLocker events over ${days} days (to ${end})\n${[...files, ...summary.evidenceFiles].map((f) => `  ${f}`).join('\n')}`);
    });
}
