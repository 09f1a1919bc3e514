/**
 * `lockstep export --gpo NAME [--format all|xml|powershell|intune|wef|bundle] --out DIR` (issue 11 item 6): a thin
 * adapter over the `exportArtifacts` use case; writes each artifact into DIR. Exit: 0 written, 3 invalid
 * workspace or policy, 1 tool failure or bad arguments.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EXPORT_FORMATS, exportArtifacts, type ExportFormat, type ExportOutcome } from '../../app/index.js';
import { writeFileAtomic } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { diagnosticsJson, out, outJson } from '../output.js';
import { parseNow, promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';

export const GENERATED_BY = 'lockstep 0.1.0';

/** Writes every artifact into `dir` (created); returns the paths written. */
export function writeArtifacts(dir: string, r: ExportOutcome): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, bytes] of r.artifacts) {
    const p = join(dir, name);
    writeFileAtomic(p, bytes);
    written.push(p);
  }
  return written;
}

interface Options { workspace: string; gpo: string; format: string; out: string; ring?: string; since?: string; store?: string; now?: string; bufferDays?: string; json?: boolean }

export function register(program: Command): void {
  program
    .command('export')
    .description('the artifacts to apply a GPO\'s policy: policy.xml, deploy.ps1/rollback.ps1, Intune, WEF, a signed approval bundle')
    .requiredOption('--gpo <name>', 'the GPO (name or GUID)')
    .requiredOption('--out <dir>', 'folder to write the artifacts into (created)')
    .option('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`, 'all')
    .option('--ring <name>', 'export the pilot ring\'s policy instead of the broad GPO\'s')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--since <window>', 'evidence window for the bundle\'s readiness report and WEF sizing', '30d')
    .option('--store <target>', 'evidence store: SQLite file or postgres:// URL (default: the workspace\'s)')
    .option('--now <iso>', 'end of the evidence window (default: now)')
    .option('--buffer-days <n>', 'days of events each machine\'s AppLocker log must hold (WEF sizing)', '7')
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', `
Formats:
  xml         policy.xml (UTF-16LE, as Set-AppLockerPolicy -XmlPolicy reads it)
  powershell  policy.xml, deploy.ps1 (check GPO by GUID, back up, replace, read back; -WhatIf), rollback.ps1
  intune      intune-graph.json (Graph windows10CustomConfiguration), intune.syncml.xml, intune-README.md
  wef         wef-subscription.xml (wecutil cs), wevtutil-sizes.cmd (channel sizes from the measured event rate)
  bundle      all of the above + readiness.html/json + diff current → new + manifest.json + manifest.sig (Ed25519;
              needs \`lockstep keys init\`); check with \`lockstep verify-bundle DIR\`
  all         everything (the bundle only when a signing key exists)

Examples:
  $ lockstep export --gpo "AppLocker - Finance" --format powershell --out change/
  $ lockstep keys init && lockstep export --gpo "AppLocker - Finance" --format bundle --out cab-1234/
Exit: 0 written, 3 invalid workspace or policy, 1 tool failure.`)
    .action(async (o: Options) => {
      const now = parseNow(o.now);
      const bufferDays = Number.parseInt(o.bufferDays ?? '7', 10);
      const r = unwrapUseCase(await exportArtifacts(promotionPorts(o.workspace), {
        gpo: o.gpo, format: o.format as ExportFormat, generatedBy: GENERATED_BY, ...(o.ring ? { ring: o.ring } : {}),
        ...(o.since ? { since: o.since } : {}), ...(o.store ? { store: o.store } : {}), ...(now ? { now } : {}),
        ...(bufferDays > 0 ? { bufferDays } : {}),
      }));
      const written = writeArtifacts(resolve(o.out), r);
      if (o.json) outJson({ gpo: r.gpo, out: resolve(o.out), policySha256: r.policySha256, files: written, diagnostics: diagnosticsJson([]) });
      else out(`${r.gpo}: wrote ${written.length} files to ${o.out} (${[...r.artifacts.keys()].join(', ')}); policy.xml sha256 ${r.policySha256}`);
      throw new CliExit(ExitCode.Ok);
    });
}
