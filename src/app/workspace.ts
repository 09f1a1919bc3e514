/**
 * Use case: load a workspace — `lockstep.yaml`, its machine inventory and each GPO's policy file — and
 * resolve its evidence store. Every command that works on a workspace (readiness, ingest, promotion, the
 * server) starts here. Pure over the `WorkspaceFiles` port: it prints nothing and reads no environment.
 * Spec: the workspace format in rollout/workspace/model.ts; issue 6 item 4, issue 11 item 8.
 */
import { fail, hasErrors, ok, type Diagnostic, type Result } from '../diag/index.js';
import { parsePolicy, type AppLockerPolicy } from '../policy/index.js';
import { parseInventory, parseWorkspace, WORKSPACE_FILE, type Machine, type Workspace } from '../rollout/index.js';
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
  return ok({ dir: files.dir, workspace: ws.value, inventory, policies, policyBytes, diagnostics: diags }, diags);
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
