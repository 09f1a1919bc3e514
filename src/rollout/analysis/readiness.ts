/**
 * The readiness verdict per GPO (issue 6 items 4–5, issue 10 items 1–5, 10). For each GPO and each
 * business group it applies to:
 * - per member machine, which GPOs apply and in what order (analysis/effective.ts `gposForMachine`: OU
 *   links, link order, Block Inheritance, Enforced links; applocker.md §6.1), grouped into profiles of
 *   machines that get the same GPOs;
 * - the change the verdict is about: this GPO's collections set to Enforce rules; per collection the mode
 *   that wins after the change and the GPO it comes from (NotConfigured inherits from the next GPO that
 *   configures it, §6.1; NotConfigured with rules is enforced, §3.3). Only collections that WILL be
 *   enforced are judged; the others are said, with the higher-precedence GPO that keeps them in Audit only;
 * - every file in the evidence replayed through the workspace's CURRENT policies after that change, with
 *   the engine and each user's real token (analysis/would-block.ts), and, with a candidate (`--policy`),
 *   through the candidate too: newly allowed, still blocked, newly blocked;
 * - computers named in the events mapped to the inventory by short name from any domain (ambiguity and
 *   machines outside the inventory reported, never dropped);
 * - suggested rules (analysis/suggest.ts) and READY / NOT READY with reasons from the workspace thresholds.
 * Quiet machines are not evidence. Pure: everything comes in through the EvidenceQuery port and values.
 */
import type { Diagnostic } from '../../diag/index.js';
import { EMPTY_DIRECTORY, type PrincipalDirectory } from '../../engine/index.js';
import type { AppLockerPolicy, EnforcementMode, RuleCollectionType } from '../../policy/model.js';
import { findCollection, enforcementModeOf } from '../../policy/model.js';
import type { DailyCount, EvidenceQuery, FileEvidence, IngestHealth } from '../ports.js';
import type { BusinessGroup, Gpo, Machine, ReadinessThresholds, Workspace } from '../workspace/model.js';
import { buildDirectory } from '../workspace/principals.js';
import { configuredCollections, enforcing, gposForGroup, gposForMachine, mergeApplied, withDeclaredEnforcement, type MachineGpo } from './effective.js';
import { engineDecider } from './engine-decider.js';
import { groupMachines, shortComputerName } from './membership.js';
import type { EvidenceDecider } from './replay.js';
import { suggestRules, type SuggestedRule } from './suggest.js';
import { assessSufficiency, type EvidenceGap, type EvidenceSufficiency } from './sufficiency.js';
import { replayFiles, type WouldBlockFile } from './would-block.js';

/**
 * READY: nothing that counts would be blocked and the evidence is enough; NOT READY: something would be
 * blocked (or the GPO cannot be judged); INSUFFICIENT EVIDENCE: nothing would be blocked as far as the
 * evidence shows, but the evidence has gaps (analysis/sufficiency.ts) — missing evidence is not "nothing".
 */
export type ReadinessVerdict = 'READY' | 'NOT READY' | 'INSUFFICIENT EVIDENCE';

export interface CollectionSummary {
  readonly collection: RuleCollectionType;
  /** The effective mode after this GPO moves to Enforce rules. */
  readonly mode: EnforcementMode;
  /** The GPO that sets that mode (§6.1: the highest-precedence GPO that configures it). */
  readonly modeSource?: string;
  /** The effective mode today, and its GPO. */
  readonly modeBefore: EnforcementMode;
  readonly modeSourceBefore?: string;
  /** True when the change enforces this collection, so what it would block counts for the verdict. */
  readonly judged: boolean;
  /** Why a collection is not judged, in words. */
  readonly notJudgedBecause?: string;
  readonly rules: number;
  /** Rule count per contributing GPO. */
  readonly ruleSources: Readonly<Record<string, number>>;
  readonly wouldBlockEvents: number;
  readonly wouldBlockFiles: number;
}

/** Machines of a group that get the same GPOs in the same order. */
export interface MachineProfile {
  readonly machines: number;
  /** At most 50 names. */
  readonly sample: readonly string[];
  /** Applied GPOs, lowest precedence first. */
  readonly gpos: readonly { name: string; target: string; order: number; enforced: boolean }[];
  readonly collections: readonly CollectionSummary[];
}

