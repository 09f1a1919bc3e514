/**
 * `lockstep request new|list|show|approve|reject|more-info|answer|deployed` (issue 14 items 1–2): access
 * requests after enforcement. A thin adapter over app/access-request.ts: reads the block event or file facts
 * the requester supplies, parses flags, prints. Separation of duties and the workflow are the use case's.
 * Exit: 0 done, 1 usage / tool failure (self-approval, wrong state), 3 invalid workspace.
 */
import type { Command } from 'commander';
import {
  createAccessRequest, decideAccessRequest, fromResult, historyTarget, loadWorkspace, includeAccessRequest, listAccessRequests, showAccessRequest,
  type ListedRequest, type RequestPorts, type RequestSubject, type WebhookEndpoint,
} from '../../app/index.js';
import { readEvents, type AppLockerEvent } from '../../events/index.js';
import { readFileFacts } from '../../fileinfo/facts/index.js';
import { deliverDue } from '../../notify/index.js';
import { collectionForPath, type RuleCollectionType, RULE_COLLECTION_TYPES } from '../../policy/index.js';
import { REQUEST_STATES, type AccessRequest, type RequestedFile, type RequestState } from '../../rollout/requests/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson, reportDiagnostics } from '../output.js';
import { readInput } from '../io.js';
import { actorOf, parseNow, promotionPorts } from './promote.js';
import { unwrapUseCase } from './report.js';

const BLOCKS = new Set([8004, 8007, 8022, 8025]);

function ports(o: { workspace: string; now?: string }): RequestPorts {
  const now = parseNow(o.now);
  return { ...(promotionPorts(o.workspace) as RequestPorts), ...(now ? { clock: { now: () => now } } : {}) };
}

function fail(message: string, help?: string): never {
  err(`error: ${message}${help ? `\n  help: ${help}` : ''}`);
  throw new CliExit(ExitCode.ToolFailure);
}

/** `30d`, `12h`, `2w` after `now`, or an ISO date. */
export function parseExpiry(text: string, now: Date): Date {
  const m = /^(\d+)\s*([hdw])$/i.exec(text.trim());
  if (m) return new Date(now.getTime() + Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2]!.toLowerCase() as 'h' | 'd' | 'w']);
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) fail(`\`--expires ${text}\` is neither a duration nor a date`, 'use `30d`, `12h`, `2w` or an ISO date');
  return d;
}

function blockEvent(file: string, record?: string): AppLockerEvent {
  const blocks: AppLockerEvent[] = [];
  for (const r of readEvents({ name: file, bytes: readInput(file) })) {
    if (r.kind === 'event' && r.applocker && BLOCKS.has(r.applocker.eventId)) blocks.push(r.applocker);
  }
  if (record !== undefined) {
    const e = blocks.find((b) => String(b.recordId) === record);
    if (!e) fail(`no block event with record id ${record} in \`${file}\``, blocks.length ? `block records: ${blocks.slice(0, 10).map((b) => b.recordId).join(', ')}` : undefined);
    return e;
  }
  if (blocks.length === 0) fail(`\`${file}\` holds no block event (8004, 8007, 8022, 8025)`);
  if (blocks.length > 1) err(`note: ${blocks.length} block events in \`${file}\`; using the first (record ${blocks[0]!.recordId ?? '?'}); pick another with --record`);
  return blocks[0]!;
}

function factsFile(file: string): RequestedFile {
  const f = readFileFacts(readInput(file), { file });
  reportDiagnostics(f.diagnostics);
  if (!f.ok || f.value.records.length === 0) fail(`\`${file}\` holds no file facts`, 'use `Get-AppLockerFileInformation -Path FILE | ConvertTo-Json` or `lockstep fileinfo FILE --json`');
  if (f.value.records.length > 1) err(`note: ${f.value.records.length} files in \`${file}\`; the request is for the first`);
  const r = f.value.records[0]!;
  const path = r.displayPath ?? r.info.path;
  const p = r.info.publisher;
  const hash = r.info.hashes.SHA256;
  return {
    collection: r.info.collection ?? collectionForPath(path) ?? 'Exe', path,
    ...(hash ? { hash: hash.toUpperCase() } : {}),
    ...(p ? { fqbn: `${p.publisherName}\\${p.productName}\\${p.binaryName}\\${p.binaryVersion ?? ''}` } : {}),
    ...(r.size !== undefined ? { fileLength: r.size } : {}),
  };
}

