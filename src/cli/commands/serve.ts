/**
 * `lockstep serve`: the HTTP API, the event intake and the web console over a workspace and its store
 * (issue 13 item 1). The same workspace, store and use cases as every other command; this file only parses
 * flags and keeps the process alive until SIGINT/SIGTERM. Exit codes: 0 stopped cleanly, 1 cannot listen or
 * open the store, 3 invalid workspace.
 */
import type { Command } from 'commander';
// eslint-disable-next-line no-restricted-imports -- `serve` is the one command that launches the HTTP adapter; it shares nothing else with it
import { startServer } from '../../server/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, outJson } from '../output.js';
import { unwrap } from './user.js';

interface Options { workspace?: string; store?: string; listen?: string; tlsCert?: string; tlsKey?: string; json?: boolean }

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the web console, the HTTP API and the event intake for a workspace')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--store <target>', 'evidence store: SQLite file or postgres:// URL (default: the workspace\'s)')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (cookies become Secure)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--json', 'print the address as JSON once listening')
    .addHelpText('after', `
First create an account: \`lockstep user add alice --role admin --workspace DIR\`. Shippers post to
/api/events (NDJSON, JSON) or to /es (Elasticsearch _bulk, for Winlogbeat) with a token from
\`lockstep token create --scope intake\`. The API is described at /api/openapi.json.

Examples:
  $ lockstep serve --workspace lockstep-demo
  $ lockstep serve --workspace ws --store postgres://lockstep@db/lockstep --listen 0.0.0.0:8443 --tls-cert c.pem --tls-key k.pem
Exit: 0 stopped, 1 cannot listen or open the store, 3 invalid workspace.`)
    .action(async (o: Options) => {
      if (!!o.tlsCert !== !!o.tlsKey) {
        err('error: --tls-cert and --tls-key go together');
        throw new CliExit(ExitCode.ToolFailure);
      }
      const s = unwrap(await startServer({
        workspace: o.workspace ?? '.', listen: o.listen ?? '127.0.0.1:8080', env: (n) => process.env[n],
        ...(o.store ? { store: o.store } : {}), ...(o.tlsCert && o.tlsKey ? { tls: { cert: o.tlsCert, key: o.tlsKey } } : {}),
      }));
      if (o.json) outJson({ url: s.url, store: s.store });
      else err(`lockstep: serving ${o.workspace ?? '.'} (store ${s.store}) at ${s.url}/ — Ctrl+C stops`);
      await new Promise<void>((res) => {
        const stop = () => res();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await s.close();
      throw new CliExit(ExitCode.Ok);
    });
}
