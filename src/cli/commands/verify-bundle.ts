/**
 * `lockstep verify-bundle DIR [--key PUB.pem | --workspace WS]` (issue 11 item 6): checks a change-approval
 * bundle — the Ed25519 signature over manifest.json under a TRUSTED public key (never one taken from the
 * bundle), every listed file's SHA-256 and size, and no unlisted file. Exit: 0 verified, 2 does not verify,
 * 1 tool failure.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { PUBLIC_KEY_FILE, verifyBundle } from '../../app/index.js';
import { diagnosticToJson } from '../../diag/index.js';
import { MAX_BUNDLE_FILES } from '../../rollout/exports/bundle.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { readInput } from '../io.js';
import { err, out, outJson, reportDiagnostics } from '../output.js';
import { unwrapUseCase } from './report.js';

function readBundle(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        if (files.size >= MAX_BUNDLE_FILES + 2) throw Object.assign(new Error(`more than ${MAX_BUNDLE_FILES} files`), { code: 'E2BIG', path: dir });
        files.set(relative(dir, p).split('\\').join('/'), readInput(p));
      }
    }
  };
  walk(dir);
  return files;
}

export function register(program: Command): void {
  program
    .command('verify-bundle')
    .description('check a change-approval bundle: signature, every file\'s SHA-256, nothing added')
    .argument('<dir>', 'the bundle folder written by `lockstep export --format bundle`')
    .option('--key <pub.pem>', 'the trusted public key (default: the workspace\'s keys/bundle-signing.pub.pem)')
    .option('--workspace <dir>', 'workspace whose public key to trust', '.')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
Examples:
  $ lockstep verify-bundle cab-1234/ --key keys/bundle-signing.pub.pem
  $ lockstep verify-bundle cab-1234/ --workspace corp-ws
Exit: 0 verified, 2 does not verify, 1 tool failure.`)
    .action(async (dir: string, o: { key?: string; workspace: string; json?: boolean }) => {
      const keyFile = o.key ?? join(o.workspace, PUBLIC_KEY_FILE);
      if (!existsSync(keyFile)) {
        err(`error: no trusted public key at \`${keyFile}\`\n  help: pass --key PUB.pem, or --workspace with keys/bundle-signing.pub.pem`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const r = unwrapUseCase(verifyBundle({ dir, files: readBundle(dir), publicKey: new TextDecoder().decode(readInput(keyFile)) }));
      if (o.json) outJson({ verified: r.problems.length === 0, keyId: r.keyId, gpo: r.manifest?.gpo ?? null, policySha256: r.manifest?.policySha256 ?? null, files: r.manifest?.files.length ?? 0, problems: r.problems.map(diagnosticToJson) });
      else {
        reportDiagnostics(r.problems);
        out(r.problems.length ? `${dir}: does NOT verify (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'})` : `${dir}: verified — ${r.manifest!.files.length} files signed by key ${r.keyId.slice(0, 16)}… for ${r.manifest!.gpo}; policy.xml sha256 ${r.manifest!.policySha256}`);
      }
      throw new CliExit(r.problems.length ? ExitCode.WouldBlock : ExitCode.Ok);
    });
}
