/**
 * Use cases: accounts, roles, sessions and API tokens (issue 13 item 3). The CLI (`lockstep user`, `lockstep
 * token`) and the server (login, logout, bearer tokens, the intake's shipper tokens) call these; authorization
 * of a route is the server's (server/routes.ts), but the role order, the scope names and separation of duties
 * are rules of the product and live here.
 *
 * Passwords: scrypt (node:crypto), N=2^15, r=8, p=1 → 32 MiB and ~70 ms per hash on this machine class —
 * memory-hard, no native build (argon2 needs node-gyp; see the issue notes). Stored as a self-describing
 * string `scrypt$N$r$p$salt$hash` so the parameters can be raised later without invalidating old hashes.
 * Session ids and token secrets are 256-bit random values: only their SHA-256 is stored (a value that long
 * needs no KDF), so a copy of the database hands out no live credential. Comparisons are constant-time.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Clock } from './ports.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';

export const ROLES = ['viewer', 'analyst', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a token may be used for. `intake` is what a shipper gets and nothing else. */
export const SCOPES = ['read', 'write', 'intake'] as const;
export type Scope = (typeof SCOPES)[number];

/** viewer < analyst < approver < admin: each role can do what the ones before it can. */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

export interface AccountRecord {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: string;
  readonly disabled: boolean;
}

export interface SessionRecord {
  readonly idHash: string;
  readonly accountId: number;
  readonly csrf: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly accountId: number;
  readonly scopes: readonly Scope[];
  readonly secretHash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
}

export interface ActorLogEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail: string;
}