/** Current policy vs candidate (issue 10 item 3). */
export interface ReadinessDelta {
  readonly newlyAllowed: readonly WouldBlockFile[];
  readonly stillBlocked: readonly WouldBlockFile[];
  readonly newlyBlocked: readonly WouldBlockFile[];
}

export interface GroupReadiness {
  readonly group: string;
  readonly support?: string;
  /** GPOs applied to the group's machines (the largest profile), lowest precedence first. */
  readonly gpos: readonly { name: string; target: string; order: number; enforced?: boolean }[];
  /** The collections of the largest profile. */
  readonly collections: readonly CollectionSummary[];
  readonly profiles: readonly MachineProfile[];
  /** Machines of the group this GPO applies to. */
  readonly machines: number;
  readonly machinesReporting: number;
  /** Machines of the group with no event in the window (at most 50 listed). */
  readonly quietMachines: readonly string[];
  readonly window: { readonly asked: { since: string; until: string }; readonly firstSeen?: string; readonly lastSeen?: string; readonly days: number; readonly events: number };
  /** What Enforce would block in the judged collections: these count for the verdict. */
  readonly wouldBlock: readonly WouldBlockFile[];
  /** What the policy would block in collections the change does not enforce (shown, not counted). */
  readonly notCounted: readonly WouldBlockFile[];
  readonly delta?: ReadinessDelta;
  readonly suggestions: readonly SuggestedRule[];
  readonly daily: readonly DailyCount[];
  readonly reasons: readonly Diagnostic[];
  /** Whether the evidence is enough, and its gaps in words with dates (issue 10 item 6). */
  readonly sufficiency: EvidenceSufficiency;
  readonly verdict: ReadinessVerdict;
}

export interface GpoReadiness {
  readonly gpo: string;
  readonly guid: string;
  /** Collections this GPO configures: the ones its move to Enforce is about. */
  readonly collections: readonly RuleCollectionType[];
  readonly verdict: ReadinessVerdict;
  readonly reasons: readonly Diagnostic[];
  readonly groups: readonly GroupReadiness[];
  /** The groups' evidence gaps together: sufficient when every group's evidence is. */
  readonly sufficiency: { readonly sufficient: boolean; readonly gaps: readonly (EvidenceGap & { readonly group: string })[] };
  readonly candidate?: string;
}

/** Computers in the evidence the inventory does not know, and names that map ambiguously. */
export interface ComputerMapping {
  readonly unknown: readonly string[];
  readonly unknownCount: number;
  readonly unknownEvents: number;
  readonly ambiguous: readonly { readonly machine: string; readonly names: readonly string[] }[];
}

export interface ReadinessReport {
  readonly workspace: string;
  readonly generatedAt: string;
  readonly since: string;
  readonly until: string;
  readonly thresholds: ReadinessThresholds;
  readonly gpos: readonly GpoReadiness[];
  readonly verdict: ReadinessVerdict;
  readonly computers: ComputerMapping;
  readonly notes: readonly Diagnostic[];
  /** What ingest could not read (issue 10 item 4): said in the notes when anything was lost. */
  readonly ingest?: IngestHealth;
}

/** Reasons that say the evidence is short rather than that something would be blocked. */
const EVIDENCE_REASONS = new Set(['no-evidence', 'too-few-days', 'too-few-machines'].map((c) => `rollout.readiness.${c}`));

/**
 * The verdict rule (issue 10 item 6): anything that would be blocked (or any other error) → NOT READY; else
 * evidence gaps → INSUFFICIENT EVIDENCE; else READY.
 */
export function verdictOf(reasons: readonly Diagnostic[], sufficient: boolean): ReadinessVerdict {
  const errors = reasons.filter((r) => r.severity === 'error');
  if (errors.some((r) => !EVIDENCE_REASONS.has(r.code))) return 'NOT READY';
  return !sufficient || errors.length ? 'INSUFFICIENT EVIDENCE' : 'READY';
}

/** The worst of several verdicts (NOT READY over INSUFFICIENT EVIDENCE over READY); NOT READY for none. */
export function worstVerdict(verdicts: readonly ReadinessVerdict[]): ReadinessVerdict {
  if (verdicts.length === 0 || verdicts.includes('NOT READY')) return 'NOT READY';
  return verdicts.includes('INSUFFICIENT EVIDENCE') ? 'INSUFFICIENT EVIDENCE' : 'READY';
}

