/**
 * Access requests after enforcement (issue 14 items 1–2): the request record, its workflow and the rule
 * Lockstep proposes for it. Pure: the store keeps the records (AccessRequestLog port, migration 0005), the
 * use case (app/access-request.ts) drives the transitions with an injected clock.
 *
 * Workflow: new → approved | rejected | more-info; more-info → new (the requester answers); approved →
 * included (the rule is in the GPO's policy file) → deployed (an export of that policy was made).
 * INVARIANT: a request reaches `approved` only by a person other than its requester (separation of duties),
 * and `included` only from `approved` — so nothing is included without an approval by another person.
 * An approval may carry an expiry (a time-bound exception): once past it the rule is "expired" and leaves the
 * next export (the export use case asks `isExpired`).
 */
import type { RuleCollectionType, Rule } from '../../policy/model.js';

export type RequestState = 'new' | 'more-info' | 'approved' | 'rejected' | 'included' | 'deployed';
export type RequestAction = 'approve' | 'reject' | 'more-info' | 'answer' | 'include' | 'deploy';
export type RequestSource = 'event' | 'file-facts' | 'manual';

export const REQUEST_STATES: readonly RequestState[] = ['new', 'more-info', 'approved', 'rejected', 'included', 'deployed'];

/** The file the request is about, as the block event or the file facts describe it (applocker.md §9.3). */
export interface RequestedFile {
  readonly collection: RuleCollectionType;
  /** Variable form (`%PROGRAMFILES%\LEDGER\LEDGER.EXE`) or a full path. */
  readonly path: string;
  /** SHA-256 hex, upper case, no `0x`; absent when the source had none. */
  readonly hash?: string;
  /** `O=…\PRODUCT\BINARY\1.2.3.4` (FQBN) for a signed file. */
  readonly fqbn?: string;
  readonly fileLength?: number;
}

export interface RuleProposal {
  readonly type: 'Publisher' | 'Hash';
  readonly rule: Rule;
  readonly collection: RuleCollectionType;
  readonly reason: string;
  /** Lint findings on the GPO policy with the rule added that the policy without it does not have. */
  readonly lint: readonly { readonly code: string; readonly severity: string; readonly message: string }[];
  /** Recorded events (of the GPO's machines) the rule would allow that the policy does not allow now. */
  readonly eventsAllowed: number;
  readonly filesAllowed: number;
}

export interface RequestTransition {
  readonly from: RequestState;
  readonly to: RequestState;
  readonly action: RequestAction | 'create';
  readonly actor: string;
  readonly time: string;
  readonly comment?: string;
}

export interface AccessRequest {
  /** `REQ-` + 8 hex digits, content-derived from creation. */
  readonly id: string;
  readonly state: RequestState;
  readonly source: RequestSource;
  readonly requester: string;
  readonly justification: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly gpo: string;
  readonly group: string;
  readonly supportContact?: string;
  readonly machine?: string;
  /** The blocked user's account / SID as the event logged it. */
  readonly user?: string;
  readonly userSid?: string;
  /** The SID the rule is scoped to (S-1-1-0 Everyone unless asked). */
  readonly scopeSid: string;
  /** The event the request came from (`8004 at 2026-…`), for the record. */
  readonly eventRef?: string;
  readonly file: RequestedFile;
  readonly proposal: RuleProposal;
  readonly approval?: { readonly approver: string; readonly time: string; readonly expiresAt?: string; readonly comment?: string };
  readonly transitions: readonly RequestTransition[];
}

const NEXT: Record<RequestAction, { from: readonly RequestState[]; to: RequestState }> = {
  approve: { from: ['new', 'more-info'], to: 'approved' },
  reject: { from: ['new', 'more-info', 'approved'], to: 'rejected' },
  'more-info': { from: ['new'], to: 'more-info' },
  answer: { from: ['more-info'], to: 'new' },
  include: { from: ['approved'], to: 'included' },
  deploy: { from: ['included'], to: 'deployed' },
};

