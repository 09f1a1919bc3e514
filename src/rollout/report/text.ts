/**
 * The readiness report for people: plain text, one section per GPO (verdict and reasons first, then per
 * business group the effective policy with provenance, the evidence window, the files Enforce would block
 * and the suggested rules). Used by `lockstep report readiness` and `lockstep demo`. Pure: returns a string.
 */
import { renderDiagnostic } from '../../diag/index.js';
import type { GpoReadiness, GroupReadiness, ReadinessReport } from '../analysis/readiness.js';
import type { WouldBlockFile } from '../analysis/would-block.js';

/** A file as people think of it: the same binary under every user profile is one line. */
interface FileLine {
  readonly collection: string;
  readonly path: string;
  readonly paths: number;
  readonly events: number;
  readonly users: Set<string>;
  userCount: number;
  readonly computers: Set<string>;
  computerCount: number;
  readonly tags: string;
}

/** `%OSDRIVE%\USERS\ALEX\APPDATA\…` → `%OSDRIVE%\USERS\*\APPDATA\…` (per-user installs are one app). */
export function profileWildcard(path: string): string {
  return path.replace(/^(%OSDRIVE%\\USERS\\)[^\\]+\\/i, '$1*\\');
}

function fileLines(files: readonly WouldBlockFile[]): FileLine[] {
  const m = new Map<string, FileLine & { events: number; paths: number }>();
  for (const f of files) {
    const path = profileWildcard(f.filePath);
    const tags = [f.cause, f.approvedApp ? `approved: ${f.approvedApp}` : '', f.byAdministrator ? 'administrator' : '', f.userWritable ? 'user-writable' : '', f.fqbnText ? 'signed' : 'unsigned'].filter(Boolean).join(', ');
    const key = [f.collection, path, f.fileHash ?? '', f.fqbnText ?? '', tags].join('|');
    let l = m.get(key);
    if (!l) m.set(key, (l = { collection: f.collection, path, paths: 0, events: 0, users: new Set(), userCount: 0, computers: new Set(), computerCount: 0, tags }));
    l.paths++;
    l.events += f.events;
    for (const u of f.users) l.users.add(u);
    for (const c of f.computers) l.computers.add(c);
    l.userCount = Math.max(l.users.size, l.userCount + 0, f.userCount);
    l.computerCount = Math.max(l.computers.size, f.computerCount);
  }
  return [...m.values()].sort((a, b) => b.events - a.events || a.path.localeCompare(b.path));
}

const MAX_FILES = 15;

function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function sample(list: readonly string[], n = 3): string {
  return list.slice(0, n).join(', ') + (list.length > n ? ', …' : '');
}

function groupText(g: GroupReadiness, lines: string[]): void {
  lines.push(`  group ${g.group}${g.support ? ` (support: ${g.support})` : ''}: ${g.verdict}`);
  lines.push(`    GPOs, lowest precedence first: ${g.gpos.map((x) => `${x.name} [${x.target}, link ${x.order}]`).join(' → ')}`);
  for (const c of g.collections) {
    const src = Object.entries(c.ruleSources).map(([k, v]) => `${v} from ${k}`).join(', ');
    lines.push(`    ${c.collection}: ${c.mode}${c.modeSource ? ` (set by ${c.modeSource})` : ''}, ${c.rules} rules${src ? ` (${src})` : ''}; would block ${c.wouldBlockFiles} files / ${c.wouldBlockEvents} executions`);
  }
  const share = g.machines ? g.machinesReporting / g.machines : 0;
  lines.push(`    evidence: ${day(g.window.firstSeen)} → ${day(g.window.lastSeen)} (${g.window.days} days), ${g.window.events} events; ${g.machinesReporting} of ${g.machines} machines reporting (${pct(share)})`);
  if (g.quietMachines.length) lines.push(`    quiet machines (not evidence): ${sample(g.quietMachines, 5)}`);
  sufficiencyLine(g, lines);
  if (g.wouldBlock.length === 0) lines.push('    nothing would be blocked under Enforce');
  else {
    const total = g.wouldBlock.reduce((s, f) => s + f.events, 0);
    lines.push(`    would be blocked under Enforce: ${g.wouldBlock.length} files, ${total} executions`);
    const fl = fileLines(g.wouldBlock);
    for (const f of fl.slice(0, MAX_FILES)) {
      lines.push(`      ${f.collection.padEnd(6)} ${f.path}${f.paths > 1 ? ` (${f.paths} profile paths)` : ''}`);
      lines.push(`             ${f.events} executions, ${f.userCount} users (${sample([...f.users].sort(), 2)}), ${f.computerCount} machines (${sample([...f.computers].sort(), 2)}) [${f.tags}]`);
    }
    if (fl.length > MAX_FILES) lines.push(`      … ${fl.length - MAX_FILES} more (use --json or --html for all)`);
  }
  if (g.suggestions.length) {
    lines.push('    suggested rules:');
    for (const s of g.suggestions) {
      lines.push(`      ${s.type.padEnd(9)} ${s.collection.padEnd(6)} ${s.rule.name} — covers ${s.files} files, ${s.events} executions`);
    }
  }
}

