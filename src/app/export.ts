/**
 * Use case `export` (issue 11 item 6): the artifacts an admin applies for one GPO (or its pilot ring), returned
 * as named bytes for the adapter to write: `policy.xml`, `deploy.ps1` + `rollback.ps1`, the Intune Graph JSON +
 * SyncML + README, the WEF subscription + `wevtutil sl` sizing, and the signed change-approval bundle
 * (readiness report HTML + JSON, semantic diff current → new, every artifact, a SHA-256 manifest and its
 * Ed25519 signature). Generators are pure (rollout/exports/); this use case gathers their inputs.
 */
import type { Diagnostic } from '../diag/index.js';
import { diffPolicies, parsePolicy, renderPolicyDiff, serializePolicy, type AppLockerPolicy } from '../policy/index.js';
import { effectivePolicyForGroup, readinessJson, renderReadinessHtml, withDeclaredEnforcement } from '../rollout/index.js';
import { lockoutFindings } from '../rollout/promotion/lockout.js';
import { buildManifest, MANIFEST_FILE, manifestBytes, SIGNATURE_FILE } from '../rollout/exports/bundle.js';
import { cspSettings, graphConfiguration, intuneReadme, syncMl } from '../rollout/exports/intune.js';
import { policyXmlBytes } from '../rollout/exports/policy-xml.js';
import { deployScript, rollbackScript } from '../rollout/exports/powershell.js';
import { channelSizes, wefSubscription, wevtutilScript } from '../rollout/exports/wef.js';
import { sha256Hex } from '../rollout/promotion/history.js';
import { collectionModes } from '../rollout/promotion/enforce.js';
import { parseRings, ringFiles, RING_GUID_PLACEHOLDER, RINGS_FILE } from '../rollout/promotion/rings.js';
import type { PromotionPorts } from './accept.js';
import { expiredExceptions, withoutRules, type ExpiredException } from './access-request.js';
import { findGpo } from './gpo-file.js';
import { historyTarget } from './history.js';
import { loadSigningKey, signManifest } from './keys.js';
import { readiness } from './readiness.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { liveChanges } from './rollback.js';
import { loadWorkspace, parseSince, type LoadedWorkspace } from './workspace.js';

export const EXPORT_FORMATS = ['all', 'xml', 'powershell', 'intune', 'wef', 'bundle'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  readonly gpo: string;
  readonly format: ExportFormat;
  readonly ring?: string;
  readonly since?: string;
  readonly store?: string;
  readonly now?: Date;
  /** `lockstep 0.1.0`, for headers. */
  readonly generatedBy: string;
  /** Days a machine's local log must hold (WEF sizing). Default 7. */
  readonly bufferDays?: number;
  /** Policy bytes to export instead of the workspace file (rollback emits what it restored). */
  readonly policyBytes?: Uint8Array;
}

