/**
 * `lockstep keys init [--force]` (issue 11 item 6): the Ed25519 key pair that signs change-approval bundles.
 * A thin adapter over app/keys.ts. Exit: 0 created, 1 a key exists (without --force) or tool failure.
 */
import type { Command } from 'commander';
import { keysInit } from '../../app/index.js';
import { nodeWorkspaceFiles } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { out, outJson } from '../output.js';
import { unwrapUseCase } from './report.js';

export function register(program: Command): void {
  const keys = program.command('keys').description('the key that signs change-approval bundles');
  keys
    .command('init')
    .description('create an Ed25519 signing key: private under .lockstep/keys/ (owner-only, not in git), public under keys/')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--force', 'replace an existing key (bundles signed with the old one no longer verify against the new public key)')
    .option('--json', 'print the key files and key id as JSON')
    .addHelpText('after', `
Commit keys/bundle-signing.pub.pem; keep .lockstep/keys/bundle-signing.key.pem private.

Examples:
  $ lockstep keys init --workspace corp-ws
  $ lockstep export --workspace corp-ws --gpo "AppLocker - Finance" --format bundle --out cab-1234/
Exit: 0 created, 1 a key already exists or tool failure.`)
    .action(async (o: { workspace: string; force?: boolean; json?: boolean }) => {
      const r = unwrapUseCase(await keysInit(nodeWorkspaceFiles(o.workspace), { ...(o.force ? { force: true } : {}) }));
      if (o.json) outJson(r);
      else out(`signing key ${r.keyId.slice(0, 16)}…\n  private: ${r.privateKey} (keep it secret)\n  public:  ${r.publicKey} (commit it; verify-bundle uses it)`);
      throw new CliExit(ExitCode.Ok);
    });
}
