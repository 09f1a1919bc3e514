/**
 * `lockstep rollback --gpo NAME [--to ENTRY] [--out DIR]` (issue 11 item 5): a thin adapter over the `rollback`
 * use case; restores the policy file byte for byte, records itself, and writes the artifacts to apply the
 * restored policy (policy.xml, deploy.ps1, rollback.ps1) into `--out` (default `rollback-<entry>/`).
 * Exit: 0 restored, 3 the history does not verify or a blob is missing, 1 nothing to roll back / tool failure.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exportArtifacts, rollback } from '../../app/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { out, outJson, reportDiagnostics } from '../output.js';
import { GENERATED_BY, writeArtifacts } from './export.js';
import { actorOf, promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';

interface Options { workspace: string; gpo: string; to?: string; actor?: string; reason?: string; store?: string; out?: string; json?: boolean }

export function register(program: Command): void {
  program
    .command('rollback')
    .description('restore a GPO\'s policy file byte for byte to before a recorded change, and emit the artifacts to apply it')
    .requiredOption('--gpo <name>', 'the GPO (name or GUID)')
    .option('--to <entry>', 'restore the state before this history entry (default: undo the latest change)')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--actor <name>', 'who rolls back (default: the OS user)')
    .option('--reason <text>', 'why: recorded in the history')
    .option('--store <target>', 'store holding the history (default: the workspace\'s)')
    .option('--out <dir>', 'where to write policy.xml, deploy.ps1 and rollback.ps1 for the restored policy (default rollback-<entry>)')
    .option('--json', 'print the outcome as JSON')
    .addHelpText('after', `
Repeated rollbacks walk back one change at a time; --to N undoes entry N and every later change of the GPO.
The history is verified first. Apply the restored policy with the written deploy.ps1.

Examples:
  $ lockstep rollback --gpo "AppLocker - Finance" --reason "helpdesk flood"
  $ lockstep history --gpo "AppLocker - Finance" && lockstep rollback --gpo "AppLocker - Finance" --to 3
Exit: 0 restored, 3 history does not verify or the earlier policy is missing, 1 nothing to roll back or tool failure.`)
    .action(async (o: Options) => {
      let to: number | undefined;
      if (o.to !== undefined) {
        to = Number.parseInt(o.to, 10);
        if (!Number.isInteger(to) || to < 1 || String(to) !== o.to.trim()) {
          reportDiagnostics([{ code: 'cli.rollback.bad-entry', severity: 'error', message: `\`--to ${o.to}\` is not an entry number`, help: 'see `lockstep history`' }]);
          throw new CliExit(ExitCode.ToolFailure);
        }
      }
      const ports = promotionPorts(o.workspace);
      const r = unwrapUseCase(await rollback(ports, { gpo: o.gpo, actor: actorOf(o.actor), ...(to ? { to } : {}), ...(o.reason ? { reason: o.reason } : {}), ...(o.store ? { store: o.store } : {}) }));
      const ex = unwrapUseCase(await exportArtifacts(ports, { gpo: r.gpo, format: 'powershell', generatedBy: GENERATED_BY, policyBytes: r.bytes }));
      const dir = resolve(o.out ?? `rollback-${r.entry.seq}`);
      const written = writeArtifacts(dir, ex);
      if (o.json) outJson({ gpo: r.gpo, policyFile: r.policyFile, restoredBefore: r.restored.seq, sha256: r.entry.policyAfter, entry: r.entry, artifacts: written });
      else {
        out(`${r.gpo}: restored ${r.policyFile} to its bytes before entry ${r.restored.seq} (${r.restored.action}, ${r.restored.time}); sha256 ${r.entry.policyAfter}`);
        out(`recorded as history entry ${r.entry.seq}; apply with ${dir}/deploy.ps1 (-WhatIf first)`);
      }
      throw new CliExit(ExitCode.Ok);
    });
}