function collectionOf(text: string | undefined, path: string): RuleCollectionType {
  if (!text) return collectionForPath(path) ?? 'Exe';
  const t = RULE_COLLECTION_TYPES.find((c) => c.toLowerCase() === text.toLowerCase());
  if (!t) fail(`unknown rule collection \`${text}\``, `use ${RULE_COLLECTION_TYPES.join(', ')}`);
  return t;
}

function summary(x: ListedRequest): string {
  const r = x.request;
  const exp = r.approval?.expiresAt ? ` until ${r.approval.expiresAt}${x.expired ? ' (EXPIRED)' : ''}` : '';
  return `${r.id}  ${r.state.padEnd(9)} ${r.gpo}  ${r.file.path}  by ${r.requester}${r.approval ? `, approved by ${r.approval.approver}${exp}` : ''}`;
}

function details(x: ListedRequest): string {
  const r = x.request, p = r.proposal;
  const lines = [
    `${r.id} — ${r.state}${x.expired ? ' (EXPIRED: its rule leaves the next export)' : ''}`,
    `  requester      ${r.requester}`,
    `  justification  ${r.justification}`,
    `  group          ${r.group || '-'}${r.supportContact ? ` (support: ${r.supportContact})` : ''}`,
    `  GPO            ${r.gpo}`,
    `  machine/user   ${r.machine ?? '-'} / ${r.userSid ?? '-'}`,
    ...(r.eventRef ? [`  from event     ${r.eventRef}`] : []),
    `  file           ${r.file.collection} ${r.file.path}${r.file.fqbn ? `\n                 signed: ${r.file.fqbn}` : ''}${r.file.hash ? `\n                 SHA256 ${r.file.hash}` : ''}`,
    `  proposed rule  ${p.type}: ${p.rule.name} (id ${p.rule.id}, for ${p.rule.userOrGroupSid})`,
    `                 ${p.reason}`,
    `                 would allow ${p.eventsAllowed} recorded event${p.eventsAllowed === 1 ? '' : 's'} of ${p.filesAllowed} file${p.filesAllowed === 1 ? '' : 's'}`,
    `  lint risk      ${p.lint.length ? p.lint.map((f) => `${f.severity} ${f.code}: ${f.message}`).join('\n                 ') : 'none'}`,
    ...(r.approval ? [`  approval       ${r.approval.approver} at ${r.approval.time}${r.approval.expiresAt ? `, expires ${r.approval.expiresAt}` : ', no expiry'}`] : []),
    '  history',
    ...r.transitions.map((t) => `    ${t.time} ${t.action.padEnd(9)} ${t.from}→${t.to} by ${t.actor}${t.comment ? ` — ${t.comment}` : ''}`),
  ];
  return lines.join('\n');
}

function hooks(list: string[] | undefined): WebhookEndpoint[] {
  return (list ?? []).map((url) => {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      fail(`\`--webhook ${url}\` is not an http(s) URL`);
    }
    return { url };
  });
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

interface Common { workspace: string; store?: string; now?: string; json?: boolean; actor?: string; webhook?: string[] }

function emit(r: AccessRequest, o: Common, expired = false): void {
  if (o.json) outJson({ request: r, expired });
  else out(details({ request: r, expired }));
}

