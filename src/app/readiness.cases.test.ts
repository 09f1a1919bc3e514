/**
 * The readiness case table (issue 10 "Test against"): each YAML file under
 * rollout/testdata/readiness-cases/ holds cases — a tiny workspace (GPOs, links, groups, inventory,
 * principals), policies in a compact rule notation, events — and the answer worked out by hand from the spec
 * (applocker.md §3.2–§3.4 decisions, §6.1 precedence and mode inheritance). Every case runs through the
 * `readiness` use case three times: over in-memory evidence, over a real SQLite store, and over PostgreSQL
 * (LOCKSTEP_TEST_PG_URL; skipped with a message when unset). The same answer is expected from all three.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { resolveSidName } from '../engine/index.js';
import type { AppLockerEvent } from '../events/applocker-event.js';
import { serializePolicy, type AppLockerPolicy, type EnforcementMode, type Rule, type RuleCollectionType } from '../policy/index.js';
import { memoryEvidence, parsePrincipals, type EvidenceQuery, type GroupReadiness, type ReadinessReport } from '../rollout/index.js';
import { openStore, type EvidenceStore } from '../store/index.js';
import { fixedClock, memoryEvidenceStores, memoryWorkspaceFiles } from './memory-ports.js';
import { readiness } from './readiness.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIR = join(here, '..', 'rollout', 'testdata', 'readiness-cases');
const NOW = '2026-11-30T00:00:00.000Z';
const DAY = 86_400_000;

type RuleSpec = { action?: 'Allow' | 'Deny'; user?: string; path?: string; publisher?: string; product?: string; binary?: string; low?: string; high?: string; hash?: string; name?: string; except?: string[] };
type CollectionSpec = { mode?: EnforcementMode; rules?: RuleSpec[] };
type EventSpec = { computer: string; user?: string; collection?: RuleCollectionType; outcome?: 'allowed' | 'audited' | 'blocked'; path: string; fqbn?: string; hash?: string; days?: number; from?: number; perDay?: number };
type Want = {
  gpo: string; candidate?: string; verdict: string; judged?: string[]; notJudged?: string[]; modeSource?: Record<string, string>;
  blocked?: string[]; notCounted?: string[]; newlyAllowed?: string[]; stillBlocked?: string[]; newlyBlocked?: string[];
  users?: Record<string, number>; reasons?: string[]; noReasons?: string[]; suggestions?: string[]; machines?: number; profiles?: number;
  admin?: string[];
};
interface Case {
  name: string;
  why: string;
  workspace: Record<string, unknown>;
  machines?: Record<string, string>;
  principals?: string;
  policies: Record<string, Partial<Record<RuleCollectionType, CollectionSpec>>>;
  events: EventSpec[];
  want: Want[];
  report?: { unknown?: string[]; ambiguous?: string[]; unknownEvents?: number };
}

function guid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function channelOf(c: RuleCollectionType): string {
  return c === 'Exe' || c === 'Dll' ? 'Microsoft-Windows-AppLocker/EXE and DLL' : c === 'Appx' ? 'Microsoft-Windows-AppLocker/Packaged app-Execution' : 'Microsoft-Windows-AppLocker/MSI and Script';
}

function eventId(c: RuleCollectionType, o: 'allowed' | 'audited' | 'blocked'): number {
  const base = c === 'Exe' || c === 'Dll' ? 8002 : 8005;
  return base + (o === 'allowed' ? 0 : o === 'blocked' ? 2 : 1);
}

function buildPolicy(caseName: string, file: string, spec: Partial<Record<RuleCollectionType, CollectionSpec>>, names: ReadonlyMap<string, string>): AppLockerPolicy {
  return {
    version: '1',
    ruleCollections: (Object.entries(spec) as [RuleCollectionType, CollectionSpec][]).map(([type, c]) => ({
      type, enforcementMode: c.mode ?? 'NotConfigured',
      rules: (c.rules ?? []).map((r, i): Rule => {
        const sid = resolveSidName(r.user ?? 'Everyone', names);
        if (!sid) throw new Error(`${caseName}: unknown user ${r.user}`);
        const base = { id: guid(`${caseName}/${file}/${type}/${i}`), name: r.name ?? `${type} ${i}`, description: '', userOrGroupSid: sid, action: r.action ?? 'Allow' };
        const exceptions = (r.except ?? []).map((p) => ({ kind: 'FilePathCondition' as const, path: p }));
        if (r.path) return { ...base, kind: 'FilePathRule', condition: { kind: 'FilePathCondition', path: r.path }, exceptions };
        if (r.hash) return { ...base, kind: 'FileHashRule', condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: `0x${r.hash}`, sourceFileName: 'file' }] } };
        return { ...base, kind: 'FilePublisherRule', condition: { kind: 'FilePublisherCondition', publisherName: r.publisher ?? '*', productName: r.product ?? '*', binaryName: r.binary ?? '*', binaryVersionRange: { lowSection: r.low ?? '*', highSection: r.high ?? '*' } }, exceptions };
      }),
    })),
  };
}

function buildEvents(c: Case): AppLockerEvent[] {
  const out: AppLockerEvent[] = [];
  for (const e of c.events) {
    const collection = e.collection ?? 'Exe';
    const outcome = e.outcome ?? 'audited';
    const days = e.days ?? 14;
    const from = e.from ?? 1;
    for (let d = from; d < from + days; d++) {
      for (let k = 0; k < (e.perDay ?? 1); k++) {
        out.push({
          eventId: eventId(collection, outcome), outcome, collection, channel: channelOf(collection), computer: e.computer,
          timeCreated: new Date(Date.parse(NOW) - d * DAY + 10 * 3600_000 + k * 1000).toISOString(), recordId: 0,
          provider: 'Microsoft-Windows-AppLocker', ...(e.user ? { userSid: e.user } : {}), filePath: e.path.toUpperCase(),
          ...(e.hash ? { fileHash: e.hash.toUpperCase() } : {}), ...(e.fqbn && e.fqbn !== '-' ? { fqbnText: e.fqbn.toUpperCase() } : {}),
        });
      }
    }
  }
  // Record ids as a real log numbers them: per computer and channel, in time order, from 1 — so the evidence
  // has no lost records unless a case says so (sufficiency has its own cases).
  out.sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
  const next = new Map<string, number>();
  return out.map((e) => {
    const k = `${e.computer.toUpperCase()}\u0000${e.channel}`;
    const n = (next.get(k) ?? 0) + 1;
    next.set(k, n);
    return { ...e, recordId: n };
  });
}

function workspaceFiles(c: Case): Map<string, string | Uint8Array> {
  const ws = { version: 1, name: c.name, inventory: 'machines.csv', readiness: { minDays: 7, minReportingShare: 0.5 }, ...c.workspace } as Record<string, unknown>;
  if (c.principals) ws.principals = ['principals.csv'];
  ws.gpos = (ws.gpos as Array<Record<string, unknown>>).map((g) => ({ guid: `{${guid(String(g.name)).toUpperCase()}}`, ...g }));
  const files = new Map<string, string | Uint8Array>([['lockstep.yaml', stringify(ws)]]);
  files.set('machines.csv', ['name,ou', ...Object.entries(c.machines ?? {}).map(([n, ou]) => `${n},"${ou}"`)].join('\n') + '\n');
  const names = new Map<string, string>();
  if (c.principals) {
    files.set('principals.csv', c.principals);
    const p = parsePrincipals(c.principals);
    if (p.ok) for (const [k, v] of p.value.names) names.set(k, v);
  }
  for (const [file, spec] of Object.entries(c.policies)) files.set(file, serializePolicy(buildPolicy(c.name, file, spec, names)));
  return files;
}

function leaf(p: string): string {
  return p.slice(p.lastIndexOf('\\') + 1);
}

function names(list: readonly { filePath: string }[] | undefined): string[] {
  return [...new Set((list ?? []).map((f) => leaf(f.filePath)))].sort();
}

/** What a case checks, as one comparable value. */
function project(rep: ReadinessReport, w: Want, c: Case): Record<string, unknown> {
  const g = rep.gpos.find((x) => x.gpo === w.gpo)!;
  const groups: readonly GroupReadiness[] = g.groups;
  const all = <T,>(f: (x: GroupReadiness) => readonly T[]): T[] => groups.flatMap(f);
  const colls = groups.flatMap((x) => x.profiles.flatMap((p) => p.collections));
  const got: Record<string, unknown> = { verdict: g.verdict };
  if (w.judged) got.judged = [...new Set(colls.filter((x) => x.judged).map((x) => x.collection))].sort();
  if (w.notJudged) got.notJudged = [...new Set(colls.filter((x) => !x.judged).map((x) => x.collection))].sort();
  if (w.modeSource) got.modeSource = Object.fromEntries(Object.keys(w.modeSource).map((k) => [k, colls.find((x) => x.collection === k)?.modeSource ?? '(none)']));
  if (w.blocked) got.blocked = names(all((x) => x.wouldBlock));
  if (w.notCounted) got.notCounted = names(all((x) => x.notCounted));
  if (w.newlyAllowed) got.newlyAllowed = names(all((x) => x.delta?.newlyAllowed ?? []));
  if (w.stillBlocked) got.stillBlocked = names(all((x) => x.delta?.stillBlocked ?? []));
  if (w.newlyBlocked) got.newlyBlocked = names(all((x) => x.delta?.newlyBlocked ?? []));
  if (w.users) got.users = Object.fromEntries(Object.keys(w.users).map((k) => [k, all((x) => x.wouldBlock).filter((f) => leaf(f.filePath) === k).reduce((n, f) => n + f.userCount, 0)]));
  if (w.admin) got.admin = names(all((x) => x.wouldBlock).filter((f) => f.byAdministrator));
  const codes = new Set(g.reasons.map((r) => r.code.replace('rollout.readiness.', '')));
  for (const n of rep.notes) codes.add(n.code.replace('rollout.readiness.', ''));
  if (w.reasons) got.reasons = w.reasons.filter((r) => codes.has(r));
  if (w.noReasons) got.noReasons = w.noReasons.filter((r) => !codes.has(r));
  if (w.suggestions) {
    got.suggestions = all((x) => x.suggestions).map((s) => {
      const r = s.rule;
      const what = r.kind === 'FilePublisherRule' ? `${r.condition.publisherName}|${r.condition.productName}|${r.condition.binaryName}|${r.condition.binaryVersionRange?.lowSection ?? '*'}-${r.condition.binaryVersionRange?.highSection ?? '*'}`
        : r.kind === 'FileHashRule' ? leaf(r.condition.fileHashes[0]!.sourceFileName ?? '') : r.condition.path;
      return `${s.type} ${s.collection} ${what} files=${s.files} users=${s.users}`;
    }).sort();
  }
  if (w.machines !== undefined) got.machines = groups.reduce((n, x) => n + x.machines, 0);
  if (w.profiles !== undefined) got.profiles = groups.reduce((n, x) => n + x.profiles.length, 0);
  void c;
  return got;
}