/** Records the readers could not normalise, by reason (issue 10 item 4): evidence that never reached the store. */
function ingestNote(h: IngestHealth): Diagnostic | undefined {
  if (h.errors === 0) return undefined;
  const by = Object.entries(h.errorsByCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return reason('unreadable-records', `${plural(h.errors, 'record')} of ${h.recordsRead} read from ${plural(h.sources, 'export')} could not be used${by.length ? ` (${by.map(([c, n]) => `${c}: ${n}`).join(', ')})` : ''}`, 'see `lockstep ingest` for the files and lines; re-export them if they are truncated or from an unsupported format', 'warning');
}

export interface ReadinessInput {
  readonly workspace: Workspace;
  readonly inventory: readonly Machine[];
  /** Parsed policy per GPO name: the workspace's current policy files. */
  readonly policies: ReadonlyMap<string, AppLockerPolicy>;
  readonly evidence: EvidenceQuery;
  /** Users' groups and administrators (the principals files); from `workspace.administrators` when absent. */
  readonly directory?: PrincipalDirectory;
  /** End of the window, ISO 8601 (the caller's clock). */
  readonly now: string;
  /** Window length in days (default 30). */
  readonly sinceDays?: number;
  /** Only this GPO (by name or GUID). */
  readonly gpo?: string;
  /** A policy that is not deployed yet, overlaid on the selected GPO's current policy. */
  readonly candidate?: { readonly name: string; readonly policy: AppLockerPolicy };
  /** Only these collections move to Enforce (promotion of some collections); default every collection the GPO configures. */
  readonly collections?: readonly RuleCollectionType[];
  /** Builds the decider for a policy; defaults to the engine (analysis/engine-decider.ts). */
  readonly makeDecider?: (policy: AppLockerPolicy) => EvidenceDecider;
}

const DAY = 86_400_000;
const SAMPLE = 50;

function reason(code: string, message: string, help?: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { code: `rollout.readiness.${code}`, severity, message, ...(help ? { help } : {}) };
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The GPOs a `--gpo` selector names (name case-insensitive, or GUID with or without braces); all when none. */
export function selectGpos(ws: Workspace, sel: string | undefined): Gpo[] {
  if (!sel) return [...ws.gpos];
  const s = sel.toLowerCase();
  return ws.gpos.filter((g) => g.name.toLowerCase() === s || g.guid.toLowerCase() === s || g.guid.toLowerCase() === `{${s}}`);
}

/** The domain part of a logged computer name (`FIN-1.CONTOSO.COM` → `CONTOSO.COM`; '' for a short name). */
function domainOf(name: string): string {
  const i = name.indexOf('.');
  return i < 0 ? '' : name.slice(i + 1).toUpperCase();
}

interface NameMap {
  /** Short inventory name → the names the evidence logs for it. */
  readonly logged: ReadonlyMap<string, readonly string[]>;
  readonly mapping: ComputerMapping;
}

/**
 * Maps every computer name in the evidence to an inventory machine by its short name, whatever its domain
 * (§9.4: events log the FQDN). One short name logged under two domains is ambiguous: both are counted for
 * the machine and the ambiguity is reported. Names that match no machine are unknown.
 */
async function mapComputers(evidence: EvidenceQuery, known: ReadonlySet<string>, since: string, until: string): Promise<NameMap> {
  const all = await evidence.window({ since, until });
  const logged = new Map<string, string[]>();
  const unknownNames: string[] = [];
  for (const c of all.computers) {
    const s = shortComputerName(c);
    if (!known.has(s)) { unknownNames.push(c); continue; }
    const l = logged.get(s) ?? [];
    l.push(c);
    logged.set(s, l);
  }
  const ambiguous: { machine: string; names: string[] }[] = [];
  for (const [m, names] of logged) {
    const domains = new Set(names.map(domainOf).filter(Boolean));
    if (domains.size > 1) ambiguous.push({ machine: m, names: [...names].sort() });
  }
  const unknownEvents = unknownNames.length ? (await evidence.window({ since, until, computers: unknownNames })).events : 0;
  const unknownShort = [...new Set(unknownNames.map((n) => n.toUpperCase()))].sort();
  return { logged, mapping: { unknown: unknownShort.slice(0, SAMPLE), unknownCount: unknownShort.length, unknownEvents, ambiguous } };
}

/** The names to ask the store for, for some inventory machines: what the evidence logged, the short name and the FQDN. */
function storeNames(machines: readonly string[], names: NameMap, domain: string | undefined): string[] {
  const out = new Set<string>();
  for (const m of machines) {
    out.add(m);
    if (domain) out.add(`${m}.${domain}`.toUpperCase());
    for (const l of names.logged.get(m) ?? []) out.add(l);
  }
  return [...out];
}

/**
 * Builds the readiness report.
 * @example await analyseReadiness({ workspace, inventory, policies, evidence: store, now: new Date().toISOString() })
 */
export async function analyseReadiness(input: ReadinessInput): Promise<ReadinessReport> {
  const ws = input.workspace;
  const t = ws.readiness;
  const untilMs = Date.parse(input.now);
  const sinceDays = Math.max(1, input.sinceDays ?? 30);
  const since = new Date(untilMs - sinceDays * DAY).toISOString();
  const until = new Date(untilMs).toISOString();
  const notes: Diagnostic[] = [];
  const directory = input.directory ?? (ws.administrators.length ? buildDirectory([], ws.administrators).directory : EMPTY_DIRECTORY);
  const gpos = selectGpos(ws, input.gpo);
  if (input.gpo && gpos.length === 0) {
    notes.push(reason('unknown-gpo', `no GPO named \`${input.gpo}\` in the workspace`, `known GPOs: ${ws.gpos.map((g) => `\`${g.name}\``).join(', ')}`));
  }
  if (sinceDays < t.minDays) {
    notes.push(reason('window-shorter-than-required', `the asked window (${plural(sinceDays, 'day')}) is shorter than the ${plural(t.minDays, 'day')} of evidence the thresholds require`, `use \`--since ${t.minDays}d\` or more`, 'warning'));
  }
  const known = new Set<string>(input.inventory.map((m) => m.name.toUpperCase()));
  for (const g of ws.groups) for (const c of g.membership.computers) known.add(c.toUpperCase());
  const names = await mapComputers(input.evidence, known, since, until);
  if (names.mapping.unknownCount) {
    notes.push(reason('unknown-computers', `${plural(names.mapping.unknownCount, 'computer')} in the evidence ${names.mapping.unknownCount === 1 ? 'is' : 'are'} not in the inventory (${plural(names.mapping.unknownEvents, 'event')}): ${names.mapping.unknown.slice(0, 5).map((n) => `\`${n}\``).join(', ')}${names.mapping.unknownCount > 5 ? ', …' : ''}`, 'add them to the machines inventory (name,ou) so their evidence counts for their group', 'warning'));
  }
  for (const a of names.mapping.ambiguous) {
    notes.push(reason('ambiguous-computer', `machine \`${a.machine}\` is logged under ${a.names.length} domains (${a.names.map((n) => `\`${n}\``).join(', ')}); their events are all counted for it`, 'check that these are one machine; rename or remove the other from the evidence if not', 'warning'));
  }
  const inventoryOu = new Map(input.inventory.map((m) => [m.name.toUpperCase(), m.ou]));
  // each group's members once: a machine's group-name links need every group it is in
  const membersOf = new Map(ws.groups.map((g) => [g.name, groupMachines(g, input.inventory)]));
  const groupsOf = new Map<string, string[]>();
  for (const [g, ms] of membersOf) for (const m of ms) groupsOf.set(m, [...(groupsOf.get(m) ?? []), g]);
  const out: GpoReadiness[] = [];
  for (const gpo of gpos) {
    const current = input.policies.get(gpo.name);
    const candidate = input.candidate?.policy;
    const configured = [...new Set([...configuredCollections(gpo, current), ...(candidate ? configuredCollections(gpo, candidate) : [])])];
    const collections = input.collections && input.gpo ? configured.filter((c) => input.collections!.includes(c)) : configured;
    const gpoReasons: Diagnostic[] = [];
    if (!current && !candidate) gpoReasons.push(reason('policy-missing', `the policy of GPO \`${gpo.name}\` could not be read`, `check \`${gpo.policy}\``));
    const groups: GroupReadiness[] = [];
    for (const group of ws.groups) {
      const members = membersOf.get(group.name) ?? [];
      const memberGroups = (m: string): string[] => groupsOf.get(m) ?? [group.name];
      const profiles = new Map<string, { applied: MachineGpo[]; machines: string[] }>();
      for (const m of members) {
        const ou = inventoryOu.get(m);
        const applied = gposForMachine({ ...(ou ? { ou } : {}), groups: memberGroups(m), groupOus: group.membership.ous }, ws.gpos, ws.blockInheritance ?? []);
        if (!applied.some((a) => a.gpo.name === gpo.name)) continue;
        const key = applied.map((a) => a.gpo.name).join('\u0000');
        const p = profiles.get(key) ?? { applied, machines: [] };
        p.machines.push(m);
        profiles.set(key, p);
      }
      // a group linked to the GPO with no machine in the inventory is still reported (no machines)
      if (profiles.size === 0 && !(members.length === 0 && gposForGroup(group, ws.gpos).some((a) => a.gpo.name === gpo.name))) continue;
      groups.push(await analyseGroup({ group, gpo, collections, profiles: [...profiles.values()], since, until, sinceDays, input, directory, names }));
    }
    if (groups.length === 0) gpoReasons.push(reason('no-groups', `GPO \`${gpo.name}\` applies to no business group`, 'link it to a group name or an OU that holds a group\'s machines'));
    for (const g of groups) for (const r of g.reasons) gpoReasons.push({ ...r, message: `${g.group}: ${r.message}` });
    const sufficient = groups.every((g) => g.sufficiency.sufficient);
    out.push({
      gpo: gpo.name, guid: gpo.guid, collections,
      verdict: worstVerdict([verdictOf(gpoReasons, sufficient), ...groups.map((g) => g.verdict)]),
      reasons: gpoReasons, groups,
      sufficiency: { sufficient, gaps: groups.flatMap((g) => g.sufficiency.gaps.map((x) => ({ ...x, group: g.group }))) },
      ...(input.candidate ? { candidate: input.candidate.name } : {}),
    });
  }
  const ingest = await input.evidence.ingestHealth();
  const lost = ingestNote(ingest);
  if (lost) notes.push(lost);
  const verdict: ReadinessVerdict = notes.some((n) => n.severity === 'error') ? 'NOT READY' : worstVerdict(out.map((g) => g.verdict));
  return { workspace: ws.name, generatedAt: until, since, until, thresholds: t, gpos: out, verdict, computers: names.mapping, notes, ingest };
}

