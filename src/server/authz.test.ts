/**
 * The authorization matrix (issue 13 "Test against"): generated from the route table — every route × every
 * role (session and token) × no session / expired session / revoked token / wrong CSRF token — against the
 * documented rule (routes.ts header): 401 without valid credentials, 403 for a missing/wrong CSRF token on a
 * session write, for a role below the route's, for a token without the route's scope and for a session on a
 * token-only route. Zero escalations: a refused case must get exactly its status, an allowed case must not
 * get 401/403. Runs in-process (`app.request`) on a real SQLite store seeded by the demo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, LoginThrottle, ROLES, updateAccount, roleAtLeast, type Role, type Scope } from '../app/index.js';
import { seededWorkspace, testDeps, type SeededWorkspace, type TestDeps } from '../../test-support/server-fixture.js';
import { createApp } from './app.js';
import { routes, specialRoutes, type Route } from './routes.js';

type Caller =
  | { kind: 'none' }
  | { kind: 'expired'; role: Role }
  | { kind: 'session'; role: Role; csrf: 'right' | 'wrong' | 'missing' }
  | { kind: 'token'; role: Role; scopes: Scope[] }
  | { kind: 'revoked'; role: Role };

let ws: SeededWorkspace;
let t: TestDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ws = await seededWorkspace();
  t = await testDeps(ws);
  app = createApp({ deps: t.deps });
  for (const r of ROLES) await t.addUser(`u-${r}`, r);
  await t.addUser('target-account', 'viewer');
});
afterAll(async () => {
  await t?.close();
  ws?.cleanup();
});

async function session(role: Role): Promise<{ cookie: string; csrf: string }> {
  const res = await app.request('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `u-${role}`, password: `password-of-u-${role}` }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Strict/i);
  return { cookie: cookie.split(';')[0]!, csrf: ((await res.json()) as { csrf: string }).csrf };
}

async function token(role: Role, scopes: Scope[], revoke = false): Promise<string> {
  const r = await createToken({ accounts: t.accounts, clock: t.clock }, { account: `u-${role}`, name: 'matrix', scopes, actor: 'test' });
  if (!r.ok) throw new Error('token');
  if (revoke) await t.accounts.revokeToken(r.value.view.id, new Date().toISOString());
  return r.value.token;
}

const concrete = (path: string): string => path
  .replace(':gpo', encodeURIComponent('AppLocker - Finance')).replace(':key', 'bm9wZQ').replace(':name', 'target-account')
  .replace(':id', 'lst_0000000000000000').replace(':index', 'winlogbeat-8.14.3').replace('*', '_ilm/policy/winlogbeat');

function body(r: Omit<Route, 'handler'>): string | undefined {
  if (r.body === 'raw') return '{"create":{}}\n{"winlog":{"event_id":"1"}}\n';
  if (r.method === 'GET' || r.method === 'HEAD') return undefined;
  if (r.path === '/api/accounts') return JSON.stringify({ name: `n${Math.random().toString(36).slice(2, 10)}`, role: 'viewer', password: 'a long enough password' });
  if (r.path === '/api/accounts/:name') return JSON.stringify({ disabled: false });
  if (r.path === '/api/tokens') return JSON.stringify({ name: 'x', scopes: ['read'], account: 'target-account' });
  if (r.path === '/api/login') return JSON.stringify({ name: 'nobody', password: 'x' });
  if (r.path === '/api/gpos/:gpo/accept') return JSON.stringify({ all: true, dryRun: true });
  return '{}';
}

/** The documented answer: a refusal status, or 'allowed' (anything but 401/403). */
function expected(r: Omit<Route, 'handler'>, c: Caller): 401 | 403 | 'allowed' {
  if (r.access === 'public') return 'allowed';
  if (c.kind === 'none' || c.kind === 'expired' || c.kind === 'revoked') return 401;
  const unsafe = r.method !== 'GET' && r.method !== 'HEAD';
  if (c.kind === 'session' && unsafe && c.csrf !== 'right') return 403;
  if (r.access.tokenOnly && c.kind !== 'token') return 403;
  if (!roleAtLeast(c.role, r.access.role)) return 403;
  if (c.kind === 'token' && !c.scopes.includes(r.access.scope)) return 403;
  return 'allowed';
}

const callers: Caller[] = [
  { kind: 'none' },
  ...ROLES.flatMap((role): Caller[] => [
    { kind: 'expired', role }, { kind: 'revoked', role },
    { kind: 'session', role, csrf: 'right' }, { kind: 'session', role, csrf: 'wrong' }, { kind: 'session', role, csrf: 'missing' },
    { kind: 'token', role, scopes: ['read'] }, { kind: 'token', role, scopes: ['write'] }, { kind: 'token', role, scopes: ['intake'] },
  ]),
];