/** The accounts tables (store/accounts-store.ts on SQLite and PostgreSQL; memory in tests). */
export interface AccountStore {
  /** Adds an account; `undefined` when the name is taken. */
  addAccount(a: Omit<AccountRecord, 'id'>): Promise<AccountRecord | undefined>;
  accountByName(name: string): Promise<AccountRecord | undefined>;
  accountById(id: number): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;
  updateAccount(id: number, change: { role?: Role; passwordHash?: string; disabled?: boolean }): Promise<void>;
  addSession(s: SessionRecord): Promise<void>;
  session(idHash: string): Promise<SessionRecord | undefined>;
  deleteSession(idHash: string): Promise<void>;
  /** Deletes every session of an account (disable, password change). */
  deleteSessionsOf(accountId: number): Promise<void>;
  addToken(t: TokenRecord): Promise<void>;
  token(id: string): Promise<TokenRecord | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(id: string, at: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;
  appendLog(e: ActorLogEntry): Promise<void>;
  /** Newest first. */
  log(page: { limit: number; offset: number }): Promise<{ total: number; items: ActorLogEntry[] }>;
  close(): Promise<void>;
}

export interface AccountPorts {
  readonly accounts: AccountStore;
  readonly clock: Clock;
}

/** The scrypt cost used for new hashes. Tests lower it through `hashPassword(pw, FAST_TEST_KDF)`. */
export const KDF = { N: 1 << 15, r: 8, p: 1 } as const;
export type KdfParams = { readonly N: number; readonly r: number; readonly p: number };
/** For tests only: fast, still the same code path. */
export const FAST_TEST_KDF: KdfParams = { N: 1 << 10, r: 8, p: 1 };

function scrypt(pw: string, salt: Buffer, len: number, o: ScryptOptions): Promise<Buffer> {
  return new Promise((res, rej) => scryptCb(pw, salt, len, o, (e, k) => (e ? rej(e) : res(k))));
}

export async function hashPassword(password: string, params: KdfParams = KDF): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Bounds so a tampered row cannot make verification allocate gigabytes.
  if (N > 1 << 20 || r > 32 || p > 16) return false;
  const want = Buffer.from(m[5]!, 'base64url');
  const got = await scrypt(password, Buffer.from(m[4]!, 'base64url'), want.length, { N, r, p, maxmem: 128 * N * r * 2 });
  return got.length === want.length && timingSafeEqual(got, want);
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD = 12;

/** A user-facing view of an account (never the hash). */
export interface AccountView {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly disabled: boolean;
}
export const viewAccount = (a: AccountRecord): AccountView => ({ id: a.id, name: a.name, role: a.role, createdAt: a.createdAt, disabled: a.disabled });

/** `lockstep user add NAME --role R`. */
export async function addAccount(ports: AccountPorts, req: { name: string; role: Role; password: string; actor: string; kdf?: KdfParams }): Promise<UseCaseResult<AccountView>> {
  if (!NAME.test(req.name)) return usage('app.accounts.bad-name', `\`${req.name}\` is not a valid account name`, 'use 1–64 letters, digits, `.`, `_`, `@` or `-`, starting with a letter or digit');
  if (!ROLES.includes(req.role)) return usage('app.accounts.bad-role', `\`${req.role}\` is not a role`, `roles: ${ROLES.join(', ')}`);
  if (req.password.length < MIN_PASSWORD) return usage('app.accounts.weak-password', `the password has ${req.password.length} characters; at least ${MIN_PASSWORD} are needed`, 'use a passphrase');
  const now = ports.clock.now().toISOString();
  const a = await ports.accounts.addAccount({ name: req.name, role: req.role, passwordHash: await hashPassword(req.password, req.kdf), createdAt: now, disabled: false });
  if (!a) return usage('app.accounts.exists', `an account named \`${req.name}\` already exists`, 'pick another name, or change its role with `lockstep user set-role`');
  await ports.accounts.appendLog({ at: now, actor: req.actor, action: 'account.add', target: req.name, detail: `role ${req.role}` });
  return succeed(viewAccount(a));
}

export async function listAccounts(ports: AccountPorts): Promise<UseCaseResult<AccountView[]>> {
  return succeed((await ports.accounts.listAccounts()).map(viewAccount));
}

/** Role change, disabling or a new password. Disabling or a new password ends the account's sessions. */
export async function updateAccount(ports: AccountPorts, req: { name: string; role?: Role; disabled?: boolean; password?: string; actor: string; kdf?: KdfParams }): Promise<UseCaseResult<AccountView>> {
  const a = await ports.accounts.accountByName(req.name);
  if (!a) return usage('app.accounts.unknown', `no account named \`${req.name}\``);
  if (req.role !== undefined && !ROLES.includes(req.role)) return usage('app.accounts.bad-role', `\`${req.role}\` is not a role`, `roles: ${ROLES.join(', ')}`);
  if (req.password !== undefined && req.password.length < MIN_PASSWORD) return usage('app.accounts.weak-password', `the password has ${req.password.length} characters; at least ${MIN_PASSWORD} are needed`);
  const change = {
    ...(req.role !== undefined ? { role: req.role } : {}),
    ...(req.disabled !== undefined ? { disabled: req.disabled } : {}),
    ...(req.password !== undefined ? { passwordHash: await hashPassword(req.password, req.kdf) } : {}),
  };
  await ports.accounts.updateAccount(a.id, change);
  if (req.disabled || req.password !== undefined || req.role !== undefined) await ports.accounts.deleteSessionsOf(a.id);
  const what = [req.role ? `role ${req.role}` : '', req.disabled === true ? 'disabled' : req.disabled === false ? 'enabled' : '', req.password ? 'password changed' : ''].filter(Boolean).join(', ');
  await ports.accounts.appendLog({ at: ports.clock.now().toISOString(), actor: req.actor, action: 'account.update', target: a.name, detail: what });
  return succeed(viewAccount({ ...a, ...change }));
}

/**
 * Login throttling: per account name and per client address, failures within a sliding window. After
 * `maxFailures` the key is locked for `lockMs`, doubling with each further lock (capped). In memory: a
 * restart forgets it, which costs an attacker nothing they could not get by waiting `lockMs` anyway.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, { failures: number[]; lockedUntil: number; locks: number }>();
  constructor(private readonly o: { maxFailures: number; windowMs: number; lockMs: number } = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 60_000 }) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string, now: number): number {
    const e = this.entries.get(key);
    return e && e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  fail(key: string, now: number): void {
    const e = this.entries.get(key) ?? { failures: [], lockedUntil: 0, locks: 0 };
    e.failures = e.failures.filter((t) => now - t < this.o.windowMs);
    e.failures.push(now);
    if (e.failures.length >= this.o.maxFailures) {
      e.locks++;
      e.lockedUntil = now + Math.min(this.o.lockMs * 2 ** (e.locks - 1), 60 * 60_000);
      e.failures = [];
    }
    this.entries.set(key, e);
    if (this.entries.size > 100_000) this.entries.delete(this.entries.keys().next().value!); // bounded memory
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }
}

export interface LoginOutcome {
  readonly account: AccountView;
  /** The cookie value (shown once, stored hashed). */
  readonly sessionId: string;
  readonly csrf: string;
  readonly expiresAt: string;
}

