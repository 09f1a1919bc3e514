/**
 * Use cases for access requests after enforcement (issue 14 items 1–2): create a request from a block event,
 * from file facts the requester supplies, or by hand; approve (with an optional expiry: a time-bound
 * exception), reject, ask for more information; include the approved rule in the GPO's policy file (recorded
 * in the promotion history like `rules accept`); mark it deployed; list them. Separation of duties — the
 * approver is never the requester — is enforced here through rollout/requests `transition`, not by the
 * adapters. Every change enqueues a webhook notification in the store's outbox (migration 0005) in the same
 * call; delivery is the notify/ edge's job.
 */
import { engineRuleMatcher } from '../rollout/analysis/engine-decider.js';
import type { Diagnostic } from '../diag/index.js';
import type { AppLockerEvent } from '../events/index.js';
import { collectionForPath, diffPolicies, lintPolicy, renderPolicyDiff, type AppLockerPolicy, type Rule, type RuleCollectionType } from '../policy/index.js';
import { effectivePolicyForGroup, evidenceComputerNames, gposForGroup, groupMachines, shortComputerName } from '../rollout/index.js';
import type { BusinessGroup } from '../rollout/workspace/model.js';
import { collectionModes } from '../rollout/promotion/enforce.js';
import { sha256Hex } from '../rollout/promotion/history.js';
import {
  eventsAllowed, isExpired, proposeRule, transition,
  type AccessRequest, type AccessRequestLog, type NotificationOutbox, type RequestAction, type RequestedFile, type RequestState, type RuleProposal,
} from '../rollout/requests/index.js';
import type { PromotionPorts } from './accept.js';
import { encodeLike, findGpo, gpoFile } from './gpo-file.js';
import { historyTarget, recordEntry } from './history.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace, type LoadedWorkspace } from './workspace.js';

export type OpenedRequestLog = AccessRequestLog & NotificationOutbox & { close(): Promise<void> };

export interface AccessRequestLogs {
  /** Opens the request log kept in the evidence store at `target` (created with the schema when needed). */
  open(target: string): Promise<OpenedRequestLog>;
}

export type RequestPorts = PromotionPorts & { readonly requests: AccessRequestLogs };

/** A webhook endpoint notifications go to (the body is HMAC-signed at delivery). */
export interface WebhookEndpoint {
  readonly url: string;
}

/** Where the file facts of a new request come from. */
export type RequestSubject =
  | { readonly kind: 'event'; readonly event: AppLockerEvent }
  | { readonly kind: 'file-facts'; readonly file: RequestedFile; readonly machine?: string }
  | { readonly kind: 'manual'; readonly file: RequestedFile; readonly machine?: string };

export interface NewRequestInput {
  readonly subject: RequestSubject;
  readonly requester: string;
  readonly justification: string;
  /** The GPO to add the rule to; default: the highest-precedence GPO linked to the machine's group. */
  readonly gpo?: string;
  /** The business group; default: the group whose membership holds the machine. */
  readonly group?: string;
  /** Scope the rule to this user or group SID (default Everyone, S-1-1-0). */
  readonly sid?: string;
  readonly store?: string;
  /** Days of evidence to count the events the rule would allow (default 30). */
  readonly sinceDays?: number;
  readonly webhooks?: readonly WebhookEndpoint[];
}

const BLOCK_EVENTS = new Set([8004, 8007, 8022, 8025]);
const DAY = 86_400_000;

async function openLog(ports: RequestPorts, loaded: LoadedWorkspace, store?: string): Promise<UseCaseResult<OpenedRequestLog>> {
  const t = historyTarget(ports, loaded, store);
  if (!t.ok) return t;
  try {
    return succeed(await ports.requests.open(t.value));
  } catch (e) {
    return refuse('unavailable', [{ code: 'app.request.store-unavailable', severity: 'error', message: `cannot open the request log in \`${ports.stores.redact(t.value)}\`: ${e instanceof Error ? e.message : String(e)}` }]);
  }
}

