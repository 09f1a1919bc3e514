/**
 * Use case: load a workspace — `lockstep.yaml`, its machine inventory and each GPO's policy file — and
 * resolve its evidence store. Every command that works on a workspace (readiness, ingest, promotion, the
 * server) starts here. Pure over the `WorkspaceFiles` port: it prints nothing and reads no environment.
 * Spec: the workspace format in rollout/workspace/model.ts; issue 6 item 4, issue 11 item 8.
 */
import { fail, hasErrors, ok, type Diagnostic, type Result } from '../diag/index.js';
import type { PrincipalDirectory } from '../engine/index.js';
import { parsePolicy, type AppLockerPolicy } from '../policy/index.js';
import { buildDirectory, parseInventory, parsePrincipals, parseWorkspace, selectGpos, WORKSPACE_FILE, type Gpo, type Machine, type Workspace } from '../rollout/index.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import type { EnvLookup, WorkspaceFiles } from './ports.js';

export interface LoadedWorkspace {
  /** The workspace folder, absolute. */
  readonly dir: string;
  readonly workspace: Workspace;
  readonly inventory: Machine[];
  /** Each GPO's current policy file, parsed, by GPO name. */
  readonly policies: Map<string, AppLockerPolicy>;
  /** Each GPO's policy file bytes as they stand, by GPO name (promotion and history hash these). */
  readonly policyBytes: Map<string, Uint8Array>;
  /** Users' groups from the principals files and the administrators resolved to SIDs (tokens, §3.4). */
  readonly directory: PrincipalDirectory;
  readonly diagnostics: Diagnostic[];
}

function readError(file: string, e: unknown, code: string): Diagnostic {
  return { code, severity: 'error', message: `cannot read \`${file}\`: ${e instanceof Error ? e.message : String(e)}`, location: { kind: 'text', file, line: 1, column: 1 } };
}

/**
 * Reads and validates a workspace; fails with every problem found (missing files, invalid YAML, invalid
 * policies — validation warnings are left to `policy validate`/`policy lint`).
 * @example const r = await loadWorkspace(nodeWorkspaceFiles('lockstep-demo'));
 */
export async function loadWorkspace(files: WorkspaceFiles): Promise<Result<LoadedWorkspace>> {
  const file = files.resolve(WORKSPACE_FILE);
  if (!(await files.exists(WORKSPACE_FILE))) {
    return fail([{ code: 'rollout.workspace.not-found', severity: 'error', message: `no \`${WORKSPACE_FILE}\` in \`${files.dir}\``, help: 'create one with `lockstep init DIR` (or `lockstep init --demo DIR`), or pass `--workspace DIR`' }]);
  }
  const diags: Diagnostic[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await files.read(WORKSPACE_FILE));
  } catch (e) {
    return fail([readError(file, e, 'rollout.workspace.unreadable')]);
  }
  const ws = parseWorkspace(text, { file });
  diags.push(...ws.diagnostics);
  if (!ws.ok) return fail(diags);
  let inventory: Machine[] = [];
  if (ws.value.inventory) {
    const invPath = files.resolve(ws.value.inventory);
    if (!(await files.exists(ws.value.inventory))) {
      diags.push({ code: 'rollout.inventory.not-found', severity: 'error', message: `inventory \`${ws.value.inventory}\` does not exist`, location: ws.value.locations.get('inventory') ?? { kind: 'text', file, line: 1, column: 1 } });
    } else {
      try {
        const inv = parseInventory(new TextDecoder('utf-8').decode(await files.read(ws.value.inventory)), { file: invPath });
        diags.push(...inv.diagnostics);
        if (inv.ok) inventory = inv.value;
      } catch (e) {
        diags.push(readError(invPath, e, 'rollout.inventory.unreadable'));
      }
    }
  }
  const parsedPrincipals = [];
  for (const pf of ws.value.principals ?? []) {
    const abs = files.resolve(pf);
    if (!(await files.exists(pf))) {
      diags.push({ code: 'rollout.principals.not-found', severity: 'error', message: `principals file \`${pf}\` does not exist`, location: ws.value.locations.get('principals') ?? { kind: 'text', file, line: 1, column: 1 }, help: 'export it on Windows (README, "Bringing real data") or remove it from `principals:`' });
      continue;
    }
    try {
      const r = parsePrincipals(new TextDecoder('utf-8').decode(await files.read(pf)), { file: abs });
      diags.push(...r.diagnostics);
      if (r.ok) parsedPrincipals.push(r.value);
    } catch (e) {
      diags.push(readError(abs, e, 'rollout.principals.unreadable'));
    }
  }
  const adminsWhere = ws.value.locations.get('administrators');
  const built = buildDirectory(parsedPrincipals, ws.value.administrators, adminsWhere);
  diags.push(...built.diagnostics);
  const policies = new Map<string, AppLockerPolicy>();
  const policyBytes = new Map<string, Uint8Array>();
  for (const [i, g] of ws.value.gpos.entries()) {
    const p = files.resolve(g.policy);
    const where = ws.value.locations.get(`gpos[${i}]`);
    if (!(await files.exists(g.policy))) {
      diags.push({ code: 'rollout.workspace.policy-not-found', severity: 'error', message: `policy file \`${g.policy}\` of GPO \`${g.name}\` does not exist`, ...(where ? { location: where } : {}) });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await files.read(g.policy);
    } catch (e) {
      diags.push(readError(p, e, 'rollout.workspace.policy-unreadable'));
      continue;
    }
    const r = parsePolicy(bytes, { file: p });
    diags.push(...r.diagnostics.filter((d) => d.severity === 'error'));
    if (r.ok) {
      policies.set(g.name, r.value.policy);
      policyBytes.set(g.name, bytes);
    }
  }
  if (hasErrors(diags)) return fail(diags);
  return ok({ dir: files.dir, workspace: ws.value, inventory, policies, policyBytes, directory: built.directory, diagnostics: diags }, diags);
}

