/**
 * The console's API client: same-origin fetches with the session cookie (HttpOnly, never read here) and the
 * CSRF token from /api/login or /api/me sent as `X-CSRF-Token` on writes. Errors come back in the
 * diagnostics shape and are thrown as `ApiError` with the first message.
 */
export interface Diagnostic { code: string; severity: string; message: string; help?: string }
export class ApiError extends Error {
  constructor(readonly status: number, readonly diagnostics: Diagnostic[]) {
    super(diagnostics[0]?.message ?? `request failed (${status})`);
  }
}

let csrf = '';
export const setCsrf = (t: string): void => { csrf = t; };

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' ? { 'x-csrf-token': csrf } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const j = (await res.json().catch(() => ({}))) as T & { diagnostics?: Diagnostic[] };
  if (!res.ok) throw new ApiError(res.status, j.diagnostics ?? []);
  return j;
}

export interface Account { id: number; name: string; role: 'viewer' | 'analyst' | 'approver' | 'admin'; disabled: boolean }
export interface Paged<T> { total: number; limit: number; offset: number; items: T[] }
/** Readiness JSON as the server passes it through: known fields typed, the rest kept. */
export type Json = Record<string, unknown>;
export interface GroupJson extends Json { group: string; verdict: string; machines?: number; machinesReporting?: number }
export interface GpoJson extends Json { gpo: string; guid: string; verdict: string; collections: string[]; reasons: Diagnostic[]; groups: GroupJson[] }
export interface OverviewJson extends Json { workspace: string; verdict: string; generatedAt: string; window: { since: string; until: string }; gpos: GpoJson[] }