export interface ExportOutcome {
  readonly gpo: string;
  /** Relative file name → bytes, in write order. */
  readonly artifacts: ReadonlyMap<string, Uint8Array>;
  readonly policySha256: string;
  /** Time-bound exceptions left out because their approval expired (issue 14). */
  readonly expired?: readonly ExpiredException[];
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function summary(p: AppLockerPolicy): string {
  return Object.entries(collectionModes(p)).map(([c, m]) => `${c}: ${m}`).join(', ') || 'no collections';
}

export async function exportArtifacts(ports: PromotionPorts, req: ExportRequest): Promise<UseCaseResult<ExportOutcome>> {
  if (!EXPORT_FORMATS.includes(req.format)) return usage('app.export.unknown-format', `unknown format \`${req.format}\``, `use ${EXPORT_FORMATS.join(', ')}`);
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const g = findGpo(loaded, req.gpo, 'app.export');
  if (!g.ok) return g;
  const gpo = g.value;
  const diags: Diagnostic[] = [];
  let name = gpo.name, guid = gpo.guid, file = gpo.policy;
  if (req.ring) {
    const text = (await ports.files.exists(RINGS_FILE)) ? new TextDecoder().decode(await ports.files.read(RINGS_FILE)) : 'rings: []';
    const rings = parseRings(text, ports.files.resolve(RINGS_FILE));
    if (rings.diagnostics.length) return refuse('invalid', rings.diagnostics);
    const ring = rings.rings.find((r) => r.gpo.toLowerCase() === gpo.name.toLowerCase() && r.name.toLowerCase() === req.ring!.toLowerCase());
    if (!ring) return usage('app.export.unknown-ring', `no ring \`${req.ring}\` for \`${gpo.name}\``);
    file = ringFiles(gpo.name, ring.name).policy;
    if (!(await ports.files.exists(file))) return usage('app.export.ring-not-promoted', `ring \`${ring.name}\` of \`${gpo.name}\` has not been promoted yet`, `run \`lockstep promote --gpo "${gpo.name}" --ring ${ring.name}\``);
    name = `${gpo.name} - ${ring.name}`;
    guid = RING_GUID_PLACEHOLDER;
    diags.push({ code: 'app.export.ring-guid', severity: 'warning', message: `the pilot GPO \`${name}\` has no GUID yet: create it, then put its GUID in deploy.ps1 and rollback.ps1 (\`$GpoGuid\`)`, help: `see \`${ringFiles(gpo.name, ring.name).definition}\`` });
  }
  const bytes = req.policyBytes ?? (await ports.files.read(file));
  const parsed = parsePolicy(bytes, { file: ports.files.resolve(file) });
  if (!parsed.ok) return refuse('invalid', parsed.diagnostics);
  // What the GPO deploys: the workspace's declared enforcement wins over the XML's (workspace/model.ts).
  const declared = req.ring ? parsed.value.policy : withDeclaredEnforcement(gpo, parsed.value.policy);
  // Time-bound exceptions (issue 14): the rules of access requests whose approval expired leave this export.
  const expired = await expiredExceptions(ports, loaded, gpo.name, req.store, req.now ?? ports.clock.now());
  const policy = expired.length ? withoutRules(declared, expired.map((e) => e.ruleId)) : declared;
  for (const e of expired) diags.push({ code: 'app.export.exception-expired', severity: 'warning', message: `rule \`${e.ruleName}\` of access request ${e.requestId} expired at ${e.expiresAt} and is left out of this export`, help: 'remove it from the policy file, or have the request approved again' });
  const want = (f: ExportFormat): boolean => req.format === f || req.format === 'all' || req.format === 'bundle';
  const out = new Map<string, Uint8Array>();
  const xml = policyXmlBytes(policy);
  // Re-read what we emit: an artifact our own parser rejects must never leave.
  const reread = parsePolicy(xml, { file: 'policy.xml' });
  if (!reread.ok || reread.diagnostics.some((d) => d.severity === 'error')) return refuse('invalid', reread.diagnostics);
  const policySha256 = sha256Hex(xml);
  if (want('xml') || want('powershell')) out.set('policy.xml', xml);
  if (want('powershell')) {
    const t = { gpoName: name, gpoGuid: guid, ...(loaded.workspace.domain ? { domain: loaded.workspace.domain } : {}), policyFile: 'policy.xml', policySha256, summary: summary(policy), generatedBy: req.generatedBy };
    out.set('deploy.ps1', enc(deployScript(t)));
    out.set('rollback.ps1', enc(rollbackScript(t)));
  }
  if (want('intune')) {
    // CSP profiles do not merge with each other or with GPOs (deployment.md §1.4): the profile must carry the
    // whole effective policy of the machines it targets, so it is built from the merge of every GPO that applies
    // to each business group this GPO reaches — one profile per distinct merged policy.
    for (const p of intunePolicies(loaded, gpo.name, policy)) {
      const suffix = p.label ? `.${p.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : '';
      const pname = p.label ? `${name} (${p.label})` : name;
      const pguid = p.label ? `${guid}:${p.label}` : guid;
      const csp = cspSettings(p.policy, pguid);
      const lock = lockoutFindings(p.policy, p.policy.ruleCollections.filter((c) => c.enforcementMode === 'Enabled').map((c) => c.type));
      diags.push(...csp.diagnostics, ...lock.map((d) => ({ ...d, severity: 'warning' as const, message: `Intune profile ${pname}: ${d.message}` })));
      out.set(`intune-graph${suffix}.json`, enc(JSON.stringify(graphConfiguration(pname, guid, csp.settings, `Generated by ${req.generatedBy}; merged policy of ${p.gpos.join(' + ')}; policy.xml sha256 ${policySha256.slice(0, 16)}`), null, 2) + '\n'));
      out.set(`intune${suffix}.syncml.xml`, enc(syncMl(pguid, csp.settings)));
      out.set(`intune${suffix}-README.md`, enc(intuneReadme(pname, guid, csp.settings, [...csp.diagnostics, ...lock], p.gpos)));
    }
  }
  const needStore = want('wef') || req.format === 'bundle' || req.format === 'all';
  if (needStore) {
    const r = await readiness(ports, { gpo: gpo.name, loaded, candidate: { name: ports.files.resolve(file), bytes: xml }, ...(req.since ? { since: req.since } : {}), ...(req.store ? { store: req.store } : {}), ...(req.now ? { now: req.now } : {}) });
    if (!r.ok) return r;
    if (want('wef')) {
      const now = req.now ?? ports.clock.now();
      const days = parseSince(req.since ?? '30d', now) ?? 30;
      const since = new Date(now.getTime() - days * 86_400_000).toISOString();
      const store = await ports.stores.open(r.value.store);
      try {
        const [daily, win] = await Promise.all([store.dailyCounts({ since, until: now.toISOString() }), store.window({ since, until: now.toISOString() })]);
        const plan = loaded.workspace.collection;
        out.set('wef-subscription.xml', enc(wefSubscription({ subscriptionId: plan.subscription ?? 'Lockstep-AppLocker', channels: plan.channels, description: `AppLocker events 8000-8029 for ${loaded.workspace.name} (generated by ${req.generatedBy})` })));
        out.set('wevtutil-sizes.cmd', enc(wevtutilScript(channelSizes(daily, win.computers.length, plan.channels, req.bufferDays ?? 7), req.bufferDays ?? 7)));
      } finally {
        await store.close();
      }
    }
    if (req.format === 'bundle' || req.format === 'all') {
      const key = await loadSigningKey(ports.files);
      if (!key.ok) {
        if (req.format === 'bundle') return key;
        diags.push({ ...key.diagnostics[0]!, severity: 'warning', message: `${key.diagnostics[0]!.message}: the signed bundle was left out` });
      } else {
        const report = r.value.report;
        out.set('readiness.json', enc(JSON.stringify(readinessJson(report), null, 2) + '\n'));
        out.set('readiness.html', enc(renderReadinessHtml(report)));
        const current = await currentPolicy(ports, loaded, gpo.name, req.store);
        const diff = diffPolicies(current ?? { version: '1', ruleCollections: [] }, policy);
        out.set('diff.txt', enc(`${current ? 'deployed (last import, else the state before the latest recorded change)' : 'nothing recorded as deployed'} → this policy\n\n${renderPolicyDiff(diff)}\n`));
        out.set('diff.json', enc(JSON.stringify(diff, null, 2) + '\n'));
        const manifest = buildManifest({ gpo: name, gpoGuid: guid, ...(req.ring ? { ring: req.ring } : {}), createdAt: (req.now ?? ports.clock.now()).toISOString(), createdBy: req.generatedBy, policySha256, keyId: key.value.keyId }, out);
        const mb = manifestBytes(manifest);
        out.set(MANIFEST_FILE, mb);
        out.set(SIGNATURE_FILE, enc(signManifest(mb, key.value.key)));
      }
    }
  }
  return succeed({ gpo: name, artifacts: out, policySha256, ...(expired.length ? { expired } : {}) }, diags);
}

/** The merged policies an Intune profile must carry, one per distinct merge over the groups the GPO reaches. */
function intunePolicies(loaded: LoadedWorkspace, gpoName: string, policy: AppLockerPolicy): { label?: string; policy: AppLockerPolicy; gpos: string[] }[] {
  const policies = new Map(loaded.policies);
  policies.set(gpoName, policy);
  const byText = new Map<string, { groups: string[]; policy: AppLockerPolicy; gpos: string[] }>();
  for (const g of loaded.workspace.groups) {
    const e = effectivePolicyForGroup(g, loaded.workspace.gpos, policies);
    if (!e.applied.some((a) => a.gpo.name === gpoName)) continue;
    const text = serializePolicy(e.effective.policy);
    const cur = byText.get(text) ?? { groups: [], policy: e.effective.policy, gpos: e.applied.map((a) => a.gpo.name) };
    cur.groups.push(g.name);
    byText.set(text, cur);
  }
  if (byText.size === 0) return [{ policy, gpos: [gpoName] }];
  const list = [...byText.values()];
  return list.map((x) => ({ ...(list.length > 1 ? { label: x.groups.join('+') } : {}), policy: x.policy, gpos: x.gpos }));
}

/** What is deployed as far as lockstep knows: the last import, else the state before the latest live change. */
async function currentPolicy(ports: PromotionPorts, loaded: LoadedWorkspace, gpo: string, store?: string): Promise<AppLockerPolicy | undefined> {
  const t = historyTarget(ports, loaded, store);
  if (!t.ok) return undefined;
  const log = await ports.logs.open(t.value);
  try {
    const all = await log.historyEntries();
    const imp = [...all].reverse().find((e) => e.gpo === gpo && e.action === 'import');
    const live = liveChanges(all, gpo);
    const sha = imp?.policyBefore ?? live[live.length - 1]?.policyBefore;
    const b = sha ? await log.historyBlob(sha) : undefined;
    const p = b ? parsePolicy(b) : undefined;
    return p?.ok ? p.value.policy : undefined;
  } finally {
    await log.close();
  }
}
