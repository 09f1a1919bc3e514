/**
 * The HTTP application (issue 13): a Hono app built from the route table (routes.ts) — authentication
 * (session cookie or API token), authorization (role, scope, CSRF), zod validation of queries, bodies and
 * (in tests) responses, errors in the diagnostics JSON shape — plus login/logout, the event intake, the
 * Elasticsearch-compatible endpoints Winlogbeat talks to (shared/spec/deployment.md §4.3) and the console's
 * static files. `app.fetch` is the whole server: serve.ts wraps it for Node, tests call `app.request()`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { z } from 'zod';
import {
  bulkIntake, csrfMatches, intakeBatch, login, logout, roleAtLeast, SESSION_HOURS, sessionPrincipal, tokenPrincipal,
  type Principal, type UseCaseResult,
} from '../app/index.js';
import { diagnosticToJson, type Diagnostic } from '../diag/index.js';
import { buildOpenApi } from './openapi.js';
import { routes, specialRoutes, type Method, type Reply, type Route, type ServerDeps } from './routes.js';
import { LoginBody } from './schemas.js';

export const SESSION_COOKIE = 'lockstep_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface ServerLimits {
  /** Largest request body for the intake (compressed, as sent). */
  readonly intakeBytes: number;
  /** Largest body after gzip decompression (a gzip bomb stops here). */
  readonly intakeInflatedBytes: number;
  /** Largest JSON body of the other routes. */
  readonly jsonBytes: number;
  /** Intake batches waiting for the store beyond the one being written: more → 429. */
  readonly intakeQueue: number;
}
export const DEFAULT_LIMITS: ServerLimits = { intakeBytes: 32 * 1024 * 1024, intakeInflatedBytes: 256 * 1024 * 1024, jsonBytes: 1024 * 1024, intakeQueue: 8 };

const diag = (code: string, message: string, help?: string): Diagnostic => ({ code, severity: 'error', message, ...(help ? { help } : {}) });
const errorBody = (ds: readonly Diagnostic[]) => ({ diagnostics: ds.map(diagnosticToJson) });

/** A use case's failure kind → HTTP status. An unknown GPO, file or account is a 404. */
function statusOf(r: Extract<UseCaseResult<unknown>, { ok: false }>): number {
  if (r.failure === 'invalid') return 422;
  if (r.failure === 'unavailable') return 503;
  if (r.diagnostics.some((d) => /\.(unknown|unknown-gpo|unknown-file|unknown-account)$/.test(d.code))) return 404;
  if (r.diagnostics.some((d) => d.code === 'app.accounts.exists')) return 409;
  if (r.diagnostics.some((d) => d.code === 'app.accounts.separation-of-duties')) return 403;
  return 400;
}

/**
 * Serialises intake batches (the store has one writer) and bounds the queue: a batch that would wait behind
 * `max` others is refused with 429, which every shipper retries (deployment.md §4.1–4.3).
 */
export class IntakeGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  get depth(): number {
    return this.running + this.waiting.length;
  }
  async run<T>(fn: () => Promise<T>): Promise<T | 'busy'> {
    if (this.running > 0 && this.waiting.length >= this.max) return 'busy';
    if (this.running > 0) await new Promise<void>((res) => this.waiting.push(res));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** Reads a request body up to `max` bytes (Content-Length first, then the stream), inflating gzip/deflate. */
async function readBody(c: Context, limits: { raw: number; inflated: number }): Promise<Uint8Array | Response> {
  const tooLarge = (what: string) => c.json(errorBody([diag('server.body.too-large', `the request body is ${what}`, 'send smaller batches (Winlogbeat splits a batch on 413; set Logstash/NXLog batch sizes lower)')]), 413);
  const len = Number(c.req.header('content-length') ?? '0');
  if (len > limits.raw) return tooLarge(`${len} bytes, over the ${limits.raw}-byte limit`);
  const reader = c.req.raw.body?.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.raw) {
        await reader.cancel();
        return tooLarge(`over the ${limits.raw}-byte limit`);
      }
      chunks.push(value);
    }
  }
  let bytes: Uint8Array = Buffer.concat(chunks);
  const enc = (c.req.header('content-encoding') ?? '').toLowerCase().trim();
  if (enc === 'gzip' || enc === 'deflate') {
    try {
      bytes = (enc === 'gzip' ? gunzipSync : inflateSync)(bytes, { maxOutputLength: limits.inflated });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /buffer|larger/i.test(String((e as Error).message))) return tooLarge(`over ${limits.inflated} bytes once decompressed`);
      return c.json(errorBody([diag('server.body.bad-encoding', `the body is not valid ${enc}`)]), 400);
    }
  } else if (enc && enc !== 'identity') {
    return c.json(errorBody([diag('server.body.bad-encoding', `content-encoding \`${enc}\` is not supported`, 'send gzip or no encoding')]), 415);
  }
  return bytes;
}