function requestedFileFromEvent(e: AppLockerEvent): UseCaseResult<RequestedFile> {
  if (!BLOCK_EVENTS.has(e.eventId)) return usage('app.request.not-a-block', `event ${e.eventId} is not a block (8004, 8007, 8022 or 8025)`, 'pick the event the user was blocked by');
  const path = e.filePath ?? e.fullFilePath ?? e.packageName;
  if (!path) return usage('app.request.event-without-file', `event ${e.eventId} of \`${e.computer}\` names no file`);
  const collection: RuleCollectionType = e.collection ?? collectionForPath(path) ?? 'Exe';
  return succeed({ collection, path, ...(e.fileHash ? { hash: e.fileHash.toUpperCase() } : {}), ...(e.fqbnText ? { fqbn: e.fqbnText } : {}) });
}

function groupOfMachine(loaded: LoadedWorkspace, machine: string | undefined): BusinessGroup | undefined {
  if (!machine) return undefined;
  const short = shortComputerName(machine);
  return loaded.workspace.groups.find((g) => groupMachines(g, loaded.inventory).includes(short));
}

/** Lint codes the rule brings: findings on the policy with the rule that the policy without it lacks. */
function lintRisk(policy: AppLockerPolicy, rule: Rule, collection: RuleCollectionType): RuleProposal['lint'] {
  const key = (f: { code: string; message: string }): string => `${f.code}|${f.message}`;
  const before = new Set(lintPolicy(policy, { matches: engineRuleMatcher }).map(key));
  const after = lintPolicy(withRule(policy, rule, collection), { matches: engineRuleMatcher });
  return after.filter((f) => !before.has(key(f))).map((f) => ({ code: f.code, severity: f.severity, message: f.message }));
}

/** `policy` with `rule` in `collection` (a collection it lacks is added in AuditOnly); a rule already there is kept once. */
export function withRule(policy: AppLockerPolicy, rule: Rule, collection: RuleCollectionType): AppLockerPolicy {
  const colls = policy.ruleCollections.map((c) => ({ ...c }));
  const i = colls.findIndex((c) => c.type === collection);
  if (i < 0) colls.push({ type: collection, enforcementMode: 'AuditOnly', rules: [rule] });
  else if (!colls[i]!.rules.some((r) => r.id.toLowerCase() === rule.id.toLowerCase())) colls[i] = { ...colls[i]!, rules: [...colls[i]!.rules, rule] };
  return { ...policy, ruleCollections: colls };
}

/** `policy` without the rules whose ids are in `ids` (case-insensitive). */
export function withoutRules(policy: AppLockerPolicy, ids: readonly string[]): AppLockerPolicy {
  const drop = new Set(ids.map((x) => x.toLowerCase()));
  return { ...policy, ruleCollections: policy.ruleCollections.map((c) => ({ ...c, rules: c.rules.filter((r) => !drop.has(r.id.toLowerCase())) })) };
}

/** The notification body for a request change: small, no secrets, enough for a chat message or a ticket. */
function notification(kind: string, r: AccessRequest): string {
  return JSON.stringify({
    kind, request: r.id, state: r.state, gpo: r.gpo, group: r.group, requester: r.requester, support: r.supportContact ?? null,
    file: r.file.path, rule: r.proposal.rule.name, ruleType: r.proposal.type,
    approver: r.approval?.approver ?? null, expiresAt: r.approval?.expiresAt ?? null, time: r.updatedAt,
  });
}

async function notify(log: NotificationOutbox, hooks: readonly WebhookEndpoint[] | undefined, kind: string, r: AccessRequest): Promise<void> {
  if (!hooks?.length) return;
  const body = notification(kind, r);
  await log.enqueue(hooks.map((h) => ({ eventKey: `${kind}:${r.id}:${r.transitions.length}:${h.url}`, endpoint: h.url, kind, body })), r.updatedAt);
}