export type TransitionRefusal =
  | { readonly code: 'rollout.request.bad-transition'; readonly message: string; readonly help: string }
  | { readonly code: 'rollout.request.self-approval'; readonly message: string; readonly help: string }
  | { readonly code: 'rollout.request.expiry-past'; readonly message: string; readonly help: string }
  | { readonly code: 'rollout.request.actor-required'; readonly message: string; readonly help: string };

export interface TransitionInput {
  readonly action: RequestAction;
  readonly actor: string;
  readonly now: Date;
  readonly comment?: string;
  /** Approvals only: the time the exception ends. */
  readonly expiresAt?: Date;
}

/** Case- and domain-insensitive identity: `CONTOSO\Alice` and `alice` are the same person. */
export function samePerson(a: string, b: string): boolean {
  const norm = (s: string): string => s.trim().toLowerCase().replace(/^.*\\/, '').replace(/@.*$/, '');
  return norm(a) === norm(b);
}

/** Applies one action to a request, or says why it cannot be applied. */
export function transition(r: AccessRequest, t: TransitionInput): { ok: true; value: AccessRequest } | { ok: false; refusal: TransitionRefusal } {
  if (!t.actor.trim()) return { ok: false, refusal: { code: 'rollout.request.actor-required', message: 'the person acting must be named', help: 'pass `--actor NAME`' } };
  const rule = NEXT[t.action];
  if (!rule.from.includes(r.state)) {
    return { ok: false, refusal: { code: 'rollout.request.bad-transition', message: `request \`${r.id}\` is \`${r.state}\`: it cannot be ${t.action === 'more-info' ? 'sent back for more information' : `${t.action}d`.replace(/ed$/, 'ed')}`, help: `from \`${r.state}\` the next steps are: ${nextActions(r.state).join(', ') || 'none (final)'}` } };
  }
  // Separation of duties (issue 14 item 2): the approver is never the requester.
  if (t.action === 'approve' && samePerson(t.actor, r.requester)) {
    return { ok: false, refusal: { code: 'rollout.request.self-approval', message: `\`${t.actor}\` requested \`${r.id}\` and cannot approve it`, help: 'another person must approve it' } };
  }
  if (t.action === 'approve' && t.expiresAt && t.expiresAt.getTime() <= t.now.getTime()) {
    return { ok: false, refusal: { code: 'rollout.request.expiry-past', message: `the expiry \`${t.expiresAt.toISOString()}\` is not in the future`, help: 'give a later date or a duration such as `--expires 30d`' } };
  }
  const time = t.now.toISOString();
  const step: RequestTransition = { from: r.state, to: rule.to, action: t.action, actor: t.actor, time, ...(t.comment ? { comment: t.comment } : {}) };
  const approval = t.action === 'approve'
    ? { approver: t.actor, time, ...(t.expiresAt ? { expiresAt: t.expiresAt.toISOString() } : {}), ...(t.comment ? { comment: t.comment } : {}) }
    : t.action === 'reject' ? undefined : r.approval;
  const { approval: _old, ...rest } = r;
  return { ok: true, value: { ...rest, state: rule.to, updatedAt: time, ...(approval ? { approval } : {}), transitions: [...r.transitions, step] } };
}

export function nextActions(s: RequestState): RequestAction[] {
  return (Object.keys(NEXT) as RequestAction[]).filter((a) => NEXT[a].from.includes(s));
}

/** A time-bound exception past its expiry: its rule must leave the next export. */
export function isExpired(r: AccessRequest, now: Date): boolean {
  return (r.state === 'included' || r.state === 'deployed' || r.state === 'approved') && !!r.approval?.expiresAt && Date.parse(r.approval.expiresAt) <= now.getTime();
}

/**
 * True when the history of a request shows an approval by someone other than the requester before any
 * inclusion — the property the workflow guarantees (checked by the property test and by `request show`).
 */
export function approvedByAnotherBeforeInclusion(r: AccessRequest): boolean {
  let approved = false;
  for (const t of r.transitions) {
    if (t.action === 'approve') approved = !samePerson(t.actor, r.requester);
    if (t.action === 'reject') approved = false;
    if (t.action === 'include' && !approved) return false;
  }
  return true;
}