/** One line per group: is the evidence enough (issue 10 item 6; the gaps are listed under the GPO). */
function sufficiencyLine(g: GroupReadiness, lines: string[]): void {
  const s = g.sufficiency;
  const recent = s.discovery.slice(-7).map((d) => d.newFiles).join(' ');
  lines.push(`    evidence check: ${s.sufficient ? 'sufficient' : 'NOT sufficient'}; ${s.machinesOk} of ${s.machinesTotal} machines with enough evidence; ` +
    `${s.lostRecords} lost records; ${s.logClears} log clears; new would-be-blocked files per day, last 7 days: ${recent || '—'} (${s.levelledOff ? 'levelled off' : 'still rising'})`);
}

const MAX_GAPS = 12;

/** The evidence gaps of a GPO's groups, insufficient ones first, in words with dates. */
function gapsText(g: GpoReadiness, lines: string[]): void {
  const gaps = [...g.sufficiency.gaps].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'insufficient' ? -1 : 1));
  if (gaps.length === 0) return;
  const n = gaps.filter((x) => x.severity === 'insufficient').length;
  lines.push(`  evidence gaps (${n} that make the evidence insufficient, ${gaps.length - n} within thresholds):`);
  for (const x of gaps.slice(0, MAX_GAPS)) lines.push(`    ${x.severity === 'insufficient' ? 'gap' : 'note'}: ${x.group}: ${x.message}${x.help ? `\n      help: ${x.help}` : ''}`);
  if (gaps.length > MAX_GAPS) lines.push(`    … ${gaps.length - MAX_GAPS} more (use --json or --html for all)`);
}

function gpoText(g: GpoReadiness, lines: string[]): void {
  lines.push('');
  lines.push(`GPO ${g.gpo} ${g.guid} [${g.collections.join(', ') || 'no collections'}]${g.candidate ? ` with candidate ${g.candidate}` : ''}: ${g.verdict}`);
  for (const r of g.reasons) lines.push(renderDiagnostic(r, undefined, '  '));
  gapsText(g, lines);
  for (const grp of g.groups) groupText(grp, lines);
}

/** Renders the report as text (ends with the overall verdict line). */
export function renderReadinessText(r: ReadinessReport): string {
  const t = r.thresholds;
  const lines = [
    `Lockstep readiness: ${r.workspace}`,
    `window ${day(r.since)} → ${day(r.until)}; thresholds: ≥ ${t.minDays} days of evidence, ≥ ${pct(t.minReportingShare)} of machines reporting, ≤ ${t.maxApprovedBlocked} approved-app and ≤ ${t.maxAdminBlocked} administrator executions blocked${t.maxWouldBlock !== undefined ? `, ≤ ${t.maxWouldBlock} executions blocked in all` : ''}`,
  ];
  for (const n of r.notes) lines.push(renderDiagnostic(n));
  for (const g of r.gpos) gpoText(g, lines);
  lines.push('');
  const ready = r.gpos.filter((g) => g.verdict === 'READY').map((g) => g.gpo);
  const insufficient = r.gpos.filter((g) => g.verdict === 'INSUFFICIENT EVIDENCE').length;
  lines.push(`${r.verdict}: ${ready.length} of ${r.gpos.length} GPOs ready to move to Enforce rules${ready.length ? ` (${ready.join(', ')})` : ''}${insufficient ? `; ${insufficient} without enough evidence to tell` : ''}`);
  return lines.join('\n') + '\n';
}