export async function createAccessRequest(ports: RequestPorts, input: NewRequestInput): Promise<UseCaseResult<AccessRequest>> {
  if (!input.requester.trim()) return usage('app.request.requester-required', 'name the requester', 'pass `--requester NAME` (the person who needs the file)');
  if (!input.justification.trim()) return usage('app.request.justification-required', 'say why the file is needed', 'pass `--justification TEXT`');
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  let file: RequestedFile, machine: string | undefined, user: string | undefined, eventRef: string | undefined;
  if (input.subject.kind === 'event') {
    const f = requestedFileFromEvent(input.subject.event);
    if (!f.ok) return f;
    file = f.value;
    machine = input.subject.event.computer;
    user = input.subject.event.userSid;
    eventRef = `${input.subject.event.eventId} at ${input.subject.event.timeCreated} on ${input.subject.event.computer}${input.subject.event.source ? ` (${input.subject.event.source})` : ''}`;
  } else {
    file = input.subject.file;
    machine = input.subject.machine;
  }
  const group = input.group
    ? loaded.workspace.groups.find((g) => g.name.toLowerCase() === input.group!.toLowerCase())
    : groupOfMachine(loaded, machine);
  if (input.group && !group) return usage('app.request.unknown-group', `no business group \`${input.group}\``, `known groups: ${loaded.workspace.groups.map((g) => `\`${g.name}\``).join(', ')}`);
  if (!group && !input.gpo) return usage('app.request.no-group', machine ? `machine \`${machine}\` is in no business group of the workspace` : 'the request names no machine', 'pass `--group NAME` or `--gpo NAME`');
  let gpoName = input.gpo;
  if (!gpoName && group) {
    // The group's highest-precedence GPO (link order 1 wins, applocker.md §6.1) is where an allow rule belongs.
    const applied = gposForGroup(group, loaded.workspace.gpos);
    gpoName = applied[applied.length - 1]?.gpo.name ?? applied[0]?.gpo.name;
  }
  const g = findGpo(loaded, gpoName, 'app.request');
  if (!g.ok) return g;
  const gpo = g.value;
  const now = ports.clock.now();
  const createdAt = now.toISOString();
  const id = `REQ-${sha256Hex(`${createdAt}|${input.requester}|${file.path}|${file.hash ?? ''}|${file.fqbn ?? ''}|${machine ?? ''}`).slice(0, 8).toUpperCase()}`;
  const p = proposeRule(file, { gpo: gpo.name, requestId: id, ...(input.sid ? { sid: input.sid } : {}) });
  if (!p.ok) return usage('app.request.no-rule', p.message, 'supply the file facts (`Get-AppLockerFileInformation -Path FILE | ConvertTo-Json` or `lockstep fileinfo FILE --json`)');
  // Lint the policy the group's machines really get (GPOs merge, applocker.md §6.1), with and without the rule.
  const own = loaded.policies.get(gpo.name) ?? { version: '1', ruleCollections: [] };
  const policy = group ? effectivePolicyForGroup(group, loaded.workspace.gpos, loaded.policies).effective.policy : own;
  const lint = lintRisk(policy, p.rule, file.collection);
  // Events it would allow: the blocked and audited files of the group's machines (or all, without a group).
  const t = historyTarget(ports, loaded, input.store);
  if (!t.ok) return t;
  let allowed = { events: 0, files: 0 };
  const diags: Diagnostic[] = [];
  if (await ports.stores.exists(t.value)) {
    const store = await ports.stores.open(t.value);
    try {
      const computers = group ? evidenceComputerNames(groupMachines(group, loaded.inventory), loaded.workspace.domain) : undefined;
      const files = await store.files({ since: new Date(now.getTime() - (input.sinceDays ?? 30) * DAY).toISOString(), until: createdAt, outcomes: ['blocked', 'audited'], ...(computers ? { computers } : {}) });
      allowed = eventsAllowed(p.rule, file.collection, files);
    } finally {
      await store.close();
    }
  } else diags.push({ code: 'app.request.no-evidence', severity: 'warning', message: 'no evidence store yet: the events the rule would allow were not counted' });
  const request: AccessRequest = {
    id, state: 'new', source: input.subject.kind, requester: input.requester, justification: input.justification, createdAt, updatedAt: createdAt,
    gpo: gpo.name, group: group?.name ?? '', ...(group?.support ? { supportContact: group.support } : {}),
    ...(machine ? { machine } : {}), ...(user ? { userSid: user } : {}), scopeSid: p.rule.userOrGroupSid, ...(eventRef ? { eventRef } : {}),
    file, proposal: { type: p.type, rule: p.rule, collection: file.collection, reason: p.reason, lint, eventsAllowed: allowed.events, filesAllowed: allowed.files },
    transitions: [{ from: 'new', to: 'new', action: 'create', actor: input.requester, time: createdAt }],
  };
  const log = await openLog(ports, loaded, input.store);
  if (!log.ok) return log;
  try {
    if (!(await log.value.createRequest(request))) return usage('app.request.duplicate', `request \`${id}\` exists already`, `see it with \`lockstep request show ${id}\``);
    await notify(log.value, input.webhooks, 'request.created', request);
  } finally {
    await log.value.close();
  }
  return succeed(request, diags);
}