const table: Omit<Route, 'handler'>[] = [...routes, ...specialRoutes];

describe('authorization matrix (route table × role × credential)', () => {
  it('covers every route and refuses exactly what the documentation refuses', async () => {
    const escalations: string[] = [];
    let cases = 0;
    // Intake routes hit the store; the readiness routes are slow-ish: each (route, caller) is one request.
    for (const c of callers) {
      const tokens = new Map<string, string>();
      for (const r of table) {
        if (r.path === '/api/login') continue; // public, and its own tests below
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (c.kind === 'session' || c.kind === 'expired') {
          const s = await session(c.role); // a fresh session per case: logout and role changes end sessions
          headers.cookie = s.cookie;
          if (c.kind === 'session' && c.csrf === 'right') headers['x-csrf-token'] = s.csrf;
          if (c.kind === 'session' && c.csrf === 'wrong') headers['x-csrf-token'] = `${s.csrf.slice(0, -2)}xx`;
          if (c.kind === 'expired') t.clock.advance(13 * 3_600_000);
        }
        if (c.kind === 'token' || c.kind === 'revoked') {
          const k = `${c.kind}:${c.role}:${c.kind === 'token' ? c.scopes.join() : ''}`;
          if (!tokens.has(k)) tokens.set(k, await token(c.role, c.kind === 'token' ? c.scopes : ['read', 'write', 'intake'], c.kind === 'revoked'));
          headers.authorization = `Bearer ${tokens.get(k)}`;
        }
        const b = body(r);
        const res = await app.request(concrete(r.path), { method: r.method, headers, ...(b !== undefined ? { body: b } : {}) });
        cases++;
        const want = expected(r, c);
        const got = res.status;
        if (got >= 500) escalations.push(`${r.method} ${r.path} as ${JSON.stringify(c)}: ${got}`);
        if (want === 'allowed' ? got === 401 || got === 403 : got !== want) escalations.push(`${r.method} ${r.path} as ${JSON.stringify(c)}: got ${got}, documented ${want}`);
        if (got >= 400 && r.method !== 'HEAD') { // HEAD answers carry no body
          const j = (await res.json().catch(() => undefined)) as { diagnostics?: { code: string }[] } | undefined;
          if (!j?.diagnostics?.length) escalations.push(`${r.method} ${r.path}: ${got} without diagnostics`);
        }
      }
    }
    expect(escalations).toEqual([]);
    expect(cases).toBeGreaterThan(table.length * callers.length * 0.9);
  });

  it('every route of the table is in the OpenAPI document with its access', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { 'x-lockstep-access': unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of table) {
      const op = doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!['x-lockstep-access']).toEqual(r.access);
    }
  });
});

describe('sessions', () => {
  it('a wrong password is 401 with one message for unknown names and wrong passwords; repeated failures are throttled with 429', async () => {
    const own = createApp({ deps: { ...t.deps, throttle: new LoginThrottle() } }); // its own throttle: the lock-out stays in this test
    const login = (name: string, password: string) => own.request('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
    const a = await login('u-viewer', 'wrong');
    const b = await login('nobody-at-all', 'wrong');
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(((await a.json()) as { diagnostics: { message: string }[] }).diagnostics[0]!.message).toBe(((await b.json()) as { diagnostics: { message: string }[] }).diagnostics[0]!.message);
    for (let i = 0; i < 4; i++) await login('u-analyst', 'wrong');
    const locked = await login('u-analyst', 'password-of-u-analyst');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('logout ends the session; a disabled account loses its session', async () => {
    const s = await session('approver');
    const me = await app.request('/api/me', { headers: { cookie: s.cookie } });
    expect(me.status).toBe(200);
    expect(await app.request('/api/logout', { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } })).toHaveProperty('status', 200);
    expect((await app.request('/api/me', { headers: { cookie: s.cookie } })).status).toBe(401);
    const v = await session('viewer');
    await updateAccount({ accounts: t.accounts, clock: t.clock }, { name: 'u-viewer', disabled: true, actor: 'test' });
    expect((await app.request('/api/me', { headers: { cookie: v.cookie } })).status).toBe(401);
    await updateAccount({ accounts: t.accounts, clock: t.clock }, { name: 'u-viewer', disabled: false, actor: 'test' });
  });

  it('the session cookie is Secure under TLS', async () => {
    const tlsApp = createApp({ deps: { ...t.deps, tls: true } });
    const res = await tlsApp.request('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'u-admin', password: 'password-of-u-admin' }) });
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
  });
});
