/**
 * `lockstep report readiness`: is each GPO ready to move from Audit only to Enforce rules? (issue 6
 * items 4–6). Loads the workspace (lockstep.yaml, inventory, GPO policies), opens the evidence store
 * (SQLite file or PostgreSQL URL), runs the pure analysis (rollout/analysis/readiness.ts) and prints it as
 * text, JSON or one self-contained HTML file. Also exports `loadWorkspace` and `runReadiness` for `demo`.
 * Exit codes: 0 every reported GPO is READY, 2 NOT READY, 3 the workspace or a policy is invalid,
 * 1 tool failure (store unreachable, unreadable file).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeAtomic } from '../io.js';
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { hasErrors, type Diagnostic } from '../../diag/index.js';
import { parsePolicy, type AppLockerPolicy } from '../../policy/index.js';
import {
  analyseReadiness, parseInventory, selectGpos, parseWorkspace, readinessJson, renderReadinessHtml, renderReadinessText, WORKSPACE_FILE,
  type Machine, type ReadinessReport, type Workspace,
} from '../../rollout/index.js';
import { openStore, redactTarget } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson, reportDiagnostics } from '../output.js';

export interface LoadedWorkspace {
  readonly dir: string;
  readonly workspace: Workspace;
  readonly inventory: Machine[];
  readonly policies: Map<string, AppLockerPolicy>;
  readonly diagnostics: Diagnostic[];
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Reads and validates a workspace folder; `undefined` with diagnostics when it is invalid. */
export function loadWorkspace(dirArg: string): { loaded?: LoadedWorkspace; diagnostics: Diagnostic[] } {
  const dir = resolve(dirArg);
  const file = join(dir, WORKSPACE_FILE);
  if (!existsSync(file)) {
    return { diagnostics: [{ code: 'rollout.workspace.not-found', severity: 'error', message: `no \`${WORKSPACE_FILE}\` in \`${dir}\``, help: 'create one with `lockstep init DIR` (or `lockstep init --demo DIR`), or pass `--workspace DIR`' }] };
  }
  const diags: Diagnostic[] = [];
  const ws = parseWorkspace(readText(file), { file });
  diags.push(...ws.diagnostics);
  if (!ws.ok) return { diagnostics: diags };
  let inventory: Machine[] = [];
  if (ws.value.inventory) {
    const invPath = isAbsolute(ws.value.inventory) ? ws.value.inventory : join(dir, ws.value.inventory);
    if (!existsSync(invPath)) diags.push({ code: 'rollout.inventory.not-found', severity: 'error', message: `inventory \`${ws.value.inventory}\` does not exist`, location: ws.value.locations.get('inventory') ?? { kind: 'text', file, line: 1, column: 1 } });
    else {
      const inv = parseInventory(readText(invPath), { file: invPath });
      diags.push(...inv.diagnostics);
      if (inv.ok) inventory = inv.value;
    }
  }
  const policies = new Map<string, AppLockerPolicy>();
  ws.value.gpos.forEach((g, i) => {
    const p = isAbsolute(g.policy) ? g.policy : join(dir, g.policy);
    if (!existsSync(p)) {
      diags.push({ code: 'rollout.workspace.policy-not-found', severity: 'error', message: `policy file \`${g.policy}\` of GPO \`${g.name}\` does not exist`, ...(ws.value.locations.get(`gpos[${i}]`) ? { location: ws.value.locations.get(`gpos[${i}]`)! } : {}) });
      return;
    }
    const r = parsePolicy(new Uint8Array(readFileSync(p)), { file: p });
    // validation warnings belong to `lockstep policy lint`; here only what stops the analysis
    diags.push(...r.diagnostics.filter((d) => d.severity === 'error'));
    if (r.ok) policies.set(g.name, r.value.policy);
  });
  if (hasErrors(diags)) return { diagnostics: diags };
  return { loaded: { dir, workspace: ws.value, inventory, policies, diagnostics: diags }, diagnostics: diags };
}

/** The store target of a workspace: `--store`, else the workspace's `store` (env:NAME, URL, or a path relative to it). */
export function workspaceStoreTarget(l: LoadedWorkspace, option?: string): string {
  if (option) return option;
  const s = l.workspace.store.trim();
  if (s.startsWith('env:')) {
    const v = process.env[s.slice(4)];
    if (!v) {
      err(`error: the workspace store is \`${s}\` but the environment variable \`${s.slice(4)}\` is not set`);
      throw new CliExit(ExitCode.ToolFailure);
    }
    return v;
  }
  if (/^postgres(ql)?:\/\//i.test(s) || isAbsolute(s) || s === ':memory:') return s;
  return join(l.dir, s);
}

/** `30d` → 30; an ISO date → days from it to `now`. */
export function parseSince(text: string, now: Date): number | undefined {
  const m = /^(\d{1,4})d$/.exec(text.trim());
  if (m) return Number.parseInt(m[1]!, 10) || undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t) || t >= now.getTime()) return undefined;
  return Math.ceil((now.getTime() - t) / 86_400_000);
}

export interface ReadinessRun {
  readonly loaded: LoadedWorkspace;
  readonly store?: string;
  readonly gpo?: string;
  readonly sinceDays: number;
  readonly now: Date;
  readonly candidate?: { name: string; policy: AppLockerPolicy };
}