export interface DecideInput {
  readonly id: string;
  readonly action: Exclude<RequestAction, 'include'>;
  readonly actor: string;
  readonly comment?: string;
  readonly expiresAt?: Date;
  readonly store?: string;
  readonly webhooks?: readonly WebhookEndpoint[];
}

/** Applies one workflow step (approve, reject, more-info, answer, deploy) with compare-and-set. */
export async function decideAccessRequest(ports: RequestPorts, input: DecideInput): Promise<UseCaseResult<AccessRequest>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const log = await openLog(ports, l.value, input.store);
  if (!log.ok) return log;
  try {
    return await step(ports, log.value, input.id, { action: input.action, actor: input.actor, ...(input.comment ? { comment: input.comment } : {}), ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}) }, input.webhooks);
  } finally {
    await log.value.close();
  }
}

async function step(ports: RequestPorts, log: OpenedRequestLog, id: string, t: { action: RequestAction; actor: string; comment?: string; expiresAt?: Date }, hooks?: readonly WebhookEndpoint[]): Promise<UseCaseResult<AccessRequest>> {
  const r = await log.getRequest(id.toUpperCase());
  if (!r) return usage('app.request.unknown', `no access request \`${id}\``, 'list them with `lockstep request list`');
  const next = transition(r, { ...t, now: ports.clock.now() });
  if (!next.ok) return refuse('usage', [{ code: next.refusal.code, severity: 'error', message: next.refusal.message, help: next.refusal.help }]);
  if (!(await log.updateRequest(next.value, r.transitions.length))) {
    return refuse('unavailable', [{ code: 'app.request.changed', severity: 'error', message: `request \`${r.id}\` changed while acting on it`, help: 'show it again and retry' }]);
  }
  await notify(log, hooks, `request.${next.value.state}`, next.value);
  return succeed(next.value);
}

export interface IncludeOutcome {
  readonly request: AccessRequest;
  readonly policyFile: string;
  readonly diffText: string;
  readonly written: boolean;
}

/**
 * Puts an approved request's rule into its GPO's policy file (canonical form, the file's own encoding),
 * records it in the promotion history (`accept`, the rule id, the request as reason) and moves the request to
 * `included`. Only an `approved` request gets here (the workflow refuses anything else).
 */
