/**
 * The route table (issue 13 items 2–4): every API route with who may call it, what it takes and returns, and
 * the use case it calls. The server (app.ts) builds its routes, its authorization and its validation from
 * this table, the OpenAPI document (openapi.ts) is generated from it, and the authorization matrix test
 * walks it — so a route cannot exist without a documented role. Handlers only translate: no rule lives here.
 *
 * Authorization, in order: `public` routes need nothing; otherwise no or an expired session/token → 401;
 * a session write without the right `X-CSRF-Token` → 403; a role below `role` or a token without `scope`
 * → 403; `tokenOnly` routes (the shippers' intake) refuse sessions with 403.
 */
import { z } from 'zod';
import {
  actorLog, actorName, addAccount, createToken, fileDetail, filesView, fleetOverview, gpoView, listAccounts, listTokens,
  machinesView, paginate, readiness, revokeToken, updateAccount, usersView, eventsView, acceptSuggestions, approvedPromote, rollback,
  exportArtifacts, history, EXPORT_FORMATS,
  type AccountStore, type IntakeSink, type LoginThrottle, type Principal, type PromotionPorts, type Role, type Scope, type UseCaseResult,
} from '../app/index.js';
import { createHash } from 'node:crypto';
import { readinessJson } from '../rollout/index.js';
import {
  AccountAddBody, AccountPatchBody, AccountSchema, Anything, DailySchema, Empty, FileDetailSchema, FileSchema, GpoViewSchema, HistorySchema,
  LoginBody, MachineSchema, MeSchema, PageQuery, ReadinessSchema, SinceQuery, SuggestionSchema, TokenCreateBody, TokenCreated, TokenSchema,
  UserSchema, paged, AcceptBody, AcceptSchema, PromoteBody, PromoteSchema, RollbackBody, RollbackSchema, ExportListSchema,
} from './schemas.js';
import { diagnosticToJson } from '../diag/index.js';

