/**
 * Use case `promote` (issue 11 items 2–3): switch a GPO (or a pilot ring of it) from Audit only to Enforce
 * rules for chosen collections. Recomputes readiness at that moment — replaying the evidence through the
 * policy about to be enforced (the workspace file, which `rules accept` may have changed since the events were
 * logged) — and refuses unless the GPO's verdict is exactly READY; `force` + `reason` overrides and the
 * override is recorded. Refuses what would lock users out (rollout/promotion/lockout.ts) on the effective
 * policy of every business group the GPO applies to (GPOs merge, applocker.md §6.1).
 * Writes the enforced policy (EnforcementMode="Enabled" on the chosen collections, the rest untouched) and a
 * history entry with the readiness snapshot it stood on.
 */
import type { Diagnostic } from '../diag/index.js';
import { RULE_COLLECTION_TYPES, type AppLockerPolicy, type RuleCollectionType } from '../policy/index.js';
import { effectivePolicyForGroup, readinessJson, type ReadinessReport } from '../rollout/index.js';
import { canonicalJson, sha256Hex, type HistoryEntry } from '../rollout/promotion/history.js';
import { collectionModes, withEnforcement } from '../rollout/promotion/enforce.js';
import { lockoutFindings } from '../rollout/promotion/lockout.js';
import { parseRings, ringFiles, ringGpoDefinition, RINGS_FILE, type Ring } from '../rollout/promotion/rings.js';
import type { PromotionPorts } from './accept.js';
import { encodeLike, findGpo, gpoFile } from './gpo-file.js';
import { historyTarget, recordEntry } from './history.js';
import { readiness } from './readiness.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace, type LoadedWorkspace } from './workspace.js';

export interface PromoteRequest {
  readonly gpo: string;
  /** Default: the collections the GPO configures. */
  readonly collections?: readonly string[];
  readonly ring?: string;
  readonly force?: boolean;
  readonly reason?: string;
  readonly actor: string;
  readonly since?: string;
  readonly store?: string;
  readonly now?: Date;
}

export interface PromoteOutcome {
  readonly gpo: string;
  readonly ring?: string;
  /** `promoted`; `not-ready` (nothing written; the report says why); `unchanged` (already enforced). */
  readonly status: 'promoted' | 'not-ready' | 'unchanged';
  readonly collections: readonly RuleCollectionType[];
  readonly report: ReadinessReport;
  readonly policyFile: string;
  /** The ring's GPO definition file (rings only). */
  readonly ringDefinition?: string;
  readonly entry?: HistoryEntry;
}

export function parseCollections(list: readonly string[] | undefined, fallback: readonly RuleCollectionType[]): UseCaseResult<RuleCollectionType[]> {
  if (!list || list.length === 0) return succeed([...fallback]);
  const out: RuleCollectionType[] = [];
  for (const raw of list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const t = RULE_COLLECTION_TYPES.find((c) => c.toLowerCase() === raw.toLowerCase());
    if (!t) return usage('app.promote.unknown-collection', `unknown rule collection \`${raw}\``, `use ${RULE_COLLECTION_TYPES.join(', ')}`);
    if (!out.includes(t)) out.push(t);
  }
  return succeed(out);
}