interface GroupArgs {
  group: BusinessGroup;
  gpo: Gpo;
  collections: RuleCollectionType[];
  profiles: { applied: MachineGpo[]; machines: string[] }[];
  since: string;
  until: string;
  sinceDays: number;
  input: ReadinessInput;
  directory: PrincipalDirectory;
  names: NameMap;
}

/** Describes where a GPO sits for a machine: `link order 1 on OU=…, enforced`. */
function linkText(a: MachineGpo): string {
  return `link order ${a.order} on ${a.target}${a.enforced ? ', enforced' : ''}`;
}

function isEnforced(mode: EnforcementMode, rules: number): boolean {
  // NotConfigured with rules is enforced in the final effective policy (§3.3)
  return mode === 'Enabled' || (mode === 'NotConfigured' && rules > 0);
}

/** Adds `b`'s files into `a` (same key: collection, path, hash, FQBN), summing counts. */
function mergeFiles(a: WouldBlockFile[], b: readonly WouldBlockFile[]): WouldBlockFile[] {
  if (a.length === 0) return [...b];
  const key = (f: WouldBlockFile): string => [f.collection, f.filePath, f.fileHash ?? '', f.fqbnText ?? ''].join('\u0000');
  const m = new Map(a.map((f) => [key(f), f]));
  for (const f of b) {
    const p = m.get(key(f));
    if (!p) { m.set(key(f), f); continue; }
    const users = [...new Set([...p.users, ...f.users])].sort();
    const computers = [...new Set([...p.computers, ...f.computers])].sort();
    m.set(key(f), {
      ...p, events: p.events + f.events, users: users.slice(0, SAMPLE), computers: computers.slice(0, SAMPLE),
      userCount: Math.max(users.length, p.userCount, f.userCount), computerCount: p.computerCount + f.computerCount,
      firstSeen: p.firstSeen < f.firstSeen ? p.firstSeen : f.firstSeen, lastSeen: p.lastSeen > f.lastSeen ? p.lastSeen : f.lastSeen,
      byAdministrator: p.byAdministrator || f.byAdministrator, loggedOutcomes: [...new Set([...p.loggedOutcomes, ...f.loggedOutcomes])].sort(),
    });
  }
  return [...m.values()].sort((x, y) => y.events - x.events || x.filePath.localeCompare(y.filePath));
}