/** The console's built files (dist/web), loaded once; unknown paths fall back to index.html (client routes). */
function loadWeb(root: string | undefined): Map<string, { bytes: Buffer; type: string }> {
  const files = new Map<string, { bytes: Buffer; type: string }>();
  if (!root || !existsSync(root)) return files;
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2' };
  const walk = (d: string, depth: number): void => {
    if (depth > 8) return;
    for (const n of readdirSync(d)) {
      const f = join(d, n);
      if (statSync(f).isDirectory()) walk(f, depth + 1);
      else files.set('/' + relative(root, f).split(sep).join('/'), { bytes: readFileSync(f), type: types[extname(f)] ?? 'application/octet-stream' });
    }
  };
  walk(root, 0);
  return files;
}

/** `Elastic-Winlogbeat/8.14.3 (…)` → `8.14.3` (deployment.md §4.3.1 item 2: echo the Beat's version). */
function beatVersion(ua: string | undefined): string {
  return /^Elastic-\w+\/(\d+\.\d+\.\d+)/.exec(ua ?? '')?.[1] ?? '8.17.0';
}

export interface CreateAppOptions {
  readonly deps: ServerDeps;
  readonly limits?: Partial<ServerLimits>;
  /** Folder of the built console (index.html, assets/); absent = API only. */
  readonly webRoot?: string;
  /** The server's own name for the OpenAPI `servers` entry. */
  readonly baseUrl?: string;
}

