/**
 * `lockstep user add|list|set-role|disable|enable|passwd`: the accounts of the console and the API (issue 13
 * item 3), kept in the workspace's store (SQLite file or PostgreSQL, migration 0004). A thin adapter over
 * app/accounts.ts. Passwords come from a hidden prompt on a terminal, or the first line of stdin
 * (`--password-stdin`, for scripts) — never from a flag, which would land in shell history and `ps`.
 * Exit codes: 0 done, 1 bad arguments or the store failed, 3 the workspace is invalid.
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  addAccount, listAccounts, loadWorkspace, ROLES, updateAccount, workspaceStoreTarget, type AccountPorts, type Role, type UseCaseResult,
} from '../../app/index.js';
import { nodeWorkspaceFiles, openAccountStore, systemClock } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson, reportDiagnostics } from '../output.js';

/** The accounts of the workspace's store (or `--store`); the caller closes them. */
export async function cliAccountPorts(o: { workspace?: string; store?: string }): Promise<AccountPorts> {
  const files = nodeWorkspaceFiles(o.workspace ?? '.');
  let target = o.store;
  if (!target) {
    const l = await loadWorkspace(files);
    if (!l.ok) {
      reportDiagnostics(l.diagnostics);
      throw new CliExit(ExitCode.InvalidPolicy);
    }
    const t = workspaceStoreTarget(l.value, files, undefined, (n) => process.env[n]);
    if (!t.ok) {
      reportDiagnostics(t.diagnostics);
      throw new CliExit(ExitCode.ToolFailure);
    }
    target = t.value;
  }
  try {
    return { accounts: await openAccountStore(target), clock: systemClock };
  } catch (e) {
    const ds = (e as { diagnostics?: [] }).diagnostics;
    if (ds) reportDiagnostics(ds);
    else err(`error: cannot open the store: ${(e as Error).message}`);
    throw new CliExit(ExitCode.ToolFailure);
  }
}

/** The CLI's actor name in the history: the OS user running it. */
export const cliActor = (): string => `cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`;

export function unwrap<T>(r: UseCaseResult<T>): T {
  reportDiagnostics(r.diagnostics);
  if (r.ok) return r.value;
  throw new CliExit(r.failure === 'invalid' ? ExitCode.InvalidPolicy : ExitCode.ToolFailure);
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const ask = (q: string): Promise<string> => new Promise((res) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Hide what is typed: the prompt is written once, keystrokes are not echoed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => { if (s.includes(q)) process.stderr.write(q); };
    rl.question(q, (a) => { rl.close(); process.stderr.write('\n'); res(a); });
  });
  const a = await ask('password: ');
  const b = await ask('again: ');
  if (a !== b) {
    err('error: the passwords differ');
    throw new CliExit(ExitCode.ToolFailure);
  }
  return a;
}

interface Common { workspace?: string; store?: string; json?: boolean }

async function withAccounts<T>(o: Common, fn: (p: AccountPorts) => Promise<T>): Promise<T> {
  const p = await cliAccountPorts(o);
  try {
    return await fn(p);
  } finally {
    await p.accounts.close();
  }
}

const common = (c: Command): Command => c
  .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
  .option('--store <target>', 'store: SQLite file or postgres:// URL (default: the workspace\'s)')
  .option('--json', 'print JSON');

export function register(program: Command): void {
  const user = program.command('user').description('accounts and roles of the console and the API');
  common(user.command('add').argument('<name>', 'account name').requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from the first line of stdin')
    .description('add an account (asks for its password)')
    .addHelpText('after', `
Roles: viewer reads; analyst also accepts suggested rules and prepares changes; approver also approves,
promotes and rolls back (never a change they prepared or requested); admin also manages accounts and tokens.

Examples:
  $ lockstep user add alice --role admin --workspace lockstep-demo
  $ printf '%s\\n' "$PASS" | lockstep user add bob --role analyst --password-stdin
Exit: 0 added, 1 bad arguments, a taken name or a store failure, 3 invalid workspace.`))
    .action(async (name: string, o: Common & { role: string; passwordStdin?: boolean }) => {
      if (!ROLES.includes(o.role as Role)) {
        err(`error: \`${o.role}\` is not a role (${ROLES.join(', ')})`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const password = await readPassword(!!o.passwordStdin);
      const a = await withAccounts(o, async (p) => unwrap(await addAccount(p, { name, role: o.role as Role, password, actor: cliActor() })));
      if (o.json) outJson(a);
      else out(`added ${a.name} (${a.role})`);
    });
  common(user.command('list').description('list accounts')).action(async (o: Common) => {
    const list = await withAccounts(o, async (p) => unwrap(await listAccounts(p)));
    if (o.json) outJson(list);
    else out(list.length ? list.map((a) => `${a.name}\t${a.role}${a.disabled ? '\tdisabled' : ''}`).join('\n') : 'no accounts: add one with `lockstep user add NAME --role admin`');
  });
  const change = (cmd: string, desc: string, build: (o: Common & { role?: string; passwordStdin?: boolean }) => Promise<{ role?: Role; disabled?: boolean; password?: string }>, extra?: (c: Command) => Command) => {
    const c = common(user.command(cmd).argument('<name>', 'account name').description(desc));
    (extra ? extra(c) : c).action(async (name: string, o: Common & { role?: string; passwordStdin?: boolean }) => {
      const ch = await build(o);
      const a = await withAccounts(o, async (p) => unwrap(await updateAccount(p, { name, ...ch, actor: cliActor() })));
      if (o.json) outJson(a);
      else out(`${a.name}: ${a.role}${a.disabled ? ', disabled' : ''}`);
    });
  };
  change('set-role', 'change the role of an account (ends its sessions)', async (o) => {
    if (!ROLES.includes(o.role as Role)) {
      err(`error: \`${o.role}\` is not a role (${ROLES.join(', ')})`);
      throw new CliExit(ExitCode.ToolFailure);
    }
    return { role: o.role as Role };
  }, (c) => c.requiredOption('--role <role>', `one of ${ROLES.join(', ')}`));
  change('disable', 'disable an account (ends its sessions; its tokens stop working)', async () => ({ disabled: true }));
  change('enable', 'enable a disabled account', async () => ({ disabled: false }));
  change('passwd', 'set a new password (ends the account\'s sessions)', async (o) => ({ password: await readPassword(!!o.passwordStdin) }), (c) => c.option('--password-stdin', 'read the password from stdin'));
}
