/**
 * Webhook delivery from the outbox (issue 14 item 2): an edge room (network I/O). Each due message is POSTed
 * with its exact body, signed `X-Lockstep-Signature: sha256=<HMAC-SHA256(secret, body) hex>` (the GitHub
 * webhook convention), with `X-Lockstep-Delivery: <event key>` so a receiver can drop a repeat. A 2xx marks
 * it delivered in the store; anything else (error status, refused connection, timeout) schedules the next
 * attempt with exponential backoff. At-least-once: a crash between the receiver's 2xx and the store's update
 * sends that message again on the next run (the delivery header identifies it); once marked, a message is
 * never sent again, across restarts, because the state lives in the store, not in this process.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationOutbox } from '../rollout/requests/index.js';

export const SIGNATURE_HEADER = 'x-lockstep-signature';
export const DELIVERY_HEADER = 'x-lockstep-delivery';

export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of a received signature (for receivers and tests). */
export function verifySignature(body: string | Uint8Array, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(body, secret));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

export interface DeliveryOptions {
  readonly secret: string;
  readonly now: () => Date;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** First retry delay (default 30 s), doubled per attempt up to `maxDelayMs` (default 1 h). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Messages per run (default 100). */
  readonly limit?: number;
}

export interface DeliveryReport {
  readonly delivered: number;
  readonly failed: readonly { readonly id: number; readonly endpoint: string; readonly error: string; readonly nextAttemptAt: string }[];
}

/** The delay before attempt `attempts + 1` (attempts already made ≥ 1). */
export function backoffMs(attempts: number, base = 30_000, max = 3_600_000): number {
  return Math.min(max, base * 2 ** Math.min(20, Math.max(0, attempts - 1)));
}

/** Sends every due message once; returns what happened. Never throws for a receiver's failure. */
export async function deliverDue(outbox: NotificationOutbox, opts: DeliveryOptions): Promise<DeliveryReport> {
  const due = await outbox.due(opts.now().toISOString(), opts.limit ?? 100);
  let delivered = 0;
  const failed: { id: number; endpoint: string; error: string; nextAttemptAt: string }[] = [];
  for (const m of due) {
    let error: string | undefined;
    try {
      const res = await fetch(m.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(m.body, opts.secret), [DELIVERY_HEADER]: m.eventKey, 'user-agent': 'lockstep-webhook' },
        body: m.body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (e) {
      const x = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      error = x.name === 'TimeoutError' || x.name === 'AbortError' ? `no answer within ${opts.timeoutMs ?? 10_000} ms` : (x.cause?.code ?? x.cause?.message ?? x.message ?? String(e));
    }
    if (error === undefined) {
      await outbox.markDelivered(m.id, opts.now().toISOString());
      delivered++;
    } else {
      const next = new Date(opts.now().getTime() + backoffMs(m.attempts + 1, opts.baseDelayMs, opts.maxDelayMs)).toISOString();
      await outbox.markFailed(m.id, error, next);
      failed.push({ id: m.id, endpoint: m.endpoint, error, nextAttemptAt: next });
    }
  }
  return { delivered, failed };
}
