/**
 * The readiness verdict per GPO (issue 6 items 4–5): for each GPO, each business group it applies to and
 * each collection — the effective policy with provenance (§6.1), the evidence window and the machines that
 * reported in it, the files Enforce would block (§9.2 audit events, or a CANDIDATE policy replayed, §3.2),
 * who and where, suggested rules (§8.3), and READY / NOT READY with reasons from the workspace thresholds.
 * Quiet machines are not evidence: a machine that logged nothing is counted as not reporting, and a window
 * shorter than asked is said. Pure: everything comes in through the EvidenceQuery port and values.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { AppLockerPolicy, EnforcementMode, RuleCollectionType } from '../../policy/model.js';
import { findCollection, enforcementModeOf } from '../../policy/model.js';
import type { DailyCount, EvidenceQuery, IngestHealth } from '../ports.js';
import type { BusinessGroup, Gpo, Machine, ReadinessThresholds, Workspace } from '../workspace/model.js';
import { effectivePolicyForGroup, type AppliedGpo } from './effective.js';
import { evidenceComputerNames, groupMachines, shortComputerName } from './membership.js';
import { engineDecider } from './engine-decider.js';
import type { EvidenceDecider } from './replay.js';
import { suggestRules, type SuggestedRule } from './suggest.js';
import { assessSufficiency, type EvidenceGap, type EvidenceSufficiency } from './sufficiency.js';
import { wouldBlockFiles, type WouldBlockFile } from './would-block.js';

/**
 * READY: nothing that counts would be blocked and the evidence is enough; NOT READY: something would be
 * blocked (or the GPO cannot be judged); INSUFFICIENT EVIDENCE: nothing would be blocked as far as the
 * evidence shows, but the evidence has gaps (analysis/sufficiency.ts) — missing evidence is not "nothing".
 */
export type ReadinessVerdict = 'READY' | 'NOT READY' | 'INSUFFICIENT EVIDENCE';

export interface CollectionSummary {
  readonly collection: RuleCollectionType;
  readonly mode: EnforcementMode;
  /** The GPO that set the mode (§6.1 last writer). */
  readonly modeSource?: string;
  readonly rules: number;
  /** Rule count per contributing GPO. */
  readonly ruleSources: Readonly<Record<string, number>>;
  readonly wouldBlockEvents: number;
  readonly wouldBlockFiles: number;
}

