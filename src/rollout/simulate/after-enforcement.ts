/**
 * SYNTHETIC life after enforcement (issue 14 item 5): what the machines of a promoted GPO's groups log once
 * its collections are in Enforce rules — blocks (8004 EXE/DLL, 8007 MSI/Script, 8022/8025 packaged apps,
 * applocker.md §9.2) for files the deployed policy does not allow, updates that give an application a new
 * version and a new hash part-way through, and users who ask for access to what blocked them. Every
 * execution is decided by the engine through simulate/events.ts (never a second evaluator). Seeded and
 * deterministic, so tests know the answers (`expected`) from the seed. Record ids continue each computer's
 * channel numbering from `recordIdBase` so the evidence has no false gaps.
 */
import { createHash } from 'node:crypto';
import type { AppLockerEvent } from '../../events/applocker-event.js';
import type { AppLockerPolicy } from '../../policy/model.js';
import { simulateEvents } from './events.js';
import type { SimulatedApp, SimulatedFleet, SimulatedMachine } from './fleet.js';
import { SeededRandom } from './rng.js';

export interface AfterEnforcementOptions {
  readonly seed: number;
  /** First day of life after the promotion, `YYYY-MM-DD` (UTC): the day after the promotion. */
  readonly from: string;
  /** Days simulated from `from` (default 7, capped at 365). */
  readonly days?: number;
  /** The policies as deployed after the promotion (the promoted collections in Enforce rules), per GPO name. */
  readonly policies: ReadonlyMap<string, AppLockerPolicy>;
  /** Only these business groups' machines (the promoted GPO's); default every group. */
  readonly groups?: readonly string[];
  /** Signed applications updated part-way (new version, new hash; default 1). */
  readonly updates?: number;
  /** Update exactly these applications (catalogue keys such as `teams`), each on a seeded day, instead of a seeded pick. */
  readonly updateApps?: readonly string[];
  /** Chance a blocked user asks for access to the file that blocked them (default 0.5). */
  readonly requestShare?: number;
  /** Highest record id already logged per `COMPUTER\u001fchannel` (computer upper-case); numbering continues after it. */
  readonly recordIdBase?: ReadonlyMap<string, number>;
  readonly maxEvents?: number;
}

export interface SimulatedUpdate {
  readonly app: string;
  readonly name: string;
  /** The first day the new version runs. */
  readonly day: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly fromHash: string;
  readonly toHash: string;
}

export interface SimulatedAccessRequest {
  readonly day: string;
  readonly requester: string;
  readonly userSid: string;
  readonly computer: string;
  readonly group: string;
  readonly filePath: string;
  readonly justification: string;
  /** The block event the request is made from (`lockstep request new --event`). */
  readonly event: AppLockerEvent;
}

/** What the monitor must find, counted straight from the generated events. */
export interface ExpectedAfterEnforcement {
  readonly group: string;
  readonly blocks: number;
  /** Blocks per file path (variable form, as logged). */
  readonly files: Readonly<Record<string, number>>;
  readonly users: number;
  readonly computers: number;
  readonly blocksPerDay: Readonly<Record<string, number>>;
}

export interface AfterEnforcementLife {
  readonly events: AppLockerEvent[];
  readonly updates: readonly SimulatedUpdate[];
  readonly requests: readonly SimulatedAccessRequest[];
  readonly expected: readonly ExpectedAfterEnforcement[];
}

const DAY = 86_400_000;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function bumpVersion(v: string, rng: SeededRandom): string {
  const parts = v.split('.').map((p) => Number.parseInt(p, 10) || 0);
  while (parts.length < 4) parts.push(0);
  parts[2] = parts[2]! + 1 + rng.int(0, 3);
  parts[3] = rng.int(0, 999);
  return parts.join('.');
}

function updatedHash(key: string, version: string): string {
  // the fleet's synthetic hashes are a hash of the app's identity; an update is another identity
  return createHash('sha256').update(`lockstep-synthetic:${key}:${version}`).digest('hex').toUpperCase();
}

/** The machine without the audit period's scripted incidents (silence, lost records, cleared logs). */
function plainMachine(m: SimulatedMachine): SimulatedMachine {
  const { silentLastDays: _s, lostRecords: _l, securityLogClearedDaysBeforeEnd: _c, ...rest } = m;
  return rest;
}

/**
 * Simulates `days` days of life after the promotion.
 * @example simulateAfterEnforcement(fleet, { seed: 1, from: '2026-11-21', days: 5, policies, groups: ['Finance'] })
 */