/** Opens the store, runs the analysis, closes the store. */
export async function runReadiness(r: ReadinessRun): Promise<ReadinessReport> {
  const target = workspaceStoreTarget(r.loaded, r.store);
  const store = await openStore(target);
  try {
    return await analyseReadiness({
      workspace: r.loaded.workspace, inventory: r.loaded.inventory, policies: r.loaded.policies, evidence: store,
      now: r.now.toISOString(), sinceDays: r.sinceDays,
      ...(r.gpo ? { gpo: r.gpo } : {}), ...(r.candidate ? { candidate: r.candidate } : {}),
    });
  } finally {
    await store.close();
  }
}

/** Prints the report in the chosen form; returns the exit code it implies. */
export function emitReport(report: ReadinessReport, o: { json?: boolean; html?: string }): number {
  if (o.html) {
    writeAtomic(o.html, renderReadinessHtml(report));
    if (!o.json) err(`wrote ${o.html}`);
  }
  if (o.json) outJson(readinessJson(report));
  else out(renderReadinessText(report));
  return report.verdict === 'READY' ? ExitCode.Ok : ExitCode.WouldBlock;
}

interface Options { workspace?: string; gpo?: string; since?: string; policy?: string; store?: string; now?: string; json?: boolean; html?: string }

export function register(program: Command): void {
  const report = program.command('report').description('reports over the workspace and its evidence');
  report
    .command('readiness')
    .description('which GPOs can move from Audit only to Enforce rules, with the evidence and the rules to add')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--gpo <name>', 'only this GPO (name or GUID)')
    .option('--since <window>', 'evidence window: `30d` or a date', '30d')
    .option('--policy <candidate.xml>', 'replay the evidence through this candidate policy (replaces the GPO\'s policy; needs --gpo when there are several GPOs)')
    .option('--store <target>', 'evidence store: SQLite file or postgres:// URL (default: the workspace\'s)')
    .option('--now <iso>', 'end of the window (default: now)')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write the report as one self-contained HTML file with charts')
    .addHelpText('after', `
Would-be-blocked files come from the audit events (8003/8006/8021/8024); with --policy every stored file is
replayed through the candidate with the engine. Suggested rules are publisher-first, hash for unsigned files,
never a path rule in a user-writable folder. Quiet machines are not evidence.

Examples:
  $ lockstep report readiness --workspace demo-ws
  $ lockstep report readiness --gpo "AppLocker - Finance" --since 45d --html finance.html
  $ lockstep report readiness --gpo "AppLocker - Finance" --policy candidate.xml --json | jq .verdict
Exit: 0 ready, 2 not ready, 3 invalid workspace or policy, 1 tool failure.`)
    .action(async (o: Options) => {
      const { loaded, diagnostics } = loadWorkspace(o.workspace ?? '.');
      if (!loaded) {
        reportDiagnostics(diagnostics);
        throw new CliExit(ExitCode.InvalidPolicy);
      }
      reportDiagnostics(diagnostics);
      const now = o.now ? new Date(o.now) : new Date();
      if (Number.isNaN(now.getTime())) {
        err(`error: \`--now ${o.now}\` is not a date`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const sinceDays = parseSince(o.since ?? '30d', now);
      if (sinceDays === undefined) {
        err(`error: \`--since ${o.since}\` is neither a number of days like \`30d\` nor a past date`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      let candidate: ReadinessRun['candidate'];
      if (o.policy) {
        if (!o.gpo && loaded.workspace.gpos.length !== 1) {
          err('error: `--policy` replaces one GPO\'s policy: name it with `--gpo`');
          throw new CliExit(ExitCode.ToolFailure);
        }
        const r = parsePolicy(new Uint8Array(readFileSync(o.policy)), { file: o.policy });
        reportDiagnostics(r.diagnostics.filter((d) => d.severity === 'error'));
        if (!r.ok || hasErrors(r.diagnostics)) throw new CliExit(ExitCode.InvalidPolicy);
        candidate = { name: o.policy, policy: r.value.policy };
      }
      const gpo = o.gpo ?? (candidate ? loaded.workspace.gpos[0]!.name : undefined);
      // A mistyped --gpo is a usage error, not a "not ready" answer a CI gate would act on.
      if (o.gpo && selectGpos(loaded.workspace, o.gpo).length === 0) {
        err(`error: no GPO named \`${o.gpo}\` in the workspace\n  help: known GPOs: ${loaded.workspace.gpos.map((g) => `\`${g.name}\``).join(', ')}`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const target = workspaceStoreTarget(loaded, o.store);
      if (!/^postgres/i.test(target) && !existsSync(target)) {
        err(`error: no evidence store at \`${redactTarget(target)}\`\n  help: ingest exports first: \`lockstep ingest --store ${target} EXPORTS…\``);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const report = await runReadiness({ loaded, ...(o.store ? { store: o.store } : {}), ...(gpo ? { gpo } : {}), sinceDays, now, ...(candidate ? { candidate } : {}) });
      throw new CliExit(emitReport(report, { ...(o.json ? { json: true } : {}), ...(o.html ? { html: o.html } : {}) }));
    });
}