async function loadRing(ports: PromotionPorts, gpo: string, name: string): Promise<UseCaseResult<Ring>> {
  if (!(await ports.files.exists(RINGS_FILE))) return usage('app.promote.no-rings', `the workspace declares no rings (\`${RINGS_FILE}\` does not exist)`, 'declare one: `rings: [{gpo: NAME, name: pilot, ou: OU=Pilot,…}]`');
  const r = parseRings(new TextDecoder().decode(await ports.files.read(RINGS_FILE)), ports.files.resolve(RINGS_FILE));
  if (r.diagnostics.length) return refuse('invalid', r.diagnostics);
  const ring = r.rings.find((x) => x.gpo.toLowerCase() === gpo.toLowerCase() && x.name.toLowerCase() === name.toLowerCase());
  if (!ring) return usage('app.promote.unknown-ring', `no ring \`${name}\` for \`${gpo}\` in \`${RINGS_FILE}\``, `rings of this GPO: ${r.rings.filter((x) => x.gpo.toLowerCase() === gpo.toLowerCase()).map((x) => `\`${x.name}\``).join(', ') || 'none'}`);
  return succeed(ring);
}

/** Lock-out findings on the effective policy of every group the GPO applies to once `policy` replaces its own. */
function lockout(loaded: LoadedWorkspace, gpoName: string, policy: AppLockerPolicy, collections: readonly RuleCollectionType[], file: string): Diagnostic[] {
  const policies = new Map(loaded.policies);
  policies.set(gpoName, policy);
  const groups = loaded.workspace.groups.filter((g) => effectivePolicyForGroup(g, loaded.workspace.gpos, policies).applied.some((a) => a.gpo.name === gpoName));
  if (groups.length === 0) return lockoutFindings(policy, collections, file);
  const out: Diagnostic[] = [];
  for (const g of groups) {
    const eff = effectivePolicyForGroup(g, loaded.workspace.gpos, policies).effective.policy;
    for (const d of lockoutFindings(eff, collections, file)) out.push({ ...d, message: `${g.name}: ${d.message}` });
  }
  return out;
}

export async function promote(ports: PromotionPorts, req: PromoteRequest): Promise<UseCaseResult<PromoteOutcome>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const g = findGpo(loaded, req.gpo, 'app.promote');
  if (!g.ok) return g;
  const gpo = g.value;
  if (req.force && !req.reason?.trim()) return usage('app.promote.reason-required', '`--force` needs `--reason TEXT`: the override is recorded with it');
  const f = gpoFile(loaded, ports.files, gpo);
  if (!f.ok) return f;
  const current = f.value.parsed.policy;
  const configured = current.ruleCollections.filter((c) => c.rules.length > 0 || (c.enforcementMode ?? 'NotConfigured') !== 'NotConfigured').map((c) => c.type);
  const cs = parseCollections(req.collections, configured);
  if (!cs.ok) return cs;
  const collections = cs.value;
  if (collections.length === 0) return usage('app.promote.no-collections', `\`${gpo.name}\` configures no rule collection`, 'name them with `--collections Exe,…`');
  // The workspace's declared enforcement overrides the XML (rollout/workspace/model.ts): it must agree.
  const declared = collections.filter((c) => gpo.enforcement[c] && gpo.enforcement[c] !== 'Enabled');
  if (declared.length) {
    return refuse('invalid', [{ code: 'app.promote.declared-enforcement', severity: 'error', message: `\`lockstep.yaml\` declares ${declared.map((c) => `${c}: ${gpo.enforcement[c]}`).join(', ')} for \`${gpo.name}\`, which would override the enforced policy`, location: loaded.workspace.locations.get(`gpos[${loaded.workspace.gpos.indexOf(gpo)}]`) ?? { kind: 'text', file: ports.files.resolve('lockstep.yaml'), line: 1, column: 1 }, help: 'remove the `enforcement:` entries for these collections (the policy file carries the mode)' }]);
  }
  let ring: Ring | undefined;
  if (req.ring) {
    const r = await loadRing(ports, gpo.name, req.ring);
    if (!r.ok) return r;
    ring = r.value;
  }
  const enforced = withEnforcement(current, collections, 'Enabled');
  const bytes = encodeLike(enforced, f.value.parsed, f.value.file);
  if (!bytes.ok) return bytes;
  // Readiness of the policy about to be enforced, replayed against the evidence (analysis/readiness.ts).
  const rr = await readiness(ports, {
    gpo: gpo.name, loaded, candidate: { name: f.value.file, bytes: bytes.value }, collections,
    ...(req.since ? { since: req.since } : {}), ...(req.store ? { store: req.store } : {}), ...(req.now ? { now: req.now } : {}),
  });
  if (!rr.ok) return rr;
  const report = rr.value.report;
  const verdict = report.gpos.find((x) => x.gpo === gpo.name)?.verdict ?? report.verdict;
  const lock = lockout(loaded, gpo.name, enforced, collections, f.value.file);
  if (lock.length) return refuse('invalid', lock);
  const files = ring ? ringFiles(gpo.name, ring.name) : { policy: gpo.policy, definition: undefined };
  const base = { gpo: gpo.name, ...(ring ? { ring: ring.name } : {}), collections, report, policyFile: files.policy, ...(files.definition ? { ringDefinition: files.definition } : {}) };
  const diags: Diagnostic[] = [];
  if (verdict !== 'READY') {
    if (!req.force) return succeed({ ...base, status: 'not-ready' });
    diags.push({ code: 'app.promote.forced', severity: 'warning', message: `\`${gpo.name}\` is ${verdict}; promoted anyway by \`${req.actor}\`: ${req.reason}` });
  }
  const before = ring ? ((await ports.files.exists(files.policy)) ? await ports.files.read(files.policy) : new Uint8Array()) : f.value.bytes;
  if (sha256Hex(before) === sha256Hex(bytes.value)) return succeed({ ...base, status: 'unchanged' }, diags);
  const t = historyTarget(ports, loaded, req.store);
  if (!t.ok) return t;
  const snapshot = new TextEncoder().encode(canonicalJson(readinessJson(report)));
  await ports.files.write(files.policy, bytes.value);
  if (ring && files.definition) await ports.files.write(files.definition, JSON.stringify(ringGpoDefinition(gpo, ring, files.policy), null, 2) + '\n');
  const rec = await recordEntry(ports, t.value, {
    action: 'promote', actor: req.actor, time: ports.clock.now().toISOString(), gpo: gpo.name, gpoGuid: gpo.guid,
    ...(ring ? { ring: ring.name } : {}), policyFile: files.policy, collections,
    modesBefore: ring ? {} : collectionModes(current), modesAfter: collectionModes(enforced),
    policyBefore: sha256Hex(before), policyAfter: sha256Hex(bytes.value),
    readiness: { verdict, snapshot: sha256Hex(snapshot) },
    ...(req.force && verdict !== 'READY' ? { forced: true } : {}), ...(req.reason ? { reason: req.reason } : {}),
  }, [before, bytes.value, snapshot]);
  if (!rec.ok) {
    await ports.files.write(files.policy, before);
    return rec;
  }
  return succeed({ ...base, status: 'promoted', entry: rec.value }, [...diags, ...rec.diagnostics]);
}