async function analyseGroup(a: GroupArgs): Promise<GroupReadiness> {
  const { group, gpo, input, since, until, directory } = a;
  const t = input.workspace.readiness;
  const makeDecider = input.makeDecider ?? engineDecider;
  const machines = a.profiles.flatMap((p) => p.machines).sort();
  const filter = { since, until, computers: storeNames(machines, a.names, input.workspace.domain) };
  const [win, daily, activity, clears] = machines.length
    ? await Promise.all([input.evidence.window(filter), input.evidence.dailyCounts(filter), input.evidence.channelActivity(filter), input.evidence.logClears(filter)])
    : [{ events: 0, computers: [] as string[] }, [], { days: [], before: [] }, []];
  const reporting = new Set(win.computers.map(shortComputerName));
  const quiet = machines.filter((m) => !reporting.has(m));
  const reasons: Diagnostic[] = [];
  const configured = new Set(a.collections);
  let wouldBlock: WouldBlockFile[] = [], notCounted: WouldBlockFile[] = [];
  let newlyAllowed: WouldBlockFile[] = [], stillBlocked: WouldBlockFile[] = [], newlyBlocked: WouldBlockFile[] = [];
  let incomplete = 0;
  const profiles: MachineProfile[] = [];
  const notJudgedSaid = new Set<string>();
  // collections enforced after the change on at least one profile: the ones whose evidence must be sufficient
  const judgedAny = new Set<RuleCollectionType>();
  for (const p of [...a.profiles].sort((x, y) => y.machines.length - x.machines.length)) {
    const current = input.policies.get(gpo.name) ?? { version: '1', ruleCollections: [] };
    const before = mergeApplied(p.applied, input.policies);
    const after = mergeApplied(p.applied, input.policies, { gpo: gpo.name, policy: enforcing(withDeclaredEnforcement(gpo, current), a.collections) });
    const cand = input.candidate ? mergeApplied(p.applied, input.policies, { gpo: gpo.name, policy: enforcing(withDeclaredEnforcement(gpo, input.candidate.policy), a.collections) }) : undefined;
    const judgedPolicy = cand ?? after;
    const judged = new Set<RuleCollectionType>();
    const summaries: CollectionSummary[] = [];
    const idx = new Map(p.applied.map((x, i) => [x.gpo.name, i]));
    for (const type of a.collections) {
      const c = findCollection(judgedPolicy.policy, type);
      const mode = enforcementModeOf(c);
      const src = judgedPolicy.modeSources[type];
      const rules = c?.rules.length ?? 0;
      let notJudgedBecause: string | undefined;
      if (isEnforced(mode, rules)) judged.add(type);
      else if (src && src !== gpo.name) {
        const higher = p.applied[idx.get(src) ?? 0]!;
        // the winner of a mode is the highest-precedence GPO that configures it (§6.1): here a GPO processed after this one
        notJudgedBecause = `${type} stays ${mode} on ${plural(p.machines.length, 'machine')}: \`${src}\` (${linkText(higher)}) has higher precedence than \`${gpo.name}\` (${linkText(p.applied[idx.get(gpo.name)!]!)}) and sets ${mode}`;
      } else notJudgedBecause = `${type} has no rules after the change, so nothing in it is enforced`;
      const cb = findCollection(before.policy, type);
      const bySource: Record<string, number> = {};
      for (const r of c?.rules ?? []) {
        const s = judgedPolicy.ruleSources.get(r.id.toLowerCase()) ?? '?';
        bySource[s] = (bySource[s] ?? 0) + 1;
      }
      summaries.push({
        collection: type, mode, ...(src ? { modeSource: src } : {}),
        modeBefore: enforcementModeOf(cb), ...(before.modeSources[type] ? { modeSourceBefore: before.modeSources[type] } : {}),
        judged: judged.has(type), ...(notJudgedBecause ? { notJudgedBecause } : {}),
        rules, ruleSources: bySource, wouldBlockEvents: 0, wouldBlockFiles: 0,
      });
      if (notJudgedBecause && !notJudgedSaid.has(notJudgedBecause)) {
        notJudgedSaid.add(notJudgedBecause);
        reasons.push(reason('collection-not-enforced', notJudgedBecause, 'what it would block is listed but does not count for this GPO\'s verdict', 'info'));
      }
    }
    const pf = { since, until, computers: storeNames(p.machines, a.names, input.workspace.domain) };
    const files: FileEvidence[] = p.machines.length ? await input.evidence.files(pf) : [];
    const r = replayFiles(files, {
      approved: group.approved, directory, collections: configured,
      current: makeDecider(after.policy), ...(cand ? { candidate: makeDecider(cand.policy) } : {}),
    });
    incomplete += r.incompleteFacts;
    for (const j of judged) judgedAny.add(j);
    wouldBlock = mergeFiles(wouldBlock, r.wouldBlock.filter((f) => judged.has(f.collection)));
    notCounted = mergeFiles(notCounted, r.wouldBlock.filter((f) => !judged.has(f.collection)));
    newlyAllowed = mergeFiles(newlyAllowed, r.newlyAllowed.filter((f) => judged.has(f.collection)));
    stillBlocked = mergeFiles(stillBlocked, r.stillBlocked.filter((f) => judged.has(f.collection)));
    newlyBlocked = mergeFiles(newlyBlocked, r.newlyBlocked.filter((f) => judged.has(f.collection)));
    const colls = summaries.map((s) => {
      const wb = r.wouldBlock.filter((f) => f.collection === s.collection);
      return { ...s, wouldBlockEvents: wb.reduce((n, f) => n + f.events, 0), wouldBlockFiles: wb.length };
    });
    profiles.push({
      machines: p.machines.length, sample: p.machines.slice(0, SAMPLE),
      gpos: p.applied.map((x) => ({ name: x.gpo.name, target: x.target, order: x.order, enforced: x.enforced })), collections: colls,
    });
  }
  const suggestions = suggestRules(wouldBlock, { versionFloor: input.workspace.suggest?.versionFloor ?? 'lowest-seen' });
  // days of evidence: calendar days (UTC) from the first to the last event seen, both included — evidence from
  // the 11th to the 24th is 14 days, and a single day counts as 1
  const days = win.firstSeen && win.lastSeen
    ? Math.round((Date.parse(win.lastSeen.slice(0, 10)) - Date.parse(win.firstSeen.slice(0, 10))) / DAY) + 1
    : 0;

  if (machines.length === 0) {
    reasons.push(reason('no-machines', `no machine of the inventory belongs to group \`${group.name}\``, 'check the group membership (OU, name pattern, computers) and the inventory CSV'));
  } else if (win.events === 0) {
    reasons.push(reason('no-evidence', `no AppLocker events from group \`${group.name}\` between ${since.slice(0, 10)} and ${until.slice(0, 10)}`, 'ingest the exports of this group (`lockstep ingest`) or widen `--since`'));
  } else {
    if (days < t.minDays) {
      reasons.push(reason('too-few-days', `only ${plural(days, 'day')} of evidence (${win.firstSeen!.slice(0, 10)} to ${win.lastSeen!.slice(0, 10)}); ${t.minDays} required`, 'keep collecting in Audit only'));
    }
    const firstMs = Date.parse(win.firstSeen!);
    if (firstMs - Date.parse(since) > 2 * DAY) {
      reasons.push(reason('window-shorter-than-asked', `the evidence starts ${win.firstSeen!.slice(0, 10)}, ${plural(Math.floor((firstMs - Date.parse(since)) / DAY), 'day')} after the asked start ${since.slice(0, 10)}: the window is ${plural(days, 'day')}, not ${a.sinceDays}`, undefined, 'warning'));
    }
    const share = reporting.size / machines.length;
    if (share < t.minReportingShare) {
      reasons.push(reason('too-few-machines', `${reporting.size} of ${plural(machines.length, 'machine')} reported (${pct(share)}); ${pct(t.minReportingShare)} required`, `quiet machines are not evidence: check event collection on ${quiet.slice(0, 5).map((q) => `\`${q}\``).join(', ')}${quiet.length > 5 ? '…' : ''}`));
    }
  }
  if (incomplete && wouldBlock.some((f) => !f.fileHash && !f.fqbnText)) {
    const blind = wouldBlock.filter((f) => !f.fileHash && !f.fqbnText).length;
    // AppLocker computes hash and FQBN only when a rule needs them (§9.3): such files cannot match publisher
    // or hash rules in the replay, so it may overstate what would be blocked
    reasons.push(reason('replay-incomplete', `${plural(blind, 'would-be-blocked file')} ${blind === 1 ? 'has' : 'have'} neither hash nor publisher in the evidence, so publisher and hash rules could not be tested on ${blind === 1 ? 'it' : 'them'}`, 'collect events under a policy with a publisher or hash rule in that collection, or scan the files (`lockstep scan`)', 'warning'));
  }
  if (input.candidate) {
    const ev = (l: readonly WouldBlockFile[]): number => l.reduce((n, f) => n + f.events, 0);
    reasons.push(reason('candidate-delta', `candidate \`${input.candidate.name}\` vs the current policy: ${plural(newlyAllowed.length, 'file')} newly allowed (${plural(ev(newlyAllowed), 'execution')}), ${plural(stillBlocked.length, 'file')} still blocked, ${plural(newlyBlocked.length, 'file')} newly blocked (${plural(ev(newlyBlocked), 'execution')})`, newlyBlocked.length ? 'the newly blocked files are allowed today: the candidate drops or narrows a rule they need' : undefined, 'info'));
  }
  const approvedEvents = wouldBlock.filter((f) => f.approvedApp).reduce((s, f) => s + f.events, 0);
  if (approvedEvents > t.maxApprovedBlocked) {
    const appNames = [...new Set(wouldBlock.filter((f) => f.approvedApp).map((f) => f.approvedApp!))];
    reasons.push(reason('approved-blocked', `${plural(approvedEvents, 'execution')} of approved applications would be blocked (${appNames.map((n) => `\`${n}\``).join(', ')}); at most ${t.maxApprovedBlocked} allowed`, `add the suggested rules for them to \`${gpo.policy}\` and re-run`));
  }
  const adminEvents = wouldBlock.filter((f) => f.byAdministrator).reduce((s, f) => s + f.events, 0);
  if (adminEvents > t.maxAdminBlocked) {
    reasons.push(reason('admin-blocked', `${plural(adminEvents, 'execution')} by administrators would be blocked; at most ${t.maxAdminBlocked} allowed`, 'administrators need their own rules (the default rule allows BUILTIN\\Administrators everything)'));
  }
  const totalEvents = wouldBlock.reduce((s, f) => s + f.events, 0);
  if (t.maxWouldBlock !== undefined && totalEvents > t.maxWouldBlock) {
    reasons.push(reason('would-block', `${plural(wouldBlock.length, 'distinct file')} (${plural(totalEvents, 'execution')}) would be blocked; at most ${t.maxWouldBlock} allowed`, suggestions.length ? `${plural(suggestions.length, 'suggested rule')} would cover ${suggestions.reduce((s, r) => s + r.events, 0)} of them: add ${suggestions.length === 1 ? 'it' : 'them'} to \`${gpo.policy}\`` : undefined));
  }
  const members = new Set(machines);
  const sufficiency = assessSufficiency({
    group: group.name, machines, collections: [...judgedAny], since, until, activity, clears, wouldBlock, thresholds: t,
    machineOf: (c) => {
      const m = shortComputerName(c);
      return members.has(m) ? m : undefined;
    },
  });
  const first = profiles[0];
  return {
    group: group.name, ...(group.support ? { support: group.support } : {}),
    gpos: first?.gpos ?? gposForGroup(group, input.workspace.gpos).map((x) => ({ name: x.gpo.name, target: x.target, order: x.order })),
    collections: first?.collections ?? [], profiles,
    machines: machines.length, machinesReporting: [...reporting].filter((r) => machines.includes(r)).length,
    quietMachines: quiet.slice(0, SAMPLE),
    window: { asked: { since, until }, ...(win.firstSeen ? { firstSeen: win.firstSeen } : {}), ...(win.lastSeen ? { lastSeen: win.lastSeen } : {}), days, events: win.events },
    wouldBlock, notCounted, ...(input.candidate ? { delta: { newlyAllowed, stillBlocked, newlyBlocked } } : {}), suggestions,
    daily: daily.filter((d) => !d.collection || configured.has(d.collection)),
    reasons, sufficiency, verdict: verdictOf(reasons, sufficiency.sufficient),
  };
}