export const SESSION_HOURS = 12;

/**
 * Checks a password and opens a session. The same answer for an unknown name, a wrong password and a
 * disabled account (no account enumeration); a throttled key gets `throttled` with the wait.
 */
export async function login(
  ports: AccountPorts & { throttle: LoginThrottle },
  req: { name: string; password: string; client: string },
): Promise<UseCaseResult<LoginOutcome> & { retryAfterMs?: number }> {
  const now = ports.clock.now();
  const keys = [`name:${req.name.toLowerCase()}`, `client:${req.client}`];
  const wait = Math.max(...keys.map((k) => ports.throttle.retryAfter(k, now.getTime())));
  if (wait > 0) {
    return { ...refuse('usage', [{ code: 'app.accounts.throttled', severity: 'error', message: `too many failed logins; try again in ${Math.ceil(wait / 1000)} s` }]), retryAfterMs: wait };
  }
  const a = await ports.accounts.accountByName(req.name);
  // A dummy verification for unknown names keeps the timing the same.
  const okPw = a ? await verifyPassword(req.password, a.passwordHash) : (await verifyPassword(req.password, DUMMY_HASH), false);
  if (!a || !okPw || a.disabled) {
    for (const k of keys) ports.throttle.fail(k, now.getTime());
    return refuse('usage', [{ code: 'app.accounts.bad-login', severity: 'error', message: 'wrong account name or password' }]);
  }
  for (const k of keys) ports.throttle.succeed(k);
  const sessionId = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString();
  await ports.accounts.addSession({ idHash: sha256(sessionId), accountId: a.id, csrf, createdAt: now.toISOString(), expiresAt });
  return succeed({ account: viewAccount(a), sessionId, csrf, expiresAt });
}
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export interface Principal {
  readonly account: AccountView;
  /** Session logins have every scope their role allows; tokens only theirs. */
  readonly via: { kind: 'session'; csrf: string } | { kind: 'token'; tokenId: string; scopes: readonly Scope[] };
}

/** The account behind a session cookie; undefined when unknown, expired or the account is disabled. */
export async function sessionPrincipal(ports: AccountPorts, sessionId: string): Promise<Principal | undefined> {
  if (!sessionId || sessionId.length > 100) return undefined;
  const s = await ports.accounts.session(sha256(sessionId));
  if (!s) return undefined;
  if (Date.parse(s.expiresAt) <= ports.clock.now().getTime()) {
    await ports.accounts.deleteSession(s.idHash);
    return undefined;
  }
  const a = await ports.accounts.accountById(s.accountId);
  if (!a || a.disabled) return undefined;
  return { account: viewAccount(a), via: { kind: 'session', csrf: s.csrf } };
}

export async function logout(ports: AccountPorts, sessionId: string): Promise<void> {
  await ports.accounts.deleteSession(sha256(sessionId));
}

/** CSRF check for a session write: the header must equal the session's token (constant-time). */
export function csrfMatches(p: Principal, header: string | undefined): boolean {
  return p.via.kind === 'token' || (header !== undefined && safeEqual(header, p.via.csrf));
}

export interface TokenView {
  readonly id: string;
  readonly name: string;
  readonly account: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
}

/**
 * `lockstep token create`: a token `lst_<id>.<secret>` acting as `account` with `scopes`. The whole token is
 * returned once; only SHA-256 of the secret is stored. Elasticsearch-style clients (Winlogbeat's `api_key:
 * "id:key"`) send `id` and `secret` separately, which `tokenPrincipal` also accepts.
 */
