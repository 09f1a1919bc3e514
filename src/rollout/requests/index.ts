/**
 * Access requests (issue 14): the workflow and record (workflow.ts), the narrowest-rule proposal
 * (propose.ts) and the port the store implements.
 */
export * from './workflow.js';
export { proposeRule, eventsAllowed } from './propose.js';
import type { AccessRequest, RequestState } from './workflow.js';

/**
 * Where requests are kept (the evidence store, migration 0005). Writes are compare-and-set on the number of
 * transitions, so two approvers acting at once cannot both win: the loser gets `false` and re-reads.
 */
export interface AccessRequestLog {
  /** Inserts a new request; false when the id exists already. */
  createRequest(r: AccessRequest): Promise<boolean>;
  /** Replaces a request whose stored transition count is `expectedTransitions`; false if it moved. */
  updateRequest(r: AccessRequest, expectedTransitions: number): Promise<boolean>;
  getRequest(id: string): Promise<AccessRequest | undefined>;
  listRequests(filter?: { readonly state?: RequestState; readonly gpo?: string }): Promise<AccessRequest[]>;
}

/** One notification waiting in the outbox (migration 0005). */
export interface OutboxMessage {
  readonly id: number;
  /** Unique per (event, endpoint): enqueueing the same notification twice stores it once. */
  readonly eventKey: string;
  readonly endpoint: string;
  readonly kind: string;
  /** The JSON body, exactly the bytes that are signed and sent. */
  readonly body: string;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly deliveredAt?: string;
  readonly lastError?: string;
}

/** The webhook outbox: notifications are written with the change that caused them and sent at least once. */
export interface NotificationOutbox {
  /** Adds messages; an existing `eventKey` is left as it is. Returns how many were new. */
  enqueue(messages: readonly { eventKey: string; endpoint: string; kind: string; body: string }[], now: string): Promise<number>;
  /** Undelivered messages whose next attempt is due at `now`, oldest first. */
  due(now: string, limit: number): Promise<OutboxMessage[]>;
  markDelivered(id: number, at: string): Promise<void>;
  markFailed(id: number, error: string, nextAttemptAt: string): Promise<void>;
  outbox(): Promise<OutboxMessage[]>;
}
