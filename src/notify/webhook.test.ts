/**
 * Webhook delivery to a local receiver on 127.0.0.1 that fails (500), times out (never answers in time), then
 * recovers: every notification is delivered, each signature verifies, and after a restart (the store closed
 * and reopened) nothing delivered is sent again.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRequestStore } from '../store/requests.js';
import { backoffMs, deliverDue, DELIVERY_HEADER, SIGNATURE_HEADER, verifySignature } from './webhook.js';

const SECRET = 'test-secret-9f2c';
const dir = mkdtempSync(join(tmpdir(), 'lockstep-webhook-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('webhook delivery', () => {
  it('fails, times out, recovers: all delivered once, signed, none again after a restart', async () => {
    let mode: 'fail' | 'hang' | 'ok' = 'fail';
    const received: { key: string; body: string; sigOk: boolean }[] = [];
    const hits: string[] = [];
    const hanging: ServerResponse[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        hits.push(mode);
        if (mode === 'fail') { res.statusCode = 500; res.end('down'); return; }
        if (mode === 'hang') { hanging.push(res); return; }
        received.push({ key: String(req.headers[DELIVERY_HEADER]), body, sigOk: verifySignature(body, SECRET, req.headers[SIGNATURE_HEADER] as string | undefined) });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const endpoint = `http://127.0.0.1:${port}/hook`;
    const file = join(dir, 'e.db');
    let t = new Date('2026-11-21T10:00:00Z');
    const now = (): Date => t;
    const opts = { secret: SECRET, now, timeoutMs: 300, baseDelayMs: 1000 };
    try {
      let s = await openRequestStore(file);
      const msgs = [1, 2, 3].map((i) => ({ eventKey: `request.created:REQ-${i}:1:${endpoint}`, endpoint, kind: 'request.created', body: JSON.stringify({ request: `REQ-${i}`, n: i }) }));
      expect(await s.enqueue(msgs, t.toISOString())).toBe(3);

      const r1 = await deliverDue(s, opts);
      expect(r1.delivered).toBe(0);
      expect(r1.failed.map((f) => f.error)).toEqual(['HTTP 500', 'HTTP 500', 'HTTP 500']);
      // Not due again before the backoff has passed.
      expect((await deliverDue(s, opts)).failed.length).toBe(0);

      mode = 'hang';
      t = new Date(t.getTime() + backoffMs(1, 1000));
      const r2 = await deliverDue(s, opts);
      expect(r2.delivered).toBe(0);
      expect(r2.failed.every((f) => /no answer within 300 ms/.test(f.error))).toBe(true);
      for (const h of hanging) h.destroy();

      // A restart: the process's state is gone, the store's is not.
      await s.close();
      s = await openRequestStore(file);
      mode = 'ok';
      t = new Date(t.getTime() + backoffMs(2, 1000));
      const r3 = await deliverDue(s, opts);
      expect(r3.delivered).toBe(3);
      expect(received.map((x) => x.key).sort()).toEqual(msgs.map((m) => m.eventKey).sort());
      expect(received.every((x) => x.sigOk)).toBe(true);
      expect(received.map((x) => x.body).sort()).toEqual(msgs.map((m) => m.body).sort());
      expect(verifySignature(received[0]!.body, 'wrong-secret', undefined)).toBe(false);

      await s.close();
      s = await openRequestStore(file);
      t = new Date(t.getTime() + 86_400_000);
      expect(await s.enqueue(msgs, t.toISOString())).toBe(0);
      const r4 = await deliverDue(s, opts);
      expect(r4.delivered + r4.failed.length).toBe(0);
      expect(received.length).toBe(3);
      expect((await s.outbox()).map((m) => m.attempts)).toEqual([3, 3, 3]);
      expect(hits.filter((h) => h === 'ok').length).toBe(3);
      await s.close();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('backoff doubles and is capped', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
  });
});
