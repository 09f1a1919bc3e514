/**
 * Use cases: the read views of the API and the console (issue 13 items 2 and 5) — fleet overview, one GPO,
 * files, one file, machines, users, events over time. Every number comes from the store's aggregates
 * (EvidenceQuery: per-day rollups, grouped files), so a 10M-event store is never streamed through JS; the
 * verdicts come from the same `readiness` use case `report readiness` runs, so the console and the CLI
 * cannot disagree. Views pass the readiness JSON (rollout/report/json.ts) through generically: fields added
 * to it later (sufficiency, deltas, a third verdict) reach the API and the console untouched.
 */
import { readinessJson, groupMachines, shortComputerName, type FileEvidence } from '../rollout/index.js';
import type { AppLockerOutcome } from '../events/index.js';
import type { OpenedEvidence } from './ports.js';
import { readiness, type ReadinessPorts } from './readiness.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace, parseSince, workspaceStoreTarget, type LoadedWorkspace } from './workspace.js';

export interface Page {
  readonly limit: number;
  readonly offset: number;
}
export interface Paged<T> {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: readonly T[];
}

export const MAX_PAGE = 500;

export function paginate<T>(all: readonly T[], page: Page): Paged<T> {
  const limit = Math.max(1, Math.min(page.limit, MAX_PAGE));
  const offset = Math.max(0, page.offset);
  return { total: all.length, limit, offset, items: all.slice(offset, offset + limit) };
}

type Json = Record<string, unknown>;

/** Arrays of a group that the overview replaces by their length (`wouldBlock` → `wouldBlockCount`). */
const HEAVY = ['wouldBlock', 'suggestions', 'daily', 'quietMachines'];

/**
 * Every GPO and business group with its verdict and evidence numbers, without the per-file lists.
 * @example const r = await fleetOverview(ports, { since: '30d' });
 */
export async function fleetOverview(ports: ReadinessPorts, req: { since?: string; store?: string }): Promise<UseCaseResult<Json>> {
  const r = await readiness(ports, { ...(req.since ? { since: req.since } : {}), ...(req.store ? { store: req.store } : {}) });
  if (!r.ok) return r;
  const j = readinessJson(r.value.report);
  const gpos = (j.gpos as Json[]).map((g) => ({
    ...g,
    groups: (g.groups as Json[]).map((x) => {
      const out: Json = {};
      for (const [k, v] of Object.entries(x)) {
        if (HEAVY.includes(k) && Array.isArray(v)) out[`${k}Count`] = v.length;
        else out[k] = v;
      }
      return out;
    }),
  }));
  return succeed({ ...j, gpos }, r.diagnostics);
}

/** One GPO's whole readiness JSON: groups, would-be-blocked files, suggestions, daily counts. */
export async function gpoView(ports: ReadinessPorts, req: { gpo: string; since?: string; store?: string }): Promise<UseCaseResult<Json>> {
  const r = await readiness(ports, { gpo: req.gpo, ...(req.since ? { since: req.since } : {}), ...(req.store ? { store: req.store } : {}) });
  if (!r.ok) return r;
  const j = readinessJson(r.value.report);
  const g = (j.gpos as Json[])[0];
  if (!g) return usage('app.views.unknown-gpo', `no GPO named \`${req.gpo}\``);
  return succeed({ workspace: j.workspace, generatedAt: j.generatedAt, window: j.window, thresholds: j.thresholds, ...g }, r.diagnostics);
}