export async function createToken(ports: AccountPorts, req: { account: string; name: string; scopes: readonly Scope[]; actor: string }): Promise<UseCaseResult<{ token: string; view: TokenView }>> {
  const a = await ports.accounts.accountByName(req.account);
  if (!a) return usage('app.tokens.unknown-account', `no account named \`${req.account}\``, 'create it first: `lockstep user add NAME --role ROLE`');
  if (!req.scopes.length || req.scopes.some((s) => !SCOPES.includes(s))) return usage('app.tokens.bad-scope', `scopes must be some of ${SCOPES.join(', ')}`);
  if (!req.name.trim() || req.name.length > 100) return usage('app.tokens.bad-name', 'a token needs a name of 1–100 characters', 'name it after what uses it: `winlogbeat-wec01`');
  const id = `lst_${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const now = ports.clock.now().toISOString();
  const rec: TokenRecord = { id, name: req.name, accountId: a.id, scopes: [...new Set(req.scopes)], secretHash: sha256(secret), createdAt: now };
  await ports.accounts.addToken(rec);
  await ports.accounts.appendLog({ at: now, actor: req.actor, action: 'token.create', target: id, detail: `${req.name} for ${a.name}: ${rec.scopes.join(' ')}` });
  return succeed({ token: `${id}.${secret}`, view: tokenView(rec, a.name) });
}

const tokenView = (t: TokenRecord, account: string): TokenView => ({
  id: t.id, name: t.name, account, scopes: t.scopes, createdAt: t.createdAt,
  ...(t.revokedAt ? { revokedAt: t.revokedAt } : {}), ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt } : {}),
});

export async function listTokens(ports: AccountPorts): Promise<UseCaseResult<TokenView[]>> {
  const names = new Map((await ports.accounts.listAccounts()).map((a) => [a.id, a.name]));
  return succeed((await ports.accounts.listTokens()).map((t) => tokenView(t, names.get(t.accountId) ?? `#${t.accountId}`)));
}

export async function revokeToken(ports: AccountPorts, req: { id: string; actor: string }): Promise<UseCaseResult<{ id: string }>> {
  const now = ports.clock.now().toISOString();
  if (!(await ports.accounts.revokeToken(req.id, now))) return usage('app.tokens.unknown', `no active token \`${req.id}\``, 'list them with `lockstep token list`');
  await ports.accounts.appendLog({ at: now, actor: req.actor, action: 'token.revoke', target: req.id, detail: '' });
  return succeed({ id: req.id });
}

/** Splits `lst_<id>.<secret>` (bearer) — or takes id and secret apart (ApiKey/Basic) — and checks it. */
export async function tokenPrincipal(ports: AccountPorts, token: { id: string; secret: string } | string): Promise<Principal | undefined> {
  let id: string;
  let secret: string;
  if (typeof token === 'string') {
    const dot = token.indexOf('.');
    if (dot < 0) return undefined;
    id = token.slice(0, dot);
    secret = token.slice(dot + 1);
  } else ({ id, secret } = token);
  if (!/^lst_[0-9a-f]{16}$/.test(id) || secret.length > 100) return undefined;
  const t = await ports.accounts.token(id);
  if (!t || t.revokedAt || !safeEqual(sha256(secret), t.secretHash)) return undefined;
  const a = await ports.accounts.accountById(t.accountId);
  if (!a || a.disabled) return undefined;
  const now = ports.clock.now().toISOString();
  // Last use at minute granularity: one write a minute per token, not one per request.
  if (!t.lastUsedAt || t.lastUsedAt.slice(0, 16) !== now.slice(0, 16)) await ports.accounts.touchToken(id, now);
  return { account: viewAccount(a), via: { kind: 'token', tokenId: id, scopes: t.scopes } };
}

/** The name a principal has in the actor log: the account, and the token when one was used. */
export function actorName(p: Principal): string {
  return p.via.kind === 'token' ? `${p.account.name} (token ${p.via.tokenId})` : p.account.name;
}

/**
 * Separation of duties (issue 13 item 3): whoever prepared or requested a change cannot approve it. Checked
 * on account names, case-insensitively (Windows account names are).
 */
export function separationOfDuties(change: { preparedBy?: string; requestedBy?: string }, approver: string): UseCaseResult<true> {
  const a = approver.toLowerCase();
  for (const [who, what] of [[change.preparedBy, 'prepared'], [change.requestedBy, 'requested']] as const) {
    if (who && who.toLowerCase() === a) {
      return refuse('usage', [{ code: 'app.accounts.separation-of-duties', severity: 'error', message: `\`${approver}\` ${what} this change and cannot also approve it`, help: 'another approver must approve it' }]);
    }
  }
  return succeed(true);
}

export async function actorLog(ports: AccountPorts, page: { limit: number; offset: number }): Promise<UseCaseResult<{ total: number; items: ActorLogEntry[] }>> {
  return succeed(await ports.accounts.log(page));
}