export function createApp(o: CreateAppOptions): Hono {
  const { deps } = o;
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const accountPorts = { accounts: deps.accounts, clock: deps.ports.clock };
  const gate = new IntakeGate(limits.intakeQueue);
  const web = loadWeb(o.webRoot);
  const openapi = buildOpenApi([...routes, ...specialRoutes], o.baseUrl);
  const app = new Hono();

  app.onError((e, c) => {
    // E7: no stack traces to the client; the message is generic, the cause stays on the server.
    return c.json(errorBody([diag('server.internal', 'the server failed to answer this request', `the server log has the cause (${(e as Error).name})`)]), 500);
  });

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    if (deps.tls) c.header('Strict-Transport-Security', 'max-age=31536000');
    if (!c.req.path.startsWith('/api/') && !c.req.path.startsWith('/es')) {
      c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    } else c.header('Cache-Control', 'no-store');
    if (c.req.path.startsWith('/es')) c.header('X-Elastic-Product', 'Elasticsearch');
  });

  /** The caller: a session cookie, or a token as Bearer, `ApiKey base64(id:secret)` or Basic `id:secret`. */
  const authenticate = async (c: Context): Promise<Principal | undefined> => {
    const h = c.req.header('authorization');
    if (h) {
      const [scheme, value = ''] = h.split(/\s+/, 2);
      const s = (scheme ?? '').toLowerCase();
      if (s === 'bearer') return tokenPrincipal(accountPorts, value);
      if (s === 'apikey' || s === 'basic') {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i < 0) return undefined;
        return tokenPrincipal(accountPorts, { id: decoded.slice(0, i), secret: decoded.slice(i + 1) });
      }
      return undefined;
    }
    const sid = getCookie(c, SESSION_COOKIE);
    return sid ? sessionPrincipal(accountPorts, sid) : undefined;
  };

  /** Authorization for a route (the order is documented in routes.ts); a Response when refused. */
  const authorize = async (c: Context, r: Omit<Route, 'handler'>): Promise<Principal | undefined | Response> => {
    if (r.access === 'public') return undefined;
    const p = await authenticate(c);
    if (!p) {
      if (r.path.startsWith('/es')) c.header('WWW-Authenticate', 'ApiKey');
      return c.json(errorBody([diag('server.auth.no-session', 'not logged in, or the session or token expired or was revoked', 'log in at /api/login, or send `Authorization: Bearer TOKEN`')]), 401);
    }
    const unsafe = !['GET', 'HEAD'].includes(c.req.method);
    if (unsafe && !csrfMatches(p, c.req.header(CSRF_HEADER))) {
      return c.json(errorBody([diag('server.auth.csrf', 'the CSRF token of this session is missing or wrong', 'send the `csrf` value of /api/me or /api/login as `X-CSRF-Token`')]), 403);
    }
    if (r.access.tokenOnly && p.via.kind !== 'token') {
      return c.json(errorBody([diag('server.auth.token-only', 'this endpoint is for shippers: it takes an API token, not a session', 'create one: `lockstep token create --user NAME --name SHIPPER --scope intake`')]), 403);
    }
    if (!roleAtLeast(p.account.role, r.access.role)) {
      return c.json(errorBody([diag('server.auth.role', `the role \`${p.account.role}\` may not do this; it needs \`${r.access.role}\``)]), 403);
    }
    if (p.via.kind === 'token' && !p.via.scopes.includes(r.access.scope)) {
      return c.json(errorBody([diag('server.auth.scope', `this token lacks the \`${r.access.scope}\` scope`)]), 403);
    }
    return p;
  };

  const reply = (c: Context, r: Route, out: Reply): Response => {
    if ('ok' in out) {
      if (!out.ok) return c.json(errorBody(out.diagnostics), statusOf(out) as 400);
      return respond(c, r, r.status ?? 200, out.value);
    }
    if ('raw' in out) {
      c.header('Content-Type', out.type);
      c.header('Content-Disposition', `attachment; filename="${out.filename.replace(/[^\w.-]/g, '_')}"`);
      return c.body(out.raw as Uint8Array<ArrayBuffer>, out.status as 200);
    }
    return respond(c, r, out.status, out.json);
  };
  const respond = (c: Context, r: Omit<Route, 'handler'>, status: number, json: unknown): Response => {
    if (deps.checkResponses && status < 300) {
      const v = r.response.safeParse(json);
      if (!v.success) throw new Error(`response of ${r.method} ${r.path} does not match its schema: ${v.error.message}`);
    }
    return c.json(json as object, status as 200);
  };

  const parseJson = async (c: Context, schema: z.ZodType): Promise<unknown | Response> => {
    const raw = await readBody(c, { raw: limits.jsonBytes, inflated: limits.jsonBytes });
    if (raw instanceof Response) return raw;
    let value: unknown = {};
    if (raw.byteLength) {
      try {
        value = JSON.parse(new TextDecoder().decode(raw));
      } catch {
        return c.json(errorBody([diag('server.body.bad-json', 'the request body is not json')]), 400);
      }
    }
    const v = schema.safeParse(value);
    if (!v.success) return c.json(errorBody(v.error.issues.map((i) => ({ ...diag('server.body.invalid', `${i.path.join('.') || 'body'}: ${i.message.toLowerCase()}`), location: { kind: 'text', file: 'request body', line: 1, column: 1, path: i.path.join('.') } } as Diagnostic))), 400);
    return v.data;
  };

  // ---- the table's routes ----
  for (const r of routes) {
    app.on(r.method, r.path, async (c) => {
      const p = await authorize(c, r);
      if (p instanceof Response) return p;
      let query: Record<string, unknown> = {};
      if (r.query) {
        const v = r.query.safeParse(c.req.query());
        if (!v.success) return c.json(errorBody(v.error.issues.map((i) => ({ ...diag('server.query.invalid', `${i.path.join('.')}: ${i.message.toLowerCase()}`), location: { kind: 'text', file: 'query', line: 1, column: 1, path: i.path.join('.') } } as Diagnostic))), 400);
        query = v.data as Record<string, unknown>;
      }
      let body: unknown;
      if (r.body && r.body !== 'raw') {
        const b = await parseJson(c, r.body);
        if (b instanceof Response) return b;
        body = b;
      }
      return reply(c, r, await r.handler({ deps, ...(p ? { principal: p } : {}), params: c.req.param() as Record<string, string>, query, body }));
    });
  }

  const special = (m: Method, path: string): Omit<Route, 'handler'> => specialRoutes.find((r) => r.method === m && r.path === path)!;

  // ---- session ----
  app.post('/api/login', async (c) => {
    const b = await parseJson(c, LoginBody);
    if (b instanceof Response) return b;
    const { name, password } = b as z.infer<typeof LoginBody>;
    const client = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'local';
    const r = await login({ ...accountPorts, throttle: deps.throttle }, { name, password, client });
    if (!r.ok) {
      if (r.retryAfterMs) {
        c.header('Retry-After', String(Math.ceil(r.retryAfterMs / 1000)));
        return c.json(errorBody(r.diagnostics), 429);
      }
      return c.json(errorBody(r.diagnostics), 401);
    }
    setCookie(c, SESSION_COOKIE, r.value.sessionId, { httpOnly: true, sameSite: 'Strict', secure: deps.tls, path: '/', maxAge: SESSION_HOURS * 3600 });
    await deps.accounts.appendLog({ at: deps.ports.clock.now().toISOString(), actor: r.value.account.name, action: 'session.login', target: r.value.account.name, detail: '' });
    return respond(c, special('POST', '/api/login'), 200, { account: r.value.account, csrf: r.value.csrf });
  });
  app.post('/api/logout', async (c) => {
    const p = await authorize(c, special('POST', '/api/logout'));
    if (p instanceof Response) return p;
    const sid = getCookie(c, SESSION_COOKIE);
    if (sid) await logout(accountPorts, sid);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: deps.tls, httpOnly: true, sameSite: 'Strict' });
    return c.json({});
  });
  app.get('/api/openapi.json', (c) => c.json(openapi));
  app.get('/api/health', (c) => c.json({ ok: true }));

  // ---- intake ----
  const intake = async (c: Context, route: Omit<Route, 'handler'>, run: (bytes: Uint8Array, who: string) => Promise<Response>): Promise<Response> => {
    const p = await authorize(c, route);
    if (p instanceof Response) return p;
    const bytes = await readBody(c, { raw: limits.intakeBytes, inflated: limits.intakeInflatedBytes });
    if (bytes instanceof Response) return bytes;
    const who = p!.via.kind === 'token' ? p!.via.tokenId : p!.account.name;
    const out = await gate.run(() => run(bytes, who));
    if (out === 'busy') {
      c.header('Retry-After', '1');
      return c.json(errorBody([diag('server.intake.busy', `the store is behind: ${gate.depth} batches are waiting`, 'retry after a second (every supported shipper does)')]), 429);
    }
    return out;
  };
  app.post('/api/events', (c) => intake(c, special('POST', '/api/events'), async (bytes, who) => {
    const r = await intakeBatch({ sink: deps.intake }, { bytes, who });
    if (!r.ok) return c.json(errorBody(r.diagnostics), r.failure === 'invalid' ? 422 : 400);
    const s = r.value;
    await deps.accounts.appendLog({ at: deps.ports.clock.now().toISOString(), actor: who, action: 'events.intake', target: 'evidence', detail: `${s.stored} stored, ${s.duplicates} duplicate, ${s.rejected} rejected` });
    // 200 (not 201/202 only) — NXLog acknowledges 200/201/202, Logstash any 2xx (deployment.md §4.1, §4.2).
    return c.json({ stored: s.stored, duplicate: s.duplicates, ignored: s.ignored, rejected: s.rejected, reasons: s.diagnostics.slice(0, 100).map(diagnosticToJson) }, 200);
  }));

  // ---- Elasticsearch-compatible endpoints for Winlogbeat (deployment.md §4.3) ----
  const bulk = (c: Context, path: string) => intake(c, special('POST', path), async (bytes, who) => {
    const started = performance.now();
    const r = await bulkIntake({ sink: deps.intake }, { bytes, who, started, now: () => performance.now() });
    // Never a whole-request 4xx for content: per item (the Beat would retry the batch forever, §4.3.3).
    if (!r.ok) return c.json({ took: 0, errors: false, items: [] }, 200);
    const { took, errors, items, summary } = r.value;
    if (summary.stored || summary.rejected) {
      await deps.accounts.appendLog({ at: deps.ports.clock.now().toISOString(), actor: who, action: 'events.bulk', target: 'evidence', detail: `${summary.stored} stored, ${summary.duplicates} duplicate, ${summary.rejected} rejected` });
    }
    return c.json({ took, errors, items, lockstep: { stored: summary.stored, duplicate: summary.duplicates, ignored: summary.ignored, rejected: summary.rejected } }, 200);
  });
  app.post('/es/_bulk', (c) => bulk(c, '/es/_bulk'));
  app.post('/es/:index/_bulk', (c) => bulk(c, '/es/:index/_bulk'));
  const root = async (c: Context, m: Method) => {
    const p = await authorize(c, special(m, '/es/'));
    if (p instanceof Response) return p;
    return c.json({
      name: 'lockstep', cluster_name: 'lockstep', cluster_uuid: 'lockstep-evidence-intake',
      version: { number: beatVersion(c.req.header('user-agent')), build_flavor: 'default', build_type: 'tar', lucene_version: '9.12.0', minimum_wire_compatibility_version: '7.17.0', minimum_index_compatibility_version: '7.0.0' },
      tagline: 'You Know, for Search',
    });
  };
  app.get('/es', (c) => root(c, 'GET'));
  app.get('/es/', (c) => root(c, 'GET'));
  app.on('HEAD', ['/es', '/es/'], (c) => root(c, 'HEAD'));
  app.get('/es/_license', async (c) => {
    const p = await authorize(c, special('GET', '/es/_license'));
    if (p instanceof Response) return p;
    // An active trial, as mock-es answers; never `oss`, which older Beats refuse (§4.3.1 item 3).
    return c.json({ license: { status: 'active', uid: 'lockstep', type: 'trial', issue_date_in_millis: 0, expiry_date_in_millis: 4102444800000, max_nodes: 1000, issued_to: 'lockstep', issuer: 'lockstep', start_date_in_millis: -1 } });
  });
  app.on(['GET', 'HEAD', 'PUT', 'DELETE', 'POST'], '/es/*', async (c) => {
    const p = await authorize(c, special(c.req.method as Method, '/es/*'));
    if (p instanceof Response) return p;
    // Pipelines: 200 on GET means "already loaded", so the Beat uploads nothing (§4.3.1 item 5).
    if (c.req.method === 'GET') return c.json({});
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.json({ acknowledged: true });
  });

  // ---- the console ----
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/')) return c.json(errorBody([diag('server.route.unknown', `no route \`${c.req.method} ${c.req.path}\``, 'see /api/openapi.json')]), 404);
    const f = web.get(c.req.path) ?? web.get('/index.html');
    if (!f) return c.text('the console is not built: run `npm run build`', 404);
    c.header('Content-Type', f.type);
    if (c.req.path.startsWith('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(new Uint8Array(f.bytes), 200);
  });
  app.all('/api/*', (c) => c.json(errorBody([diag('server.route.unknown', `no route \`${c.req.method} ${c.req.path}\``, 'see /api/openapi.json')]), 404));
  return app;
}
