/**
 * `lockstep rules accept --gpo NAME [--id ID…|--all] [--dry-run]` (issue 11 item 1): a thin adapter over the
 * `acceptSuggestions` use case (app/accept.ts); kept beside rules.ts so that file only gains one line.
 * Exit: 0 merged (or nothing new), 3 a chosen suggestion was refused (user-writable path) or the workspace is
 * invalid, 1 unknown id / tool failure.
 */
import type { Command } from 'commander';
import { acceptSuggestions } from '../../app/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { out, outJson } from '../output.js';
import { actorOf, parseNow, promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';

interface Options { workspace: string; gpo: string; id?: string[]; all?: boolean; dryRun?: boolean; actor?: string; since?: string; store?: string; now?: string; json?: boolean }

export function registerAccept(rules: Command): void {
  rules
    .command('accept')
    .description('merge the rules the readiness report suggests into a GPO\'s policy file, and show the diff')
    .requiredOption('--gpo <name>', 'the GPO whose policy file receives the rules')
    .option('--id <id...>', 'suggested rule ids to accept (from `lockstep report readiness`)')
    .option('--all', 'accept every suggestion for the GPO')
    .option('--dry-run', 'show the diff, write nothing')
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--actor <name>', 'who accepts (default: the OS user)')
    .option('--since <window>', 'evidence window: `30d` or a date', '30d')
    .option('--store <target>', 'evidence store (default: the workspace\'s)')
    .option('--now <iso>', 'end of the evidence window (default: now)')
    .option('--json', 'print the outcome as JSON')
    .addHelpText('after', `
Rule ids are derived from the rule's content, so accepting twice adds nothing. A path rule for a user-writable
folder is never accepted.

Examples:
  $ lockstep rules accept --gpo "AppLocker - Finance" --all --dry-run
  $ lockstep rules accept --gpo "AppLocker - Finance" --id 3f1c0a2e-… 9b7d41c0-…
Exit: 0 merged or nothing new, 3 refused or invalid workspace, 1 unknown id or tool failure.`)
    .action(async (o: Options) => {
      const now = parseNow(o.now);
      const r = unwrapUseCase(await acceptSuggestions(promotionPorts(o.workspace), {
        gpo: o.gpo, actor: actorOf(o.actor), ...(o.id ? { ids: o.id } : {}), ...(o.all ? { all: true } : {}), ...(o.dryRun ? { dryRun: true } : {}),
        ...(o.since ? { since: o.since } : {}), ...(o.store ? { store: o.store } : {}), ...(now ? { now } : {}),
      }));
      if (o.json) {
        outJson({ gpo: r.gpo, policyFile: r.policyFile, written: r.written, accepted: r.accepted.map((s) => ({ id: s.rule.id, type: s.type, collection: s.collection, name: s.rule.name, events: s.events })), alreadyPresent: r.alreadyPresent, diff: r.diff, entry: r.entry ?? null });
      } else {
        out(r.diffText);
        const what = r.accepted.length ? `${r.accepted.length} rule${r.accepted.length === 1 ? '' : 's'}` : 'no new rules';
        out(r.written ? `accepted ${what} into ${r.policyFile} (history entry ${r.entry!.seq})` : o.dryRun ? `dry run: would accept ${what} into ${r.policyFile}` : `nothing to accept into ${r.policyFile}${r.alreadyPresent.length ? ` (${r.alreadyPresent.length} already present)` : ''}`);
      }
      throw new CliExit(ExitCode.Ok);
    });
}
