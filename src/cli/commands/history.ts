/**
 * `lockstep history [--gpo NAME] [--verify]` (issue 11 item 4): the promotion history from the store, and with
 * `--verify` the hash chain of the store and of the workspace's `history/` mirror, naming each broken entry.
 * Exit: 0 listed / verified, 2 the history does not verify, 3 invalid workspace, 1 tool failure.
 */
import type { Command } from 'commander';
import { history } from '../../app/index.js';
import { diagnosticToJson } from '../../diag/index.js';
import type { HistoryEntry } from '../../rollout/promotion/history.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { out, outJson, reportDiagnostics } from '../output.js';
import { promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';

function line(e: HistoryEntry): string {
  const modes = Object.entries(e.modesAfter).filter(([c, m]) => e.modesBefore[c as keyof typeof e.modesBefore] !== m).map(([c, m]) => `${c} ${e.modesBefore[c as keyof typeof e.modesBefore] ?? '-'}→${m}`).join(', ');
  const extra = [
    e.ring ? `ring ${e.ring}` : '', modes, e.rules ? `${e.rules.length} rules` : '', e.restores ? `restores before #${e.restores}` : '',
    e.readiness ? `readiness ${e.readiness.verdict}` : '', e.forced ? 'FORCED' : '', e.reason ? `reason: ${e.reason}` : '', e.source ? `from ${e.source}` : '',
  ].filter(Boolean).join('; ');
  return `#${e.seq} ${e.time} ${e.action.padEnd(8)} ${e.gpo} by ${e.actor}${extra ? ` — ${extra}` : ''}\n    policy ${e.policyBefore.slice(0, 12)} → ${e.policyAfter.slice(0, 12)}  entry ${e.hash.slice(0, 12)}`;
}

interface Options { workspace: string; gpo?: string; verify?: boolean; store?: string; json?: boolean }

export function register(program: Command): void {
  program
    .command('history')
    .description('who accepted, promoted, rolled back or imported what, on which evidence; --verify checks the hash chain')
    .option('--gpo <name>', 'only this GPO')
    .option('--verify', 'check the chain in the store and in the workspace\'s history/ folder; name every broken entry')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--store <target>', 'store holding the history (default: the workspace\'s)')
    .option('--json', 'print the entries (and problems) as JSON')
    .addHelpText('after', `
Examples:
  $ lockstep history --gpo "AppLocker - Finance"
  $ lockstep history --verify        # in CI: exit 2 when an entry was edited, deleted or reordered
Exit: 0 listed (and verified), 2 the history does not verify, 3 invalid workspace, 1 tool failure.`)
    .action(async (o: Options) => {
      const r = unwrapUseCase(await history(promotionPorts(o.workspace), { ...(o.gpo ? { gpo: o.gpo } : {}), ...(o.verify ? { verify: true } : {}), ...(o.store ? { store: o.store } : {}) }));
      const problems = r.problems ?? [];
      if (o.json) outJson({ entries: r.entries, ...(o.verify ? { verified: problems.length === 0, problems: problems.map(diagnosticToJson) } : {}) });
      else {
        out(r.entries.length ? r.entries.map(line).join('\n') : 'no history yet');
        if (o.verify) {
          reportDiagnostics(problems);
          out(problems.length ? `history does NOT verify: ${problems.length} problem${problems.length === 1 ? '' : 's'}` : `history verified: ${r.entries.length} entr${r.entries.length === 1 ? 'y' : 'ies'}, chain intact in the store and in history/`);
        }
      }
      throw new CliExit(problems.length ? ExitCode.WouldBlock : ExitCode.Ok);
    });
}