export function register(program: Command): void {
  const cmd = program.command('request').description('access requests after enforcement: propose the narrowest rule, approve (another person), include, expire');
  const common = (c: Command): Command => c
    .option('--workspace <dir>', 'workspace folder (holds lockstep.yaml)', '.')
    .option('--store <target>', 'evidence store holding the requests (default: the workspace\'s)')
    .option('--now <iso>', 'the time to act at (default: now)')
    .option('--json', 'print JSON');

  common(cmd.command('new')
    .description('a request from a block event, from file facts, or from a path/hash/publisher given by hand')
    .requiredOption('--requester <name>', 'who needs the file')
    .requiredOption('--justification <text>', 'why')
    .option('--event <file>', 'an event export holding the block (EVTX, Event XML, JSON, CSV)')
    .option('--record <n>', 'the block event\'s record id in --event')
    .option('--file-info <file>', 'Get-AppLockerFileInformation JSON/CSV or `lockstep fileinfo --json` output')
    .option('--path <path>', 'the file\'s path (by hand)')
    .option('--hash <sha256>', 'its SHA-256 (by hand)')
    .option('--publisher <fqbn>', 'its publisher as PUBLISHER\\PRODUCT\\BINARY\\VERSION (by hand)')
    .option('--collection <type>', 'rule collection (default: from the extension)')
    .option('--machine <name>', 'the machine (finds the business group)')
    .option('--group <name>', 'the business group (default: the machine\'s)')
    .option('--gpo <name>', 'the GPO to add the rule to (default: the group\'s highest-precedence GPO)')
    .option('--sid <sid>', 'scope the rule to this user or group SID (default Everyone)')
    .option('--webhook <url>', 'notify this endpoint (repeatable)', collect))
    .addHelpText('after', `
Examples:
  $ lockstep request new --event blocked.evtx --requester alice --justification "month-end close needs Ledger"
  $ lockstep request new --file-info ledger.json --machine FIN-WS-0003 --requester alice --justification "…"
  $ lockstep request new --path "%PROGRAMFILES%\\TOOL\\TOOL.EXE" --hash 3F…A9 --group Finance --requester alice --justification "…"`)
    .action(async (o: Common & { requester: string; justification: string; event?: string; record?: string; fileInfo?: string; path?: string; hash?: string; publisher?: string; collection?: string; machine?: string; group?: string; gpo?: string; sid?: string }) => {
      let subject: RequestSubject;
      if ([o.event, o.fileInfo, o.path].filter(Boolean).length !== 1) fail('give exactly one of --event, --file-info, --path');
      if (o.event) subject = { kind: 'event', event: blockEvent(o.event, o.record) };
      else if (o.fileInfo) subject = { kind: 'file-facts', file: factsFile(o.fileInfo), ...(o.machine ? { machine: o.machine } : {}) };
      else {
        const hash = o.hash?.replace(/^0x/i, '').toUpperCase();
        if (hash && !/^[0-9A-F]{64}$/.test(hash)) fail(`\`--hash ${o.hash}\` is not a SHA-256`);
        subject = { kind: 'manual', file: { collection: collectionOf(o.collection, o.path!), path: o.path!, ...(hash ? { hash } : {}), ...(o.publisher ? { fqbn: o.publisher } : {}) }, ...(o.machine ? { machine: o.machine } : {}) };
      }
      const r = unwrapUseCase(await createAccessRequest(ports(o), {
        subject, requester: o.requester, justification: o.justification,
        ...(o.gpo ? { gpo: o.gpo } : {}), ...(o.group ? { group: o.group } : {}), ...(o.sid ? { sid: o.sid } : {}), ...(o.store ? { store: o.store } : {}),
        webhooks: hooks(o.webhook),
      }));
      emit(r, o);
    });

  common(cmd.command('list').description('requests, newest last')
    .option('--state <state>', `only this state (${REQUEST_STATES.join(', ')})`)
    .option('--gpo <name>', 'only this GPO')
    .option('--expired', 'only time-bound exceptions past their expiry (their rules leave the next export)'))
    .action(async (o: Common & { state?: string; gpo?: string; expired?: boolean }) => {
      if (o.state && !REQUEST_STATES.includes(o.state as RequestState)) fail(`unknown state \`${o.state}\``, `use ${REQUEST_STATES.join(', ')}`);
      const list = unwrapUseCase(await listAccessRequests(ports(o), { ...(o.state ? { state: o.state as RequestState } : {}), ...(o.gpo ? { gpo: o.gpo } : {}), ...(o.expired ? { expired: true } : {}), ...(o.store ? { store: o.store } : {}) }));
      if (o.json) outJson({ requests: list.map((x) => ({ ...x.request, expired: x.expired })) });
      else out(list.length ? list.map(summary).join('\n') : 'no access requests');
    });

  common(cmd.command('show <id>').description('one request: file, proposed rule, lint risk, events it would allow, history'))
    .action(async (id: string, o: Common) => {
      const x = unwrapUseCase(await showAccessRequest(ports(o), { id, ...(o.store ? { store: o.store } : {}) }));
      emit(x.request, o, x.expired);
    });

  common(cmd.command('approve <id>').description('approve (never by the requester); by default also include the rule in the GPO\'s policy file')
    .option('--actor <name>', 'who approves (default: the OS user)')
    .option('--expires <when>', 'a time-bound exception: `30d`, `12h`, `2w` or an ISO date; the rule leaves exports after it')
    .option('--comment <text>', 'a note for the record')
    .option('--no-include', 'approve only; include later with `request include`')
    .option('--webhook <url>', 'notify this endpoint (repeatable)', collect))
    .action(async (id: string, o: Common & { expires?: string; comment?: string; include: boolean }) => {
      const p = ports(o);
      const actor = actorOf(o.actor);
      const expiresAt = o.expires ? parseExpiry(o.expires, p.clock.now()) : undefined;
      const base = { ...(o.store ? { store: o.store } : {}), webhooks: hooks(o.webhook) };
      const r = unwrapUseCase(await decideAccessRequest(p, { id, action: 'approve', actor, ...(o.comment ? { comment: o.comment } : {}), ...(expiresAt ? { expiresAt } : {}), ...base }));
      if (!o.include) return emit(r, o);
      const inc = unwrapUseCase(await includeAccessRequest(p, { id, actor, ...base }));
      if (o.json) outJson({ request: inc.request, policyFile: inc.policyFile, written: inc.written, diff: inc.diffText });
      else out(`${details({ request: inc.request, expired: false })}\n\n${inc.written ? `${inc.policyFile}:\n${inc.diffText}` : `the rule is already in ${inc.policyFile}`}\nnext: lockstep export --gpo "${inc.request.gpo}" --out DIR`);
    });

  common(cmd.command('include <id>').description('put an approved request\'s rule into its GPO\'s policy file')
    .option('--actor <name>', 'who acts (default: the OS user)')
    .option('--webhook <url>', 'notify this endpoint (repeatable)', collect))
    .action(async (id: string, o: Common) => {
      const inc = unwrapUseCase(await includeAccessRequest(ports(o), { id, actor: actorOf(o.actor), ...(o.store ? { store: o.store } : {}), webhooks: hooks(o.webhook) }));
      if (o.json) outJson({ request: inc.request, policyFile: inc.policyFile, written: inc.written, diff: inc.diffText });
      else out(`${inc.written ? `${inc.policyFile}:\n${inc.diffText}` : `the rule is already in ${inc.policyFile}`}`);
    });

  common(cmd.command('notify').description('send the due webhook notifications from the outbox (retried with backoff until delivered)')
    .option('--secret-env <name>', 'environment variable holding the HMAC secret', 'LOCKSTEP_WEBHOOK_SECRET')
    .option('--timeout <ms>', 'per-request timeout', '10000'))
    .action(async (o: Common & { secretEnv: string; timeout: string }) => {
      const secret = process.env[o.secretEnv];
      if (!secret) fail(`\`${o.secretEnv}\` is not set`, 'set it to the shared secret the receivers verify `X-Lockstep-Signature` with');
      const p = ports(o);
      const loaded = unwrapUseCase(fromResult(await loadWorkspace(p.files), 'invalid'));
      const target = unwrapUseCase(historyTarget(p, loaded, o.store));
      const log = await p.requests.open(target);
      try {
        const r = await deliverDue(log, { secret: secret!, now: () => p.clock.now(), timeoutMs: Number.parseInt(o.timeout, 10) || 10_000 });
        const pending = (await log.outbox()).filter((m) => !m.deliveredAt).length;
        if (o.json) outJson({ ...r, pending });
        else out(`delivered ${r.delivered}, failed ${r.failed.length}${r.failed.map((f) => `\n  ${f.endpoint}: ${f.error}; next attempt ${f.nextAttemptAt}`).join('')}; ${pending} pending`);
        if (r.failed.length) throw new CliExit(ExitCode.ToolFailure);
      } finally {
        await log.close();
      }
    });

  for (const [name, action, what] of [['reject', 'reject', 'reject (a reason is required)'], ['more-info', 'more-info', 'send back to the requester for more information'], ['answer', 'answer', 'the requester answered: back to new'], ['deployed', 'deploy', 'the exported policy was deployed']] as const) {
    common(cmd.command(`${name} <id>`).description(what)
      .option('--actor <name>', 'who acts (default: the OS user)')
      .option('--comment <text>', 'a note for the record')
      .option('--webhook <url>', 'notify this endpoint (repeatable)', collect))
      .action(async (id: string, o: Common & { comment?: string }) => {
        if (action === 'reject' && !o.comment?.trim()) fail('say why with `--comment TEXT`');
        const r = unwrapUseCase(await decideAccessRequest(ports(o), { id, action, actor: actorOf(o.actor), ...(o.comment ? { comment: o.comment } : {}), ...(o.store ? { store: o.store } : {}), webhooks: hooks(o.webhook) }));
        emit(r, o);
      });
  }
}
