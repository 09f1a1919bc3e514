/**
 * The readiness report for people: plain text, one section per GPO (verdict and reasons first, then per
 * business group the effective policy with provenance, the evidence window, the files Enforce would block
 * and the suggested rules). Used by `lockstep report readiness` and `lockstep demo`. Pure: returns a string.
 */
import { renderDiagnostic } from '../../diag/index.js';
import type { CollectionSummary, GpoReadiness, GroupReadiness, ReadinessReport } from '../analysis/readiness.js';
import type { ReadinessThresholds } from '../workspace/model.js';
import type { WouldBlockFile } from '../analysis/would-block.js';

/** A file as people think of it: the same binary under every user profile is one line. */
export interface FileLine {
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

export function fileLines(files: readonly WouldBlockFile[]): FileLine[] {
  const m = new Map<string, FileLine & { events: number; paths: number }>();
  for (const f of files) {
    const path = profileWildcard(f.filePath);
    const tags = [f.cause === 'denied' ? `denied by ${f.ruleName ?? 'a deny rule'}` : 'no rule allows it', f.approvedApp ? `approved: ${f.approvedApp}` : '', f.byAdministrator ? 'administrator' : '', f.userWritable ? 'user-writable' : '', f.fqbnText ? 'signed' : 'unsigned'].filter(Boolean).join(', ');
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

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function fileList(files: readonly WouldBlockFile[], lines: string[], indent: string, max = MAX_FILES): void {
  const fl = fileLines(files);
  for (const f of fl.slice(0, max)) {
    lines.push(`${indent}${f.collection.padEnd(6)} ${f.path}${f.paths > 1 ? ` (${f.paths} profile paths)` : ''}`);
    lines.push(`${indent}       ${plural(f.events, 'execution')}, ${plural(f.userCount, 'user')} (${sample([...f.users].sort(), 2)}), ${plural(f.computerCount, 'machine')} (${sample([...f.computers].sort(), 2)}) [${f.tags}]`);
  }
  if (fl.length > max) lines.push(`${indent}… ${fl.length - max} more (use --json or --html for all)`);
}

function collectionLine(c: CollectionSummary): string {
  const src = Object.entries(c.ruleSources).map(([k, v]) => `${v} from ${k}`).join(', ');
  const before = c.modeBefore !== c.mode || c.modeSourceBefore !== c.modeSource ? ` (today ${c.modeBefore}${c.modeSourceBefore ? ` from ${c.modeSourceBefore}` : ''})` : '';
  return `${c.collection}: after the change ${c.mode}${c.modeSource ? ` (set by ${c.modeSource})` : ''}${before}, ${plural(c.rules, 'rule')}${src ? ` (${src})` : ''}; would block ${plural(c.wouldBlockFiles, 'file')} / ${plural(c.wouldBlockEvents, 'execution')}${c.judged ? '' : ' — not counted'}`;
}

function groupText(g: GroupReadiness, lines: string[], t: ReadinessThresholds): void {
  lines.push(`  group ${g.group}${g.support ? ` (support: ${g.support})` : ''}: ${g.verdict}`);
  lines.push(`    GPOs, lowest precedence first: ${g.gpos.map((x) => `${x.name} [${x.target}, link ${x.order}${x.enforced ? ', enforced' : ''}]`).join(' → ')}`);
  if (g.profiles.length > 1) {
    lines.push(`    machines get different GPOs (${plural(g.profiles.length, 'profile')}):`);
    for (const p of g.profiles) {
      lines.push(`      ${plural(p.machines, 'machine')} (${sample(p.sample, 3)}): ${p.gpos.map((x) => x.name).join(' → ')}`);
      for (const c of p.collections) lines.push(`        ${collectionLine(c)}`);
    }
  } else for (const c of g.collections) lines.push(`    ${collectionLine(c)}`);
  const share = g.machines ? g.machinesReporting / g.machines : 0;
  lines.push(`    evidence: ${day(g.window.firstSeen)} → ${day(g.window.lastSeen)} (${plural(g.window.days, 'day')}), ${plural(g.window.events, 'event')}; ${g.machinesReporting} of ${plural(g.machines, 'machine')} reporting (${pct(share)})`);
  if (g.quietMachines.length) lines.push(`    quiet machines (not evidence): ${sample(g.quietMachines, 5)}`);
  sufficiencyLine(g, lines);
  if (g.wouldBlock.length === 0) lines.push('    nothing would be blocked under Enforce');
  else {
    const total = g.wouldBlock.reduce((s, f) => s + f.events, 0);
    lines.push(`    would be blocked under Enforce: ${plural(g.wouldBlock.length, 'file')}, ${plural(total, 'execution')}`);
    // READY beside blocked files: say why they do not stop the move
    if (g.verdict === 'READY') lines.push(`    (not blocking the move: within the thresholds — ≤ ${t.maxWouldBlock ?? 'any'} executions in all, none of an approved application or an administrator)`);
    fileList(g.wouldBlock, lines, '      ');
  }
  if (g.notCounted.length) {
    lines.push(`    not counted (collections this change does not enforce): ${plural(g.notCounted.length, 'file')}, ${plural(g.notCounted.reduce((s, f) => s + f.events, 0), 'execution')}`);
    fileList(g.notCounted, lines, '      ', 5);
  }
  if (g.delta) {
    const d = g.delta;
    lines.push(`    candidate vs current policy: ${plural(d.newlyAllowed.length, 'file')} newly allowed, ${plural(d.stillBlocked.length, 'file')} still blocked, ${plural(d.newlyBlocked.length, 'file')} newly blocked`);
    if (d.newlyAllowed.length) { lines.push('    newly allowed:'); fileList(d.newlyAllowed, lines, '      ', 5); }
    if (d.stillBlocked.length) { lines.push('    still blocked:'); fileList(d.stillBlocked, lines, '      ', 5); }
    if (d.newlyBlocked.length) { lines.push('    newly blocked (allowed today):'); fileList(d.newlyBlocked, lines, '      ', 10); }
  }
  if (g.suggestions.length) {
    lines.push('    suggested rules:');
    for (const s of g.suggestions) {
      lines.push(`      ${s.type.padEnd(9)} ${s.collection.padEnd(6)} ${s.rule.name} — covers ${plural(s.files, 'file')}, ${plural(s.events, 'execution')}, ${plural(s.users, 'user')}, ${plural(s.machines, 'machine')}${s.breadth === 'product' || s.breadth === 'publisher' ? ` (broad: ${s.reason.slice(s.reason.indexOf(':') + 2)})` : ''}`);
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

function gpoText(g: GpoReadiness, lines: string[], t: ReadinessThresholds): void {
  lines.push('');
  lines.push(`GPO ${g.gpo} ${g.guid} [${g.collections.join(', ') || 'no collections'}]${g.candidate ? ` with candidate ${g.candidate}` : ''}: ${g.verdict}`);
  for (const r of g.reasons) lines.push(renderDiagnostic(r, undefined, '  '));
  gapsText(g, lines);
  for (const grp of g.groups) groupText(grp, lines, t);
}

/** Renders the report as text (ends with the overall verdict line). */
export function renderReadinessText(r: ReadinessReport): string {
  const t = r.thresholds;
  const lines = [
    `Lockstep readiness: ${r.workspace}`,
    `window ${day(r.since)} → ${day(r.until)}; thresholds: ≥ ${t.minDays} days of evidence, ≥ ${pct(t.minReportingShare)} of machines reporting, ≤ ${t.maxApprovedBlocked} approved-app and ≤ ${t.maxAdminBlocked} administrator executions blocked${t.maxWouldBlock !== undefined ? `, ≤ ${t.maxWouldBlock} executions blocked in all` : ''}`,
  ];
  for (const n of r.notes) lines.push(renderDiagnostic(n));
  for (const g of r.gpos) gpoText(g, lines, t);
  lines.push('');
  const ready = r.gpos.filter((g) => g.verdict === 'READY').map((g) => g.gpo);
  if (r.computers.unknownCount) lines.push(`computers not in the inventory: ${plural(r.computers.unknownCount, 'computer')}, ${plural(r.computers.unknownEvents, 'event')} (${sample(r.computers.unknown, 5)})`);
  const insufficient = r.gpos.filter((g) => g.verdict === 'INSUFFICIENT EVIDENCE').length;
  lines.push(`${r.verdict}: ${ready.length} of ${plural(r.gpos.length, 'GPO')} ready to move to Enforce rules${ready.length ? ` (${ready.join(', ')})` : ''}${insufficient ? `; ${insufficient} without enough evidence to tell` : ''}`);
  return lines.join('\n') + '\n';
}
