/**
 * `lockstep token create|list|revoke`: API tokens for scripts and event shippers (issue 13 item 3). A token
 * acts as an account, limited to its scopes (`read`, `write`, `intake`); it is printed once and stored as a
 * hash. A thin adapter over app/accounts.ts. Exit codes: 0 done, 1 bad arguments or a store failure.
 */
import type { Command } from 'commander';
import { createToken, listTokens, revokeToken, SCOPES, type Scope } from '../../app/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson } from '../output.js';
import { cliAccountPorts, cliActor, unwrap } from './user.js';

interface Common { workspace?: string; store?: string; json?: boolean }
const common = (c: Command): Command => c
  .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
  .option('--store <target>', 'store: SQLite file or postgres:// URL (default: the workspace\'s)')
  .option('--json', 'print JSON');

export function register(program: Command): void {
  const token = program.command('token').description('API tokens for scripts and event shippers');
  common(token.command('create').description('create a token (printed once)')
    .requiredOption('--user <name>', 'the account the token acts as')
    .requiredOption('--name <name>', 'what uses it, e.g. winlogbeat-wec01')
    .option('--scope <scopes>', `comma-separated: ${SCOPES.join(', ')}`, 'read')
    .addHelpText('after', `
A shipper needs only \`intake\` (and an account with at least the analyst role). Winlogbeat takes the token
as \`api_key: "ID:SECRET"\` (the two halves around the dot); Logstash and NXLog send it as a header.

Examples:
  $ lockstep token create --user shipper --name winlogbeat-wec01 --scope intake --workspace lockstep-demo
  $ lockstep token create --user alice --name nightly-report --scope read --json | jq -r .token
Exit: 0 created, 1 unknown account, bad scope or store failure.`))
    .action(async (o: Common & { user: string; name: string; scope: string }) => {
      const scopes = o.scope.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = scopes.find((s) => !SCOPES.includes(s as Scope));
      if (bad) {
        err(`error: \`${bad}\` is not a scope (${SCOPES.join(', ')})`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const p = await cliAccountPorts(o);
      try {
        const r = unwrap(await createToken(p, { account: o.user, name: o.name, scopes: scopes as Scope[], actor: cliActor() }));
        if (o.json) outJson(r);
        else {
          out(r.token);
          const [id, secret] = r.token.split('.');
          err(`token ${r.view.id} for ${o.user} (${r.view.scopes.join(', ')}): shown once, store it now.\nWinlogbeat: api_key: "${id}:${secret}"`);
        }
      } finally {
        await p.accounts.close();
      }
    });
  common(token.command('list').description('list tokens (never their secrets)')).action(async (o: Common) => {
    const p = await cliAccountPorts(o);
    try {
      const list = unwrap(await listTokens(p));
      if (o.json) outJson(list);
      else out(list.length ? list.map((t) => `${t.id}\t${t.name}\t${t.account}\t${t.scopes.join(',')}\t${t.revokedAt ? `revoked ${t.revokedAt}` : t.lastUsedAt ? `last used ${t.lastUsedAt}` : 'never used'}`).join('\n') : 'no tokens');
    } finally {
      await p.accounts.close();
    }
  });
  common(token.command('revoke').argument('<id>', 'token id (lst_…)').description('revoke a token')).action(async (id: string, o: Common) => {
    const p = await cliAccountPorts(o);
    try {
      const r = unwrap(await revokeToken(p, { id, actor: cliActor() }));
      if (o.json) outJson(r);
      else out(`revoked ${r.id}`);
    } finally {
      await p.accounts.close();
    }
  });
}