export function simulateAfterEnforcement(fleet: SimulatedFleet, opts: AfterEnforcementOptions): AfterEnforcementLife {
  const rng = new SeededRandom(opts.seed ^ 0xaf7e4);
  const days = Math.max(1, Math.min(365, Math.floor(opts.days ?? 7)));
  const fromMs = Date.parse(`${opts.from}T00:00:00Z`);
  if (Number.isNaN(fromMs)) throw new Error(`invalid start date ${opts.from}`);
  const groups = new Set(opts.groups ?? fleet.groups.map((g) => g.group.name));
  const plans = fleet.groups.filter((g) => groups.has(g.group.name));
  const machines = fleet.machines.filter((m) => groups.has(m.group)).map(plainMachine);

  // Updates: signed applications the groups run, each on a seeded day after the first (so both versions appear).
  const candidates = [...new Set(plans.flatMap((p) => p.apps))].sort().map((k) => fleet.apps.get(k)!).filter((a) => a.publisher);
  const updates: SimulatedUpdate[] = [];
  const chosen = opts.updateApps?.map((k) => candidates.find((c) => c.key === k)).filter((a): a is SimulatedApp => !!a);
  const wanted = chosen ? chosen.length : Math.min(candidates.length, Math.max(0, opts.updates ?? 1));
  for (let i = 0; i < wanted && days > 1; i++) {
    const a = chosen ? chosen[i]! : rng.pick(candidates.filter((c) => !updates.some((u) => u.app === c.key)));
    const toVersion = bumpVersion(a.publisher!.binaryVersion, rng);
    updates.push({ app: a.key, name: a.name, day: day(fromMs + rng.int(1, days - 1) * DAY), fromVersion: a.publisher!.binaryVersion, toVersion, fromHash: a.hash, toHash: updatedHash(a.key, toVersion) });
  }
  const cuts = [...new Set(updates.map((u) => u.day))].sort();
  const bounds = [opts.from, ...cuts, day(fromMs + days * DAY)];
  const events: AppLockerEvent[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const start = bounds[s]!, end = bounds[s + 1]!;
    const segDays = Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY);
    if (segDays <= 0) continue;
    const apps = new Map<string, SimulatedApp>(fleet.apps);
    for (const u of updates.filter((x) => x.day <= start)) {
      const a = apps.get(u.app)!;
      apps.set(u.app, { ...a, hash: u.toHash, publisher: { ...a.publisher!, binaryVersion: u.toVersion } });
    }
    const seg = simulateEvents({ ...fleet, groups: plans, machines, apps }, {
      seed: (opts.seed + 7919 * (s + 1)) >>> 0, days: segDays, end, policies: opts.policies,
      ...(opts.maxEvents !== undefined ? { maxEvents: Math.max(0, opts.maxEvents - events.length) } : {}),
    });
    events.push(...seg);
  }
  // One numbering per computer × channel, continuing the audit period's, in time order.
  events.sort((a, b) => (a.computer < b.computer ? -1 : a.computer > b.computer ? 1 : a.timeCreated < b.timeCreated ? -1 : a.timeCreated > b.timeCreated ? 1 : 0));
  const next = new Map<string, number>();
  const renumbered = events.map((e) => {
    const k = `${e.computer.toUpperCase()}\u001f${e.channel}`;
    const id = (next.get(k) ?? opts.recordIdBase?.get(k) ?? 0) + 1;
    next.set(k, id);
    const name = e.computer.split('.')[0]!;
    return { ...e, recordId: id, source: `simulated:${name}#${id}` };
  });

  const groupOf = new Map(fleet.machines.map((m) => [`${m.name}.${fleet.domain}`.toUpperCase(), m.group]));
  const userName = new Map(fleet.users.map((u) => [u.sid, u.name]));
  const share = Math.max(0, Math.min(1, opts.requestShare ?? 0.5));
  const requests: SimulatedAccessRequest[] = [];
  const asked = new Set<string>();
  const expected = new Map<string, { blocks: number; files: Record<string, number>; users: Set<string>; computers: Set<string>; perDay: Record<string, number> }>();
  for (const e of renumbered) {
    if (e.outcome !== 'blocked') continue;
    const g = groupOf.get(e.computer) ?? 'other';
    let x = expected.get(g);
    if (!x) expected.set(g, (x = { blocks: 0, files: {}, users: new Set(), computers: new Set(), perDay: {} }));
    x.blocks++;
    const path = e.filePath ?? '';
    x.files[path] = (x.files[path] ?? 0) + 1;
    if (e.userSid) x.users.add(e.userSid);
    x.computers.add(e.computer);
    x.perDay[e.timeCreated.slice(0, 10)] = (x.perDay[e.timeCreated.slice(0, 10)] ?? 0) + 1;
    // the first block of a file for a user: they ask for it, or not
    const key = `${e.userSid ?? ''}|${path}`;
    if (asked.has(key)) continue;
    asked.add(key);
    if (!rng.chance(share)) continue;
    requests.push({
      day: e.timeCreated.slice(0, 10), requester: `CONTOSO\\${userName.get(e.userSid ?? '') ?? 'UNKNOWN'}`, userSid: e.userSid ?? '', computer: e.computer, group: g, filePath: path,
      justification: `needed for daily work (synthetic request, ${path.split('\\').pop()})`, event: e,
    });
  }
  return {
    events: renumbered, updates, requests,
    expected: [...expected.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, x]) => ({ group, blocks: x.blocks, files: x.files, users: x.users.size, computers: x.computers.size, blocksPerDay: x.perDay })),
  };
}