export async function includeAccessRequest(ports: RequestPorts, input: { id: string; actor: string; store?: string; webhooks?: readonly WebhookEndpoint[] }): Promise<UseCaseResult<IncludeOutcome>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const log = await openLog(ports, loaded, input.store);
  if (!log.ok) return log;
  try {
    const r = await log.value.getRequest(input.id.toUpperCase());
    if (!r) return usage('app.request.unknown', `no access request \`${input.id}\``, 'list them with `lockstep request list`');
    const next = transition(r, { action: 'include', actor: input.actor, now: ports.clock.now() });
    if (!next.ok) return refuse('usage', [{ code: next.refusal.code, severity: 'error', message: next.refusal.message, help: next.refusal.help }]);
    if (isExpired(r, ports.clock.now())) return usage('app.request.expired', `the approval of \`${r.id}\` expired at ${r.approval?.expiresAt}`, 'ask for a new approval');
    const g = findGpo(loaded, r.gpo, 'app.request');
    if (!g.ok) return g;
    const f = gpoFile(loaded, ports.files, g.value);
    if (!f.ok) return f;
    const before = f.value.parsed.policy;
    const after = withRule(before, r.proposal.rule, r.proposal.collection);
    const diff = diffPolicies(before, after);
    const changed = diff.added.length > 0 || diff.collectionsAdded.length > 0;
    const t = historyTarget(ports, loaded, input.store);
    if (!t.ok) return t;
    let written = false;
    if (changed) {
      const bytes = encodeLike(after, f.value.parsed, f.value.file);
      if (!bytes.ok) return bytes;
      await ports.files.write(g.value.policy, bytes.value);
      const rec = await recordEntry(ports, t.value, {
        action: 'accept', actor: input.actor, time: ports.clock.now().toISOString(), gpo: g.value.name, gpoGuid: g.value.guid,
        policyFile: g.value.policy, collections: [r.proposal.collection], modesBefore: collectionModes(before), modesAfter: collectionModes(after),
        policyBefore: sha256Hex(f.value.bytes), policyAfter: sha256Hex(bytes.value), rules: [r.proposal.rule.id],
        reason: `access request ${r.id} approved by ${r.approval?.approver ?? '?'}${r.approval?.expiresAt ? ` until ${r.approval.expiresAt}` : ''}`,
      }, [f.value.bytes, bytes.value]);
      if (!rec.ok) {
        await ports.files.write(g.value.policy, f.value.bytes);
        return rec;
      }
      written = true;
    }
    if (!(await log.value.updateRequest(next.value, r.transitions.length))) {
      return refuse('unavailable', [{ code: 'app.request.changed', severity: 'error', message: `request \`${r.id}\` changed while acting on it`, help: 'show it again and retry' }]);
    }
    await notify(log.value, input.webhooks, 'request.included', next.value);
    return succeed({ request: next.value, policyFile: g.value.policy, diffText: renderPolicyDiff(diff), written });
  } finally {
    await log.value.close();
  }
}

export interface ListedRequest {
  readonly request: AccessRequest;
  readonly expired: boolean;
}

export async function listAccessRequests(ports: RequestPorts, input: { state?: RequestState; gpo?: string; expired?: boolean; store?: string }): Promise<UseCaseResult<ListedRequest[]>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const log = await openLog(ports, l.value, input.store);
  if (!log.ok) return log;
  try {
    const now = ports.clock.now();
    const all = (await log.value.listRequests({ ...(input.state ? { state: input.state } : {}), ...(input.gpo ? { gpo: input.gpo } : {}) })).map((r) => ({ request: r, expired: isExpired(r, now) }));
    return succeed(input.expired ? all.filter((x) => x.expired) : all);
  } finally {
    await log.value.close();
  }
}

export async function showAccessRequest(ports: RequestPorts, input: { id: string; store?: string }): Promise<UseCaseResult<ListedRequest>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const log = await openLog(ports, l.value, input.store);
  if (!log.ok) return log;
  try {
    const r = await log.value.getRequest(input.id.toUpperCase());
    if (!r) return usage('app.request.unknown', `no access request \`${input.id}\``, 'list them with `lockstep request list`');
    return succeed({ request: r, expired: isExpired(r, ports.clock.now()) });
  } finally {
    await log.value.close();
  }
}

export interface ExpiredException {
  readonly requestId: string;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly expiresAt: string;
}

/**
 * The time-bound exceptions of a GPO that have expired at `now`: their rules leave the next export. Used by
 * the export use case; an absent request log (ports without `requests`) means no exceptions.
 */
export async function expiredExceptions(ports: PromotionPorts, loaded: LoadedWorkspace, gpo: string, store: string | undefined, now: Date): Promise<ExpiredException[]> {
  const rq = (ports as Partial<RequestPorts>).requests;
  if (!rq) return [];
  const t = historyTarget(ports, loaded, store);
  if (!t.ok || !(await ports.stores.exists(t.value))) return [];
  const log = await rq.open(t.value);
  try {
    return (await log.listRequests({ gpo })).filter((r) => isExpired(r, now)).map((r) => ({ requestId: r.id, ruleId: r.proposal.rule.id, ruleName: r.proposal.rule.name, expiresAt: r.approval!.expiresAt! }));
  } finally {
    await log.close();
  }
}