/** Opens the workspace's store for one view and closes it. */
async function withEvidence<T>(ports: ReadinessPorts, req: { store?: string; since?: string }, fn: (e: OpenedEvidence, l: LoadedWorkspace, window: { since: string; until: string }) => Promise<T>): Promise<UseCaseResult<T>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const now = ports.clock.now();
  const days = parseSince(req.since ?? '30d', now);
  if (days === undefined) return usage('app.views.bad-since', `\`${req.since}\` is neither a number of days like \`30d\` nor a past date`);
  const t = workspaceStoreTarget(l.value, ports.files, req.store, ports.env);
  if (!t.ok) return refuse('usage', t.diagnostics);
  if (!(await ports.stores.exists(t.value))) return refuse('unavailable', [{ code: 'app.views.no-store', severity: 'error', message: `no evidence store at \`${ports.stores.redact(t.value)}\`` }]);
  let e: OpenedEvidence;
  try {
    e = await ports.stores.open(t.value);
  } catch (err) {
    return refuse('unavailable', [{ code: 'app.store.unavailable', severity: 'error', message: `cannot open the evidence store \`${ports.stores.redact(t.value)}\`: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  try {
    const since = new Date(now.getTime() - days * 86_400_000).toISOString();
    return succeed(await fn(e, l.value, { since, until: now.toISOString() }));
  } finally {
    await e.close();
  }
}

export interface FileQuery {
  readonly since?: string;
  readonly store?: string;
  /** Substring of the path, case-insensitive. */
  readonly q?: string;
  readonly outcome?: AppLockerOutcome;
  readonly computer?: string;
  readonly user?: string;
}

/** A stable key for a file of the evidence (collection, path, hash, FQBN), for `/api/files/:key`. */
export function fileKey(f: Pick<FileEvidence, 'collection' | 'filePath' | 'fileHash' | 'fqbnText'>): string {
  return Buffer.from(JSON.stringify([f.collection ?? '', f.filePath, f.fileHash ?? '', f.fqbnText ?? ''])).toString('base64url');
}

function matches(f: FileEvidence, q: FileQuery): boolean {
  if (q.q && !f.filePath.toLowerCase().includes(q.q.toLowerCase()) && !(f.fullFilePath ?? '').toLowerCase().includes(q.q.toLowerCase())) return false;
  if (q.outcome && f.outcome !== q.outcome) return false;
  if (q.computer && !f.computers.some((c) => c.toLowerCase() === q.computer!.toLowerCase() || shortComputerName(c).toLowerCase() === q.computer!.toLowerCase())) return false;
  if (q.user && !f.users.some((u) => u.toUpperCase() === q.user!.toUpperCase())) return false;
  return true;
}

/** Files of the evidence, most events first. */
export async function filesView(ports: ReadinessPorts, req: FileQuery & { page: Page }): Promise<UseCaseResult<Paged<FileEvidence & { key: string }>>> {
  return withEvidence(ports, req, async (e, _l, w) => {
    const all = (await e.files({ since: w.since, until: w.until })).filter((f) => matches(f, req));
    all.sort((a, b) => b.events - a.events || a.filePath.localeCompare(b.filePath));
    return paginate(all.map((f) => ({ ...f, key: fileKey(f) })), req.page);
  });
}

/**
 * One file: its evidence rows (one per outcome), and — from readiness — the GPOs/groups where Enforce would
 * block it and the suggested rule that would allow it.
 */
export async function fileDetail(ports: ReadinessPorts, req: { key: string; since?: string; store?: string }): Promise<UseCaseResult<Json>> {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(req.key, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 4 || parts.some((p) => typeof p !== 'string')) return usage('app.views.bad-file-key', `\`${req.key.slice(0, 80)}\` is not a file key`, 'take keys from `/api/files`');
  const [collection, filePath, fileHash, fqbnText] = parts as [string, string, string, string];
  const rows = await withEvidence(ports, req, async (e, _l, w) =>
    (await e.files({ since: w.since, until: w.until })).filter((f) => (f.collection ?? '') === collection && f.filePath === filePath && (f.fileHash ?? '') === fileHash && (f.fqbnText ?? '') === fqbnText));
  if (!rows.ok) return rows;
  if (!rows.value.length) return refuse('usage', [{ code: 'app.views.unknown-file', severity: 'error', message: `no file \`${filePath}\` in the evidence window` }]);
  const r = await readiness(ports, { ...(req.since ? { since: req.since } : {}), ...(req.store ? { store: req.store } : {}) });
  const blockedIn: Json[] = [];
  if (r.ok) {
    for (const g of r.value.report.gpos) {
      for (const grp of g.groups) {
        const wb = grp.wouldBlock.find((f) => f.filePath === filePath && (f.fileHash ?? '') === fileHash && f.collection === collection);
        if (!wb) continue;
        const fix = grp.suggestions.filter((s) => s.collection === collection && s.filePaths.some((p) => p.toLowerCase() === filePath.toLowerCase() || p.toLowerCase() === (wb.fullFilePath ?? '').toLowerCase()));
        blockedIn.push({ gpo: g.gpo, group: grp.group, cause: wb.cause, events: wb.events, userWritable: wb.userWritable, byAdministrator: wb.byAdministrator, ...(wb.approvedApp ? { approvedApp: wb.approvedApp } : {}), fix });
      }
    }
  }
  return succeed({ key: req.key, collection, filePath, fileHash, fqbnText, evidence: rows.value, blockedIn });
}

/** The inventory with each machine's group and whether it reported in the window. */
export async function machinesView(ports: ReadinessPorts, req: { since?: string; store?: string; q?: string; page: Page }): Promise<UseCaseResult<Paged<Json>>> {
  return withEvidence(ports, req, async (e, l, w) => {
    const win = await e.window({ since: w.since, until: w.until });
    const reporting = new Set(win.computers.map((c) => shortComputerName(c).toLowerCase()));
    const groupOf = new Map<string, string[]>();
    for (const g of l.workspace.groups) for (const m of groupMachines(g, l.inventory)) groupOf.set(m.toLowerCase(), [...(groupOf.get(m.toLowerCase()) ?? []), g.name]);
    const all = l.inventory
      .filter((m) => !req.q || m.name.toLowerCase().includes(req.q.toLowerCase()))
      .map((m) => ({ name: m.name, ou: m.ou, groups: groupOf.get(m.name.toLowerCase()) ?? [], reporting: reporting.has(shortComputerName(m.name).toLowerCase()) }));
    // Computers in the evidence that the inventory does not list: shown, flagged, never silently dropped.
    const known = new Set(l.inventory.map((m) => shortComputerName(m.name).toLowerCase()));
    for (const c of win.computers) if (!known.has(shortComputerName(c).toLowerCase()) && (!req.q || c.toLowerCase().includes(req.q.toLowerCase()))) all.push({ name: c, ou: '', groups: [], reporting: true, notInInventory: true } as never);
    return paginate(all, req.page);
  });
}

/** Users (SIDs) seen in the evidence, with how many files and events; lists are the store's (≤ 50 users per file). */
export async function usersView(ports: ReadinessPorts, req: { since?: string; store?: string; page: Page }): Promise<UseCaseResult<Paged<Json>>> {
  return withEvidence(ports, req, async (e, _l, w) => {
    const by = new Map<string, { sid: string; files: number; audited: number; blocked: number }>();
    for (const f of await e.files({ since: w.since, until: w.until })) {
      for (const u of f.users) {
        const x = by.get(u) ?? { sid: u, files: 0, audited: 0, blocked: 0 };
        x.files++;
        if (f.outcome === 'audited') x.audited++;
        if (f.outcome === 'blocked') x.blocked++;
        by.set(u, x);
      }
    }
    return paginate([...by.values()].sort((a, b) => b.files - a.files || a.sid.localeCompare(b.sid)), req.page);
  });
}

/** Events per day, outcome and collection over the window (the store's rollup). */
export async function eventsView(ports: ReadinessPorts, req: { since?: string; store?: string; computer?: string; page: Page }): Promise<UseCaseResult<Paged<Json> & { window: Json }>> {
  return withEvidence(ports, req, async (e, _l, w) => {
    const f = { since: w.since, until: w.until, ...(req.computer ? { computers: [req.computer] } : {}) };
    const [win, daily] = await Promise.all([e.window(f), e.dailyCounts(f)]);
    const rows = [...daily].sort((a, b) => a.day.localeCompare(b.day) || a.outcome.localeCompare(b.outcome));
    return { ...paginate(rows as unknown as Json[], req.page), window: { since: w.since, until: w.until, events: win.events, firstSeen: win.firstSeen, lastSeen: win.lastSeen, computers: win.computers.length } };
  });
}
