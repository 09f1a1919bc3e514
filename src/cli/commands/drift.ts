/**
 * `lockstep report drift [--gpo NAME] [--since 30d] [--json]` (issue 14 item 4): rules that break on the next
 * update, per GPO, with the publisher rule that would survive. Registered under `report` by report.ts.
 * Exit: 0 none, 2 some rule will break, 3 invalid workspace, 1 tool failure.
 */
import type { Command } from 'commander';
import { updateDriftReport } from '../../app/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { out, outJson } from '../output.js';
import { parseNow, promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';

export function registerDrift(report: Command): void {
  report.command('drift')
    .description('rules that break on update: hash rules whose file changed, publisher rules pinned to one version')
    .option('--gpo <name>', 'only this GPO')
    .option('--since <window>', 'evidence window', '30d')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--store <target>', 'evidence store (default: the workspace\'s)')
    .option('--now <iso>', 'end of the window (default: now)')
    .option('--json', 'print JSON')
    .action(async (o: { gpo?: string; since: string; workspace: string; store?: string; now?: string; json?: boolean }) => {
      const now = parseNow(o.now);
      const r = unwrapUseCase(await updateDriftReport(promotionPorts(o.workspace), { ...(o.gpo ? { gpo: o.gpo } : {}), since: o.since, ...(o.store ? { store: o.store } : {}), ...(now ? { now } : {}) }));
      const n = r.reduce((s, g) => s + g.warnings.length, 0);
      if (o.json) outJson({ gpos: r });
      else {
        out(r.map((g) => `${g.gpo}: ${g.warnings.length ? '' : 'no rule breaks on update'}${g.warnings.map((w) => `\n  ${w.kind === 'hash-changed' ? 'HASH ' : 'PINNED'} ${w.message}\n    seen: ${w.seen.slice(0, 5).map((s) => `${s.path}${s.version ? ` ${s.version}` : ''}${s.hash ? ` ${s.hash.slice(0, 12)}…` : ''} (${s.events} events)`).join('; ')}${w.survivor ? `\n    survives: ${w.survivor.name} (covers ${w.survivorEvents} events)` : ''}`).join('')}`).join('\n'));
      }
      throw new CliExit(n ? ExitCode.WouldBlock : ExitCode.Ok);
    });
}