function expected(w: Want): Record<string, unknown> {
  const out: Record<string, unknown> = { verdict: w.verdict };
  for (const k of ['judged', 'notJudged', 'blocked', 'notCounted', 'newlyAllowed', 'stillBlocked', 'newlyBlocked', 'admin'] as const) if (w[k]) out[k] = [...w[k]!].sort();
  if (w.modeSource) out.modeSource = w.modeSource;
  if (w.users) out.users = w.users;
  if (w.reasons) out.reasons = w.reasons;
  if (w.noReasons) out.noReasons = w.noReasons;
  if (w.suggestions) out.suggestions = [...w.suggestions].sort();
  if (w.machines !== undefined) out.machines = w.machines;
  if (w.profiles !== undefined) out.profiles = w.profiles;
  return out;
}

const cases: Array<Case & { file: string }> = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()
  .flatMap((f) => (parseYaml(readFileSync(join(DIR, f), 'utf8')) as Case[]).map((c) => ({ ...c, file: f })));

async function runCase(c: Case, evidence: EvidenceQuery): Promise<void> {
  const files = workspaceFiles(c);
  const ports = { files: memoryWorkspaceFiles(files), stores: memoryEvidenceStores(new Map([['/ws/.lockstep/evidence.db', evidence]])), clock: fixedClock(NOW), env: () => undefined };
  for (const w of c.want) {
    const cand = w.candidate ? { name: w.candidate, bytes: new TextEncoder().encode(files.get(w.candidate) as string) } : undefined;
    const r = await readiness(ports, { gpo: w.gpo, since: '30d', ...(cand ? { candidate: cand } : {}) });
    if (!r.ok) throw new Error(`${c.name}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
    expect(project(r.value.report, w, c), `${c.name} — ${w.gpo}${w.candidate ? ` with ${w.candidate}` : ''}`).toEqual(expected(w));
    if (c.report) {
      const m = r.value.report.computers;
      if (c.report.unknown) expect(m.unknown, c.name).toEqual(c.report.unknown);
      if (c.report.unknownEvents !== undefined) expect(m.unknownEvents, c.name).toEqual(c.report.unknownEvents);
      if (c.report.ambiguous) expect(m.ambiguous.map((a) => a.machine), c.name).toEqual(c.report.ambiguous);
    }
  }
}

describe('readiness cases (in-memory evidence)', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  for (const c of cases) it(`${c.file}: ${c.name}`, async () => runCase(c, memoryEvidence(buildEvents(c))));
});

describe('readiness cases (SQLite store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-cases-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [i, c] of cases.entries()) {
    it(`${c.file}: ${c.name}`, async () => {
      const store = await openStore(join(dir, `case-${i}.db`), { create: true });
      try {
        await store.insertEvents(buildEvents(c), { path: `case-${i}` });
        await runCase(c, store);
      } finally {
        await store.close();
      }
    });
  }
});

const pgUrl = process.env.LOCKSTEP_TEST_PG_URL;
if (!pgUrl) process.stderr.write('NOTE: LOCKSTEP_TEST_PG_URL is not set: readiness cases on PostgreSQL skipped (CI sets it in .ci/run)\n');
describe.skipIf(!pgUrl)('readiness cases (PostgreSQL store)', () => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => { for (const d of drops) await d(); });
  for (const c of cases) {
    it(`${c.file}: ${c.name}`, async () => {
      // a fresh schema per case (selected with the `options=-c search_path=…` URL parameter), dropped afterwards
      const schema = `cases_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      drops.push(async () => {
        const d = new pg.Client({ connectionString: pgUrl });
        await d.connect();
        try { await d.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); } finally { await d.end(); }
      });
      const u = new URL(pgUrl!);
      u.searchParams.set('options', `-c search_path=${schema}`);
      const store: EvidenceStore = await openStore(u.toString());
      try {
        await store.insertEvents(buildEvents(c), { path: 'case' });
        await runCase(c, store);
      } finally {
        await store.close();
      }
    });
  }
});
