/**
 * Issue 14's "done when" for access requests on the demo (SQLite, CLI in-process): a block becomes a request,
 * the requester cannot approve it, another account approves it with an expiry, the rule appears in the next
 * export and leaves the export after the expiry (and is listed as expired); the notifications reach a local
 * webhook, signed; an updated file (another hash) makes `report drift` warn about the included hash rule.
 * The block event is the demo's own audit event (8003) as Enforce would have logged it (8004).
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as run } from '../../../test-support/cli.js';
import { SIGNATURE_HEADER, verifySignature } from '../../notify/index.js';

const END = '2026-11-20';
const FIN = 'AppLocker - Finance';
let dir: string;
let ws: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-request-'));
  ws = join(dir, 'demo');
  const r = await run(['demo', ws, '--machines', '12', '--days', '15', '--end', END, '--json']);
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = () => ['--workspace', ws];
const policyXml = (d: string) => new TextDecoder('utf-16le').decode(readFileSync(join(d, 'policy.xml')));

describe('access requests on the demo (CLI, SQLite)', () => {
  it('block → request → self-approval refused → approved by another with expiry → in the export → out after expiry', async () => {
    const audit = readFileSync(join(ws, 'evidence', 'synthetic-finance.ecs.ndjson'), 'utf8').split('\n').find((l) => l.includes('"event_id":"8003"'));
    expect(audit).toBeDefined();
    const block = audit!.replace(/"8003"/g, '"8004"').replace(/was allowed to run but would have been prevented from running if the AppLocker policy were enforced\./, 'was prevented from running.');
    writeFileSync(join(dir, 'block.ndjson'), `${block}\n`);

    const got: { body: string; sig: string | undefined }[] = [];
    const server = createServer((req, res) => {
      const c: Buffer[] = [];
      req.on('data', (x: Buffer) => c.push(x));
      req.on('end', () => { got.push({ body: Buffer.concat(c).toString('utf8'), sig: req.headers[SIGNATURE_HEADER] as string | undefined }); res.statusCode = 200; res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    try {
      const created = await run(['request', 'new', ...W(), '--event', join(dir, 'block.ndjson'), '--requester', 'CONTOSO\\jamie', '--justification', 'month-end close', '--now', '2026-11-21T09:00:00Z', '--webhook', hook, '--json']);
      expect(created.code).toBe(0);
      const req = JSON.parse(created.stdout).request;
      expect(req).toMatchObject({ state: 'new', gpo: FIN, group: 'Finance', source: 'event' });
      expect(req.supportContact).toBeTruthy();
      expect(req.proposal.eventsAllowed).toBeGreaterThan(0);
      expect(['Publisher', 'Hash']).toContain(req.proposal.type);

      const self = await run(['request', 'approve', req.id, ...W(), '--actor', 'jamie', '--now', '2026-11-21T10:00:00Z']);
      expect(self.code).toBe(1);
      expect(self.stderr).toContain('rollout.request.self-approval');

      const ok = await run(['request', 'approve', req.id, ...W(), '--actor', 'bob', '--expires', '7d', '--now', '2026-11-21T10:00:00Z', '--webhook', hook, '--json']);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout).request.state).toBe('included');

      // An update of the file: the same event with another hash, ingested; the hash rule just included breaks on it.
      const updated = audit!.replace(/"FileHash":"[0-9A-F]{64}"/, `"FileHash":"${'D'.repeat(64)}"`).replace(/"record_id":\d+/, '"record_id":999999');
      writeFileSync(join(dir, 'updated.ndjson'), `${updated}\n`);
      expect((await run(['ingest', ...W(), join(dir, 'updated.ndjson')])).code).toBe(0);
      const drift = await run(['report', 'drift', ...W(), '--gpo', FIN, '--now', '2026-11-22T00:00:00Z', '--json']);
      expect(req.proposal.type).toBe('Hash'); // the demo's first audited file is unsigned
      {
        expect(drift.code).toBe(2);
        const w = JSON.parse(drift.stdout).gpos[0].warnings;
        expect(w.map((x: { kind: string; ruleId: string }) => [x.kind, x.ruleId])).toContainEqual(['hash-changed', req.proposal.rule.id]);
        expect(w.find((x: { ruleId: string }) => x.ruleId === req.proposal.rule.id).seen.map((x: { hash: string }) => x.hash)).toEqual(['D'.repeat(64)]);
      }

      const before = join(dir, 'out-before');
      expect((await run(['export', ...W(), '--gpo', FIN, '--format', 'xml', '--out', before, '--now', '2026-11-22T00:00:00Z'])).code).toBe(0);
      expect(policyXml(before)).toContain(req.proposal.rule.id);

      const after = join(dir, 'out-after');
      const exp = await run(['export', ...W(), '--gpo', FIN, '--format', 'xml', '--out', after, '--now', '2026-11-29T00:00:00Z']);
      expect(exp.code).toBe(0);
      expect(exp.stderr).toContain('app.export.exception-expired');
      expect(policyXml(after)).not.toContain(req.proposal.rule.id);

      const listed = await run(['request', 'list', ...W(), '--expired', '--now', '2026-11-29T00:00:00Z', '--json']);
      expect(JSON.parse(listed.stdout).requests.map((r: { id: string }) => r.id)).toEqual([req.id]);

      process.env.LOCKSTEP_TEST_HOOK_SECRET = 's3cret';
      const sent = await run(['request', 'notify', ...W(), '--secret-env', 'LOCKSTEP_TEST_HOOK_SECRET', '--json']);
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ delivered: 3, pending: 0 });
      expect(got.map((g) => JSON.parse(g.body).kind)).toEqual(['request.created', 'request.approved', 'request.included']);
      expect(got.every((g) => verifySignature(g.body, 's3cret', g.sig))).toBe(true);
      const again = await run(['request', 'notify', ...W(), '--secret-env', 'LOCKSTEP_TEST_HOOK_SECRET', '--json']);
      expect(JSON.parse(again.stdout).delivered).toBe(0);
      expect(got.length).toBe(3);
    } finally {
      delete process.env.LOCKSTEP_TEST_HOOK_SECRET;
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