export interface GroupReadiness {
  readonly group: string;
  readonly support?: string;
  /** GPOs applied to the group, lowest precedence first. */
  readonly gpos: readonly { name: string; target: string; order: number }[];
  readonly collections: readonly CollectionSummary[];
  readonly machines: number;
  readonly machinesReporting: number;
  /** Machines of the group with no event in the window (at most 50 listed). */
  readonly quietMachines: readonly string[];
  readonly window: { readonly asked: { since: string; until: string }; readonly firstSeen?: string; readonly lastSeen?: string; readonly days: number; readonly events: number };
  readonly wouldBlock: readonly WouldBlockFile[];
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

export interface ReadinessReport {
  readonly workspace: string;
  readonly generatedAt: string;
  readonly since: string;
  readonly until: string;
  readonly thresholds: ReadinessThresholds;
  readonly gpos: readonly GpoReadiness[];
  readonly verdict: ReadinessVerdict;
  readonly notes: readonly Diagnostic[];
  /** What ingest could not read (issue 10 item 4): said in the notes when anything was lost. */
  readonly ingest?: IngestHealth;
}

export interface ReadinessInput {
  readonly workspace: Workspace;
  readonly inventory: readonly Machine[];
  /** Parsed policy per GPO name. */
  readonly policies: ReadonlyMap<string, AppLockerPolicy>;
  readonly evidence: EvidenceQuery;
  /** End of the window, ISO 8601 (the caller's clock). */
  readonly now: string;
  /** Window length in days (default 30). */
  readonly sinceDays?: number;
  /** Only this GPO (by name or GUID). */
  readonly gpo?: string;
  /** A policy that is not deployed yet, replacing the selected GPO's policy. */
  readonly candidate?: { readonly name: string; readonly policy: AppLockerPolicy };
  /** Builds the decider for a candidate; defaults to the engine (analysis/engine-decider.ts). */
  readonly makeDecider?: (policy: AppLockerPolicy) => EvidenceDecider;
}

const DAY = 86_400_000;

function reason(code: string, message: string, help?: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { code: `rollout.readiness.${code}`, severity, message, ...(help ? { help } : {}) };
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** Collections a GPO's policy configures (has rules or sets a mode). */
function configuredCollections(gpo: Gpo, policy: AppLockerPolicy | undefined): RuleCollectionType[] {
  const out = new Set<RuleCollectionType>();
  for (const c of policy?.ruleCollections ?? []) if (c.rules.length || enforcementModeOf(c) !== 'NotConfigured') out.add(c.type);
  for (const t of Object.keys(gpo.enforcement) as RuleCollectionType[]) out.add(t);
  return [...out];
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The GPOs a `--gpo` selector names (name case-insensitive, or GUID with or without braces); all when none. */
export function selectGpos(ws: Workspace, sel: string | undefined): Gpo[] {
  if (!sel) return [...ws.gpos];
  const s = sel.toLowerCase();
  return ws.gpos.filter((g) => g.name.toLowerCase() === s || g.guid.toLowerCase() === s || g.guid.toLowerCase() === `{${s}}`);
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
  const administrators = new Set(ws.administrators.map((s) => s.toUpperCase()));
  const makeDecider = input.makeDecider ?? engineDecider;
  const gpos = selectGpos(ws, input.gpo);
  if (input.gpo && gpos.length === 0) {
    notes.push(reason('unknown-gpo', `no GPO named \`${input.gpo}\` in the workspace`, `known GPOs: ${ws.gpos.map((g) => `\`${g.name}\``).join(', ')}`));
  }
  if (sinceDays < t.minDays) {
    notes.push(reason('window-shorter-than-required', `the asked window (${sinceDays} days) is shorter than the ${t.minDays} days of evidence the thresholds require`, `use \`--since ${t.minDays}d\` or more`, 'warning'));
  }
  const out: GpoReadiness[] = [];
  for (const gpo of gpos) {
    const policies = new Map(input.policies);
    if (input.candidate) policies.set(gpo.name, input.candidate.policy);
    const gpoPolicy = policies.get(gpo.name);
    const collections = configuredCollections(gpo, gpoPolicy);
    const gpoReasons: Diagnostic[] = [];
    if (!gpoPolicy) gpoReasons.push(reason('policy-missing', `the policy of GPO \`${gpo.name}\` could not be read`, `check \`${gpo.policy}\``));
    const groups: GroupReadiness[] = [];
    for (const group of ws.groups) {
      const { applied, effective } = effectivePolicyForGroup(group, ws.gpos, policies);
      if (!applied.some((a) => a.gpo.name === gpo.name)) continue;
      groups.push(await analyseGroup({ group, gpo, applied, effectivePolicy: effective.policy, ruleSources: effective.ruleSources, modeSources: effective.modeSources, collections, since, until, sinceDays, input, administrators, makeDecider }));
    }
    if (groups.length === 0) gpoReasons.push(reason('no-groups', `GPO \`${gpo.name}\` is not linked to any business group`, 'link it to a group name or an OU that holds a group'));
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
  return { workspace: ws.name, generatedAt: until, since, until, thresholds: t, gpos: out, verdict, notes, ingest };
}

/** Records the readers could not normalise, by reason (issue 10 item 4): evidence that never reached the store. */
function ingestNote(h: IngestHealth): Diagnostic | undefined {
  if (h.errors === 0) return undefined;
  const by = Object.entries(h.errorsByCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return reason('unreadable-records', `${plural(h.errors, 'record')} of ${h.recordsRead} read from ${plural(h.sources, 'export')} could not be used${by.length ? ` (${by.map(([c, n]) => `${c}: ${n}`).join(', ')})` : ''}`, 'see `lockstep ingest` for the files and lines; re-export them if they are truncated or from an unsupported format', 'warning');
}

interface GroupArgs {
  group: BusinessGroup;
  gpo: Gpo;
  applied: AppliedGpo[];
  effectivePolicy: AppLockerPolicy;
  ruleSources: ReadonlyMap<string, string>;
  modeSources: Partial<Record<RuleCollectionType, string>>;
  collections: RuleCollectionType[];
  since: string;
  until: string;
  sinceDays: number;
  input: ReadinessInput;
  administrators: Set<string>;
  makeDecider: (p: AppLockerPolicy) => EvidenceDecider;
}

async function analyseGroup(a: GroupArgs): Promise<GroupReadiness> {
  const { group, input, since, until } = a;
  const t = input.workspace.readiness;
  const machines = groupMachines(group, input.inventory);
  const filter = { since, until, computers: evidenceComputerNames(machines, input.workspace.domain) };
  const [win, files, daily, activity, clears] = machines.length
    ? await Promise.all([input.evidence.window(filter), input.evidence.files(filter), input.evidence.dailyCounts(filter), input.evidence.channelActivity(filter), input.evidence.logClears(filter)])
    : [{ events: 0, computers: [] as string[] }, [], [], { days: [], before: [] }, []];
  const reporting = new Set(win.computers.map(shortComputerName));
  const quiet = machines.filter((m) => !reporting.has(m));
  const reasons: Diagnostic[] = [];
  const collSet = new Set(a.collections);
  const wouldBlock = wouldBlockFiles(files, {
    approved: group.approved, administrators: a.administrators, collections: collSet,
    ...(input.candidate ? { candidate: a.makeDecider(a.effectivePolicy) } : {}),
  });
  const suggestions = suggestRules(wouldBlock);
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
      reasons.push(reason('too-few-days', `only ${days} days of evidence (${win.firstSeen!.slice(0, 10)} to ${win.lastSeen!.slice(0, 10)}); ${t.minDays} required`, 'keep collecting in Audit only'));
    }
    const firstMs = Date.parse(win.firstSeen!);
    if (firstMs - Date.parse(since) > 2 * DAY) {
      reasons.push(reason('window-shorter-than-asked', `the evidence starts ${win.firstSeen!.slice(0, 10)}, ${Math.floor((firstMs - Date.parse(since)) / DAY)} days after the asked start ${since.slice(0, 10)}: the window is ${days} days, not ${a.sinceDays}`, undefined, 'warning'));
    }
    const share = reporting.size / machines.length;
    if (share < t.minReportingShare) {
      reasons.push(reason('too-few-machines', `${reporting.size} of ${machines.length} machines reported (${pct(share)}); ${pct(t.minReportingShare)} required`, `quiet machines are not evidence: check event collection on ${quiet.slice(0, 5).map((q) => `\`${q}\``).join(', ')}${quiet.length > 5 ? '…' : ''}`));
    }
  }
  if (input.candidate) {
    const blind = wouldBlock.filter((f) => !f.fileHash && !f.fqbnText);
    if (blind.length) {
      // AppLocker computes hash and FQBN only when a rule needs them (§9.3): such files cannot match a
      // candidate's publisher or hash rules, so the replay may overstate what would be blocked
      reasons.push(reason('replay-incomplete', `${blind.length} would-be-blocked files have neither hash nor publisher in the evidence, so the candidate's publisher and hash rules could not be tested on them`, 'collect events under a policy with a publisher or hash rule in that collection, or scan the files (`lockstep scan`)', 'warning'));
    }
  }
  for (const type of a.collections) {
    const src = a.modeSources[type];
    // the last GPO that configures a mode wins (§6.1): switching this GPO to Enforce changes nothing here
    if (src && src !== a.gpo.name) {
      reasons.push(reason('mode-set-elsewhere', `the ${type} enforcement mode of this group comes from \`${src}\` (higher precedence), so enforcing \`${a.gpo.name}\` alone does not change it`, undefined, 'info'));
    }
  }
  // Enforcing this GPO changes only the collections whose mode it decides for this group (the last GPO that
  // configures a mode wins, §6.1); what the other collections would block is shown but is not this GPO's verdict.
  const decided = new Set(a.collections.filter((type) => !a.modeSources[type] || a.modeSources[type] === a.gpo.name));
  const counted = wouldBlock.filter((f) => decided.has(f.collection));
  const approvedEvents = counted.filter((f) => f.approvedApp).reduce((s, f) => s + f.events, 0);
  if (approvedEvents > t.maxApprovedBlocked) {
    const names = [...new Set(counted.filter((f) => f.approvedApp).map((f) => f.approvedApp!))];
    reasons.push(reason('approved-blocked', `${approvedEvents} executions of approved applications would be blocked (${names.map((n) => `\`${n}\``).join(', ')}); at most ${t.maxApprovedBlocked} allowed`, 'add the suggested rules for them to the GPO and re-run with `--policy`'));
  }
  const adminEvents = counted.filter((f) => f.byAdministrator).reduce((s, f) => s + f.events, 0);
  if (adminEvents > t.maxAdminBlocked) {
    reasons.push(reason('admin-blocked', `${adminEvents} executions by administrators would be blocked; at most ${t.maxAdminBlocked} allowed`, 'administrators need their own rules (the default rule allows BUILTIN\\Administrators everything)'));
  }
  const totalEvents = counted.reduce((s, f) => s + f.events, 0);
  if (t.maxWouldBlock !== undefined && totalEvents > t.maxWouldBlock) {
    reasons.push(reason('would-block', `${plural(counted.length, 'distinct file')} (${plural(totalEvents, 'execution')}) would be blocked; at most ${t.maxWouldBlock} allowed`, suggestions.length ? `${plural(suggestions.length, 'suggested rule')} would cover ${suggestions.reduce((s, r) => s + r.events, 0)} of them` : undefined));
  }
  const collections: CollectionSummary[] = a.collections.map((type) => {
    const c = findCollection(a.effectivePolicy, type);
    const bySource: Record<string, number> = {};
    for (const r of c?.rules ?? []) {
      const src = a.ruleSources.get(r.id.toLowerCase()) ?? '?';
      bySource[src] = (bySource[src] ?? 0) + 1;
    }
    const wb = wouldBlock.filter((f) => f.collection === type);
    return {
      collection: type, mode: enforcementModeOf(c), ...(a.modeSources[type] ? { modeSource: a.modeSources[type] } : {}),
      rules: c?.rules.length ?? 0, ruleSources: bySource,
      wouldBlockEvents: wb.reduce((s, f) => s + f.events, 0), wouldBlockFiles: wb.length,
    };
  });
  const members = new Set(machines);
  const sufficiency = assessSufficiency({
    group: group.name, machines, collections: [...decided], since, until, activity, clears, wouldBlock: counted, thresholds: t,
    machineOf: (c) => {
      const m = shortComputerName(c);
      return members.has(m) ? m : undefined;
    },
  });
  return {
    group: group.name, ...(group.support ? { support: group.support } : {}),
    gpos: a.applied.map((x) => ({ name: x.gpo.name, target: x.target, order: x.order })),
    collections, machines: machines.length, machinesReporting: [...reporting].filter((r) => machines.includes(r)).length,
    quietMachines: quiet.slice(0, 50),
    window: { asked: { since, until }, ...(win.firstSeen ? { firstSeen: win.firstSeen } : {}), ...(win.lastSeen ? { lastSeen: win.lastSeen } : {}), days, events: win.events },
    wouldBlock, suggestions,
    daily: daily.filter((d) => !d.collection || collSet.has(d.collection)),
    reasons, sufficiency, verdict: verdictOf(reasons, sufficiency.sufficient),
  };
}