export interface ServerDeps {
  readonly ports: PromotionPorts;
  readonly accounts: AccountStore;
  readonly intake: IntakeSink;
  readonly throttle: LoginThrottle;
  /** Store target overriding the workspace's (`serve --store`). */
  readonly store?: string;
  readonly tls: boolean;
  /** Validate every response against its schema (tests). */
  readonly checkResponses?: boolean;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface HandlerInput {
  readonly deps: ServerDeps;
  readonly principal?: Principal;
  readonly params: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
}

/** What a handler answers: a use-case result (mapped to a status by its failure kind) or a ready reply. */
export type Reply = { status: number; json: unknown } | { status: number; raw: Uint8Array; type: string; filename: string } | UseCaseResult<unknown>;

export interface Route {
  readonly method: Method;
  /** Hono path syntax: `/api/gpos/:gpo`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: 'public' | { readonly role: Role; readonly scope: Scope; readonly tokenOnly?: boolean };
  readonly query?: z.ZodObject;
  /** `raw`: the handler gets the (decompressed, size-checked) bytes. */
  readonly body?: z.ZodType | 'raw';
  readonly response: z.ZodType;
  /** Status of a success (default 200). */
  readonly status?: number;
  readonly handler: (i: HandlerInput) => Promise<Reply>;
}

const viewer = { role: 'viewer', scope: 'read' } as const;
const analystWrite = { role: 'analyst', scope: 'write' } as const;
const analystRead = { role: 'analyst', scope: 'read' } as const;
const approver = { role: 'approver', scope: 'write' } as const;
const admin = { role: 'admin', scope: 'write' } as const;
const adminRead = { role: 'admin', scope: 'read' } as const;

const since = (q: Record<string, unknown>): { since?: string } => (typeof q.since === 'string' ? { since: q.since } : {});
const page = (q: Record<string, unknown>) => ({ limit: q.limit as number, offset: q.offset as number });
const store = (d: ServerDeps): { store?: string } => (d.store ? { store: d.store } : {});
const actor = (i: HandlerInput): string => (i.principal ? actorName(i.principal) : 'anonymous');
const log = (i: HandlerInput, action: string, target: string, detail: string) => i.deps.accounts.appendLog({ at: i.deps.ports.clock.now().toISOString(), actor: actor(i), action, target, detail });

export const routes: readonly Route[] = [
  // ---- session ----
  { method: 'GET', path: '/api/me', tag: 'session', summary: 'the account of this session or token, and the CSRF token of a session', access: viewer, response: MeSchema,
    handler: async ({ principal }) => ({ status: 200, json: { account: principal!.account, ...(principal!.via.kind === 'session' ? { csrf: principal!.via.csrf } : {}) } }) },
  // ---- reads ----
  { method: 'GET', path: '/api/overview', tag: 'readiness', summary: 'every GPO and business group with its verdict and evidence numbers', access: viewer, query: SinceQuery, response: ReadinessSchema,
    handler: ({ deps, query }) => fleetOverview(deps.ports, { ...since(query), ...store(deps) }) },
  { method: 'GET', path: '/api/readiness', tag: 'readiness', summary: 'the readiness report, as `report readiness --json` prints it', access: viewer,
    query: SinceQuery.extend({ gpo: z.string().max(200).optional() }), response: ReadinessSchema,
    handler: async ({ deps, query }) => {
      const r = await readiness(deps.ports, { ...since(query), ...store(deps), ...(typeof query.gpo === 'string' ? { gpo: query.gpo } : {}) });
      return r.ok ? { status: 200, json: readinessJson(r.value.report) } : r;
    } },
  { method: 'GET', path: '/api/gpos/:gpo', tag: 'readiness', summary: 'one GPO: groups, would-be-blocked files, suggested rules, events per day', access: viewer, query: SinceQuery, response: GpoViewSchema,
    handler: ({ deps, query, params }) => gpoView(deps.ports, { gpo: params.gpo!, ...since(query), ...store(deps) }) },
  { method: 'GET', path: '/api/suggestions', tag: 'readiness', summary: 'suggested rules per GPO and group, most events covered first', access: viewer,
    query: SinceQuery.extend({ gpo: z.string().max(200).optional() }).extend(PageQuery.shape), response: paged(SuggestionSchema, 'SuggestionPage'),
    handler: async ({ deps, query }) => {
      const r = await readiness(deps.ports, { ...since(query), ...store(deps), ...(typeof query.gpo === 'string' ? { gpo: query.gpo } : {}) });
      if (!r.ok) return r;
      const all = r.value.report.gpos.flatMap((g) => g.groups.flatMap((grp) => grp.suggestions.map((s) => ({ gpo: g.gpo, group: grp.group, ...s }))));
      all.sort((a, b) => b.events - a.events);
      return { status: 200, json: paginate(all, page(query)) };
    } },
  { method: 'GET', path: '/api/files', tag: 'evidence', summary: 'files in the evidence, most events first', access: viewer,
    query: SinceQuery.extend(PageQuery.shape).extend({ q: z.string().max(260).optional(), outcome: z.enum(['allowed', 'audited', 'blocked']).optional(), computer: z.string().max(255).optional(), user: z.string().max(200).optional() }),
    response: paged(FileSchema, 'FilePage'),
    handler: ({ deps, query }) => filesView(deps.ports, {
      ...since(query), ...store(deps), page: page(query),
      ...(query.q ? { q: query.q as string } : {}), ...(query.outcome ? { outcome: query.outcome as 'audited' } : {}),
      ...(query.computer ? { computer: query.computer as string } : {}), ...(query.user ? { user: query.user as string } : {}),
    }) },
  { method: 'GET', path: '/api/files/:key', tag: 'evidence', summary: 'one file: evidence, where Enforce would block it, the rule that would fix it', access: viewer, query: SinceQuery, response: FileDetailSchema,
    handler: ({ deps, query, params }) => fileDetail(deps.ports, { key: params.key!, ...since(query), ...store(deps) }) },
  { method: 'GET', path: '/api/machines', tag: 'evidence', summary: 'the inventory: group and whether each machine reported', access: viewer,
    query: SinceQuery.extend(PageQuery.shape).extend({ q: z.string().max(255).optional() }), response: paged(MachineSchema, 'MachinePage'),
    handler: ({ deps, query }) => machinesView(deps.ports, { ...since(query), ...store(deps), page: page(query), ...(query.q ? { q: query.q as string } : {}) }) },
  { method: 'GET', path: '/api/users', tag: 'evidence', summary: 'users (SIDs) in the evidence with their files', access: viewer,
    query: SinceQuery.extend(PageQuery.shape), response: paged(UserSchema, 'UserPage'),
    handler: ({ deps, query }) => usersView(deps.ports, { ...since(query), ...store(deps), page: page(query) }) },
  { method: 'GET', path: '/api/events', tag: 'evidence', summary: 'events per day, outcome and collection (the store\'s rollup)', access: viewer,
    query: SinceQuery.extend(PageQuery.shape).extend({ computer: z.string().max(255).optional() }), response: paged(DailySchema, 'DailyPage').extend({ window: z.looseObject({}) }),
    handler: ({ deps, query }) => eventsView(deps.ports, { ...since(query), ...store(deps), page: page(query), ...(query.computer ? { computer: query.computer as string } : {}) }) },
  { method: 'GET', path: '/api/history', tag: 'history', summary: 'every write, newest first, with its actor', access: viewer, query: PageQuery, response: paged(HistorySchema, 'HistoryPage'),
    handler: async ({ deps, query }) => {
      const r = await actorLog({ accounts: deps.accounts, clock: deps.ports.clock }, page(query));
      return r.ok ? { status: 200, json: { ...r.value, ...page(query) } } : r;
    } },
  // ---- promotion (app/accept.ts, app/approval.ts, app/rollback.ts, app/export.ts; issue 11) ----
  { method: 'POST', path: '/api/gpos/:gpo/accept', tag: 'promotion', summary: 'merge suggested rules into the GPO\'s policy file (prepares a change; recorded with its actor)', access: analystWrite,
    body: AcceptBody, response: AcceptSchema,
    handler: async (i) => {
      const b = i.body as z.infer<typeof AcceptBody>;
      const r = await acceptSuggestions(i.deps.ports, { gpo: i.params.gpo!, actor: actor(i), ...store(i.deps), ...(b.ids ? { ids: b.ids } : {}), ...(b.all ? { all: true } : {}), ...(b.dryRun ? { dryRun: true } : {}), ...(b.since ? { since: b.since } : {}) });
      if (!r.ok) return r;
      const v = r.value;
      if (v.written) await log(i, 'rules.accept', v.gpo, `${v.accepted.length} rule(s)`);
      return { status: 200, json: { gpo: v.gpo, policyFile: v.policyFile, written: v.written, accepted: v.accepted.map((s) => ({ id: s.rule.id, name: s.rule.name, type: s.type, collection: s.collection, files: s.files, events: s.events })), alreadyPresent: v.alreadyPresent, diffText: v.diffText, ...(v.entry ? { entry: v.entry } : {}) } };
    } },
  { method: 'POST', path: '/api/gpos/:gpo/promote', tag: 'promotion', summary: 'move the GPO\'s collections to Enforce rules (approver; never one who prepared the pending changes or requested this)', access: approver,
    body: PromoteBody, response: PromoteSchema,
    handler: async (i) => {
      const b = i.body as z.infer<typeof PromoteBody>;
      const r = await approvedPromote(i.deps.ports, {
        gpo: i.params.gpo!, actor: actor(i), ...store(i.deps), ...(b.collections ? { collections: b.collections } : {}), ...(b.ring ? { ring: b.ring } : {}),
        ...(b.force ? { force: true } : {}), ...(b.reason ? { reason: b.reason } : {}), ...(b.requestedBy ? { requestedBy: b.requestedBy } : {}), ...(b.since ? { since: b.since } : {}),
      });
      if (!r.ok) return r;
      const v = r.value;
      if (v.status === 'promoted') await log(i, 'gpo.promote', v.gpo, `${v.collections.join(', ')}${v.ring ? ` ring ${v.ring}` : ''}${b.requestedBy ? `, requested by ${b.requestedBy}` : ''}`);
      // Not ready is an answer, not an error: 409 with the verdict so the console can show why.
      return { status: v.status === 'not-ready' ? 409 : 200, json: { gpo: v.gpo, status: v.status, collections: v.collections, policyFile: v.policyFile, verdict: v.report.verdict, diagnostics: v.report.gpos.flatMap((g) => g.reasons.map(diagnosticToJson)), ...(v.ring ? { ring: v.ring } : {}), ...(v.entry ? { entry: v.entry } : {}) } };
    } },
  { method: 'POST', path: '/api/gpos/:gpo/rollback', tag: 'promotion', summary: 'restore the GPO\'s policy as it was before its last change (or before history entry `to`)', access: approver,
    body: RollbackBody, response: RollbackSchema,
    handler: async (i) => {
      const b = i.body as z.infer<typeof RollbackBody>;
      const r = await rollback(i.deps.ports, { gpo: i.params.gpo!, actor: actor(i), ...store(i.deps), ...(b.to !== undefined ? { to: b.to } : {}), ...(b.reason ? { reason: b.reason } : {}) });
      if (!r.ok) return r;
      await log(i, 'gpo.rollback', r.value.gpo, `to entry ${r.value.restored.seq}`);
      return { status: 200, json: { gpo: r.value.gpo, policyFile: r.value.policyFile, restored: r.value.restored, entry: r.value.entry } };
    } },
  { method: 'GET', path: '/api/gpos/:gpo/export', tag: 'promotion', summary: 'deployment artifacts of the GPO: the list, or one file with `artifact=NAME` (a download)', access: analystRead,
    query: z.object({ format: z.enum(EXPORT_FORMATS).default('all'), artifact: z.string().max(200).optional(), ring: z.string().max(100).optional() }), response: ExportListSchema,
    handler: async (i) => {
      const r = await exportArtifacts(i.deps.ports, { gpo: i.params.gpo!, format: i.query.format as 'all', generatedBy: actor(i), ...store(i.deps), ...(i.query.ring ? { ring: i.query.ring as string } : {}) });
      if (!r.ok) return r;
      const name = i.query.artifact as string | undefined;
      if (name !== undefined) {
        const bytes = r.value.artifacts.get(name);
        if (!bytes) return { ok: false, failure: 'usage', diagnostics: [{ code: 'server.export.unknown', severity: 'error', message: `no artifact \`${name}\` in this export`, help: `artifacts: ${[...r.value.artifacts.keys()].map((k) => `\`${k}\``).join(', ')}` }] };
        return { status: 200, raw: bytes, type: /\.(json|xml)$/i.test(name) ? `application/${name.split('.').pop()!.toLowerCase()}` : 'application/octet-stream', filename: name.split('/').pop()! };
      }
      return { status: 200, json: { gpo: r.value.gpo, policySha256: r.value.policySha256, artifacts: [...r.value.artifacts].map(([n, b]) => ({ name: n, bytes: b.byteLength, sha256: createHash('sha256').update(b).digest('hex') })) } };
    } },
  { method: 'GET', path: '/api/promotions', tag: 'history', summary: 'the promotion history (accept, promote, rollback, import), oldest first, hash-chained', access: viewer,
    query: PageQuery.extend({ gpo: z.string().max(200).optional() }), response: paged(z.looseObject({ seq: z.number(), action: z.string(), actor: z.string(), gpo: z.string() }), 'PromotionPage'),
    handler: async (i) => {
      const r = await history(i.deps.ports, { ...store(i.deps), ...(i.query.gpo ? { gpo: i.query.gpo as string } : {}) });
      return r.ok ? { status: 200, json: paginate(r.value.entries, page(i.query)) } : r;
    } },
  // ---- accounts and tokens (admin) ----
  { method: 'GET', path: '/api/accounts', tag: 'accounts', summary: 'accounts and roles', access: adminRead, query: PageQuery, response: paged(AccountSchema, 'AccountPage'),
    handler: async ({ deps, query }) => {
      const r = await listAccounts({ accounts: deps.accounts, clock: deps.ports.clock });
      return r.ok ? { status: 200, json: paginate(r.value, page(query)) } : r;
    } },
  { method: 'POST', path: '/api/accounts', tag: 'accounts', summary: 'add an account', access: admin, body: AccountAddBody, response: AccountSchema, status: 201,
    handler: (i) => addAccount({ accounts: i.deps.accounts, clock: i.deps.ports.clock }, { ...(i.body as z.infer<typeof AccountAddBody>), actor: actor(i) }) },
  { method: 'PATCH', path: '/api/accounts/:name', tag: 'accounts', summary: 'change a role, disable or enable, set a password (ends the account\'s sessions)', access: admin, body: AccountPatchBody, response: AccountSchema,
    handler: (i) => updateAccount({ accounts: i.deps.accounts, clock: i.deps.ports.clock }, { name: i.params.name!, ...(i.body as z.infer<typeof AccountPatchBody>), actor: actor(i) }) },
  { method: 'GET', path: '/api/tokens', tag: 'accounts', summary: 'API tokens (never their secrets)', access: adminRead, query: PageQuery, response: paged(TokenSchema, 'TokenPage'),
    handler: async ({ deps, query }) => {
      const r = await listTokens({ accounts: deps.accounts, clock: deps.ports.clock });
      return r.ok ? { status: 200, json: paginate(r.value, page(query)) } : r;
    } },
  { method: 'POST', path: '/api/tokens', tag: 'accounts', summary: 'create a token; the secret is in this response only', access: admin, body: TokenCreateBody, response: TokenCreated, status: 201,
    handler: (i) => {
      const b = i.body as z.infer<typeof TokenCreateBody>;
      return createToken({ accounts: i.deps.accounts, clock: i.deps.ports.clock }, { account: b.account ?? i.principal!.account.name, name: b.name, scopes: b.scopes, actor: actor(i) });
    } },
  { method: 'DELETE', path: '/api/tokens/:id', tag: 'accounts', summary: 'revoke a token', access: admin, response: z.object({ id: z.string() }),
    handler: (i) => revokeToken({ accounts: i.deps.accounts, clock: i.deps.ports.clock }, { id: i.params.id!, actor: actor(i) }) },
];

/** Routes the server adds outside the table's generic handler but authorizes the same way (documented too). */
export const specialRoutes: readonly Omit<Route, 'handler'>[] = [
  { method: 'POST', path: '/api/login', tag: 'session', summary: 'log in: sets the HttpOnly session cookie, returns the CSRF token', access: 'public', body: LoginBody, response: MeSchema },
  { method: 'POST', path: '/api/logout', tag: 'session', summary: 'log out: ends the session', access: viewer, body: Empty, response: Empty },
  { method: 'GET', path: '/api/openapi.json', tag: 'meta', summary: 'this document', access: 'public', response: Anything },
  { method: 'GET', path: '/api/health', tag: 'meta', summary: 'liveness', access: 'public', response: z.object({ ok: z.boolean() }) },
  { method: 'POST', path: '/api/events', tag: 'intake', summary: 'a batch of events: NDJSON, a JSON array (Logstash json_batch), one JSON object (Logstash json, NXLog om_http), Event XML or CSV; gzip accepted', access: { role: 'analyst', scope: 'intake', tokenOnly: true }, body: 'raw', response: Anything },
  ...(['GET', 'HEAD'] as const).map((method) => ({ method, path: '/es/', tag: 'elasticsearch', summary: 'Elasticsearch root: version info (the version the Beat reports is echoed)', access: { role: 'analyst', scope: 'intake', tokenOnly: true } as const, response: Anything })),
  { method: 'GET', path: '/es/_license', tag: 'elasticsearch', summary: 'Elasticsearch license probe: an active trial', access: { role: 'analyst', scope: 'intake', tokenOnly: true }, response: Anything },
  { method: 'POST', path: '/es/_bulk', tag: 'elasticsearch', summary: 'Elasticsearch `_bulk` (Winlogbeat\'s elasticsearch output): one item per action', access: { role: 'analyst', scope: 'intake', tokenOnly: true }, body: 'raw', response: Anything },
  { method: 'POST', path: '/es/:index/_bulk', tag: 'elasticsearch', summary: 'Elasticsearch `_bulk` with an index in the path', access: { role: 'analyst', scope: 'intake', tokenOnly: true }, body: 'raw', response: Anything },
  ...(['GET', 'HEAD', 'PUT', 'DELETE', 'POST'] as const).map((method) => ({ method, path: '/es/*', tag: 'elasticsearch', summary: 'Elasticsearch setup probes (ILM, templates, ingest pipelines, nodes): 200 so the Beat uploads nothing', access: { role: 'analyst', scope: 'intake', tokenOnly: true } as const, response: Anything })),
];