/**
 * The store target of a workspace: the caller's choice (`--store`), else the workspace's `store:` — `env:NAME`,
 * a postgres:// URL, an absolute path, or a path relative to the workspace.
 */
export function workspaceStoreTarget(l: LoadedWorkspace, files: WorkspaceFiles, option: string | undefined, env: EnvLookup): Result<string> {
  if (option) return ok(option);
  const s = l.workspace.store.trim();
  if (s.startsWith('env:')) {
    const v = env(s.slice(4));
    if (!v) {
      return fail([{ code: 'rollout.workspace.store-env-unset', severity: 'error', message: `the workspace store is \`${s}\` but the environment variable \`${s.slice(4)}\` is not set`, help: `set \`${s.slice(4)}\` or pass \`--store\``, location: l.workspace.locations.get('store') ?? { kind: 'text', file: files.resolve('lockstep.yaml'), line: 1, column: 1 } }]);
    }
    return ok(v);
  }
  if (/^postgres(ql)?:\/\//i.test(s) || s === ':memory:') return ok(s);
  return ok(files.resolve(s));
}

/** `30d` → 30; an ISO date → days from it to `now`; undefined when neither. */
export function parseSince(text: string, now: Date): number | undefined {
  const m = /^(\d{1,4})d$/.exec(text.trim());
  if (m) return Number.parseInt(m[1]!, 10) || undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t) || t >= now.getTime()) return undefined;
  return Math.ceil((now.getTime() - t) / 86_400_000);
}

/** A workspace opened for a report over some of its GPOs and a window of its evidence store. */
export interface WorkspaceScope<Store> {
  readonly loaded: LoadedWorkspace;
  readonly gpos: readonly Gpo[];
  readonly now: Date;
  /** Days in the window (`since` as `30d` or a past date). */
  readonly days: number;
  /** The store target (unredacted). */
  readonly target: string;
  /** The opened store; the caller closes it. */
  readonly store: Store;
}

/**
 * The prelude every report over a workspace's evidence shares: load the workspace, pick the GPOs (`gpo`: one by
 * name or GUID, else all), parse the window, resolve and open the store — each failure with its own code under
 * `app.<what>.*` (`unknown-gpo`, `bad-since`, `no-store`, `store-unavailable`). A missing SQLite store is refused,
 * never created: a report on an empty store would read as "nothing happened".
 */
export async function openWorkspaceScope<Store>(
  ports: { readonly files: WorkspaceFiles; readonly env: EnvLookup; readonly clock: { now(): Date }; readonly stores: { exists(t: string): Promise<boolean>; redact(t: string): string } },
  open: (target: string) => Promise<Store>,
  req: { readonly gpo?: string | undefined; readonly since?: string | undefined; readonly now?: Date | undefined; readonly store?: string | undefined },
  what: string, defaultSince: string, noStoreHelp: string,
): Promise<UseCaseResult<WorkspaceScope<Store>>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const gpos = req.gpo ? selectGpos(loaded.workspace, req.gpo) : loaded.workspace.gpos;
  if (req.gpo && gpos.length === 0) return usage(`app.${what}.unknown-gpo`, `no GPO named \`${req.gpo}\` in the workspace`, `known GPOs: ${loaded.workspace.gpos.map((g) => `\`${g.name}\``).join(', ')}`);
  const now = req.now ?? ports.clock.now();
  const days = parseSince(req.since ?? defaultSince, now);
  if (days === undefined) return usage(`app.${what}.bad-since`, `\`${req.since}\` is not a window`, `use \`${defaultSince}\` or an ISO date`);
  const t = workspaceStoreTarget(loaded, ports.files, req.store, ports.env);
  if (!t.ok) return refuse('usage', t.diagnostics);
  if (!(await ports.stores.exists(t.value))) {
    return refuse('unavailable', [{ code: `app.${what}.no-store`, severity: 'error', message: `no evidence store at \`${ports.stores.redact(t.value)}\``, help: noStoreHelp }]);
  }
  try {
    return succeed({ loaded, gpos, now, days, target: t.value, store: await open(t.value) });
  } catch (e) {
    return refuse('unavailable', [{ code: `app.${what}.store-unavailable`, severity: 'error', message: `cannot open \`${ports.stores.redact(t.value)}\`: ${e instanceof Error ? e.message : String(e)}` }]);
  }
}
