/**
 * Use case `rules accept` (issue 11 item 1): merge the rules the readiness report suggests into a GPO's
 * policy file in the workspace — canonical form, the suggestions' content-derived ids (so accepting twice is a
 * no-op), never a path rule for a user-writable folder (policy/user-writable.ts, applocker.md §7 caveat) —
 * and return the semantic diff (policy/diff.ts). `dryRun` computes everything and writes nothing.
 * Recorded in the history (app/history.ts).
 */
import type { Diagnostic } from '../diag/index.js';
import { diffPolicies, isUserWritablePath, renderPolicyDiff, type PolicyDiff } from '../policy/index.js';
import { readinessJson, withSuggestedRules, type SuggestedRule } from '../rollout/index.js';
import { canonicalJson, sha256Hex, type HistoryEntry } from '../rollout/promotion/history.js';
import { collectionModes } from '../rollout/promotion/enforce.js';
import { encodeLike, findGpo, gpoFile } from './gpo-file.js';
import { historyTarget, recordEntry, type HistoryPorts } from './history.js';
import { readiness, type ReadinessPorts } from './readiness.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace } from './workspace.js';

export type PromotionPorts = ReadinessPorts & HistoryPorts;

export interface AcceptRequest {
  readonly gpo: string;
  /** Suggestion (rule) ids to accept; or `all`. */
  readonly ids?: readonly string[];
  readonly all?: boolean;
  readonly dryRun?: boolean;
  readonly actor: string;
  readonly since?: string;
  readonly store?: string;
  readonly now?: Date;
}

export interface AcceptOutcome {
  readonly gpo: string;
  readonly policyFile: string;
  readonly accepted: readonly SuggestedRule[];
  /** Suggestions already in the policy (same id). */
  readonly alreadyPresent: readonly string[];
  readonly diff: PolicyDiff;
  readonly diffText: string;
  readonly written: boolean;
  readonly entry?: HistoryEntry;
}

export async function acceptSuggestions(ports: PromotionPorts, req: AcceptRequest): Promise<UseCaseResult<AcceptOutcome>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const g = findGpo(loaded, req.gpo, 'app.accept');
  if (!g.ok) return g;
  const gpo = g.value;
  if (!req.all && !(req.ids?.length)) return usage('app.accept.nothing-chosen', 'choose the suggestions to accept: `--id ID…` or `--all`', 'list them with `lockstep report readiness --gpo NAME`');
  const r = await readiness(ports, { gpo: gpo.name, loaded, ...(req.since ? { since: req.since } : {}), ...(req.store ? { store: req.store } : {}), ...(req.now ? { now: req.now } : {}) });
  if (!r.ok) return r;
  const report = r.value.report;
  const suggestions = new Map<string, SuggestedRule>();
  for (const gr of report.gpos.find((x) => x.gpo === gpo.name)?.groups ?? []) {
    for (const s of gr.suggestions) if (!suggestions.has(s.rule.id.toLowerCase())) suggestions.set(s.rule.id.toLowerCase(), s);
  }
  const diags: Diagnostic[] = [];
  let chosen: SuggestedRule[];
  if (req.all) chosen = [...suggestions.values()];
  else {
    chosen = [];
    for (const id of req.ids ?? []) {
      const s = suggestions.get(id.toLowerCase().replace(/^\{|\}$/g, ''));
      if (!s) {
        return usage('app.accept.unknown-suggestion', `no suggested rule \`${id}\` for \`${gpo.name}\``, suggestions.size ? `suggested now: ${[...suggestions.values()].map((x) => `\`${x.rule.id}\` (${x.rule.name})`).join(', ')}` : 'the readiness report has no suggestions for this GPO');
      }
      chosen.push(s);
    }
  }
  // INVARIANT: no path rule for a user-writable folder reaches a policy file (anyone could drop a file there).
  const safe: SuggestedRule[] = [];
  for (const s of chosen) {
    if (s.rule.kind === 'FilePathRule' && isUserWritablePath(s.rule.condition.path)) {
      diags.push({ code: 'app.accept.user-writable', severity: 'error', message: `refused \`${s.rule.id}\`: a path rule for \`${s.rule.condition.path}\` would let any user run what they put there`, help: 'allow the file by publisher or hash instead (`lockstep fileinfo FILE`)' });
      continue;
    }
    safe.push(s);
  }
  if (!req.all && safe.length < chosen.length) return refuse('invalid', diags);
  const f = gpoFile(loaded, ports.files, gpo);
  if (!f.ok) return f;
  const before = f.value.parsed.policy;
  const present = new Set(before.ruleCollections.flatMap((c) => c.rules.map((x) => x.id.toLowerCase())));
  const fresh = safe.filter((s) => !present.has(s.rule.id.toLowerCase()));
  const alreadyPresent = safe.filter((s) => present.has(s.rule.id.toLowerCase())).map((s) => s.rule.id);
  const after = withSuggestedRules(before, fresh);
  const diff = diffPolicies(before, after);
  const base = { gpo: gpo.name, policyFile: gpo.policy, accepted: fresh, alreadyPresent, diff, diffText: renderPolicyDiff(diff) };
  if (req.dryRun || fresh.length === 0) return succeed({ ...base, written: false }, diags);
  const bytes = encodeLike(after, f.value.parsed, f.value.file);
  if (!bytes.ok) return bytes;
  const t = historyTarget(ports, loaded, req.store);
  if (!t.ok) return t;
  const snapshot = new TextEncoder().encode(canonicalJson(readinessJson(report)));
  await ports.files.write(gpo.policy, bytes.value);
  const rec = await recordEntry(ports, t.value, {
    action: 'accept', actor: req.actor, time: ports.clock.now().toISOString(), gpo: gpo.name, gpoGuid: gpo.guid,
    policyFile: gpo.policy, collections: [...new Set(fresh.map((s) => s.collection))],
    modesBefore: collectionModes(before), modesAfter: collectionModes(after),
    policyBefore: sha256Hex(f.value.bytes), policyAfter: sha256Hex(bytes.value),
    readiness: { verdict: report.gpos[0]?.verdict ?? report.verdict, snapshot: sha256Hex(snapshot) },
    rules: fresh.map((s) => s.rule.id),
  }, [f.value.bytes, bytes.value, snapshot]);
  if (!rec.ok) {
    // The record failed: put the file back so the workspace never holds an unrecorded change.
    await ports.files.write(gpo.policy, f.value.bytes);
    return rec;
  }
  return succeed({ ...base, written: true, entry: rec.value }, [...diags, ...rec.diagnostics]);
}
