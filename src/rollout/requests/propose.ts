/**
 * The narrowest rule for an access request (issue 14 item 1), the way an admin would write it by hand:
 * a signed file gets a publisher rule on publisher + product + binary with a version floor at the requested
 * version (`BinaryVersionRange` low = that version, high = `*`, applocker.md §5.2) — updates keep working,
 * older and other binaries of the vendor stay blocked; an unsigned file gets a SHA-256 hash rule (§5.3).
 * Scoped to the request's SID (Everyone unless asked). "How many recorded events it would allow" is measured
 * with the engine, as the readiness analysis replays evidence (analysis/engine-decider.ts), on a
 * policy holding only the rule, over the files the GPO's machines were blocked or audited on.
 */
import { createHash } from 'node:crypto';
import { parseFqbn } from '../../policy/fqbn.js';
import type { AppLockerPolicy, Rule } from '../../policy/model.js';
import { engineDecider } from '../analysis/engine-decider.js';
import { principalFor, SID } from '../analysis/replay.js';
import type { FileEvidence } from '../ports.js';
import type { RequestedFile, RuleProposal } from './workflow.js';

function contentGuid(text: string): string {
  const h = createHash('sha256').update(`lockstep-request:${text}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/')) + 1);
}

/** `1.2` → `1.2.0.0`: BinaryVersionRange sections are four numbers. */
function fourPart(v: string): string {
  const parts = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return [0, 1, 2, 3].map((i) => parts[i] ?? 0).join('.');
}

/** The rule, or why none can be proposed (no signature and no hash). */
export function proposeRule(file: RequestedFile, opts: { readonly sid?: string; readonly gpo: string; readonly requestId: string }): { ok: true; rule: Rule; type: 'Publisher' | 'Hash'; reason: string } | { ok: false; message: string } {
  const sid = (opts.sid ?? SID.everyone).toUpperCase();
  const pub = parseFqbn(file.fqbn);
  const description = `Access request ${opts.requestId} (lockstep), GPO ${opts.gpo}`;
  if (pub && pub.publisherName && pub.productName && pub.binaryName) {
    const low = pub.binaryVersion ? fourPart(pub.binaryVersion) : '*';
    const key = `P|${file.collection}|${pub.publisherName}|${pub.productName}|${pub.binaryName}|${low}|${sid}`;
    const org = pub.publisherName.split(',')[0]!.replace(/^O=/, '');
    return {
      ok: true, type: 'Publisher',
      reason: pub.binaryVersion ? `signed: publisher + product + binary, version ${low} and later (updates keep working, older versions stay blocked)` : 'signed, without a version: publisher + product + binary, any version',
      rule: {
        kind: 'FilePublisherRule', id: contentGuid(key), name: `${pub.binaryName}${low !== '*' ? ` ${low}+` : ''}, in ${pub.productName}, from ${org}`,
        description, userOrGroupSid: sid, action: 'Allow',
        condition: { kind: 'FilePublisherCondition', publisherName: pub.publisherName, productName: pub.productName, binaryName: pub.binaryName, binaryVersionRange: { lowSection: low, highSection: '*' } },
        exceptions: [],
      },
    };
  }
  if (file.hash && /^[0-9A-F]{64}$/i.test(file.hash)) {
    const key = `H|${file.collection}|${file.hash.toUpperCase()}|${sid}`;
    return {
      ok: true, type: 'Hash', reason: 'unsigned: SHA-256 hash rule (exactly this file; an update needs a new request)',
      rule: {
        kind: 'FileHashRule', id: contentGuid(key), name: baseName(file.path), description, userOrGroupSid: sid, action: 'Allow',
        condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: `0x${file.hash.toUpperCase()}`, sourceFileName: baseName(file.path), ...(file.fileLength !== undefined ? { sourceFileLength: String(file.fileLength) } : {}) }] },
      },
    };
  }
  return { ok: false, message: `\`${file.path}\` has neither a publisher nor a SHA-256 hash to write a rule on` };
}

/**
 * Events and files of `evidence` (blocked or audited, i.e. denied by the current policy) that `rule` would
 * allow: each file replayed through a one-rule policy for its logged user.
 */
export function eventsAllowed(rule: Rule, collection: RequestedFile['collection'], evidence: readonly FileEvidence[]): { events: number; files: number } {
  const policy: AppLockerPolicy = { version: '1', ruleCollections: [{ type: collection, enforcementMode: 'Enabled', rules: [rule] }] };
  const decide = engineDecider(policy);
  let events = 0, files = 0;
  for (const f of evidence) {
    if (f.outcome === 'allowed' || (f.collection && f.collection !== collection)) continue;
    // The rule's SID decides who it covers; the evidence names users, so test each logged user (capped list).
    const users = f.users.length ? f.users : [undefined];
    if (users.some((u) => decide({ collection, filePath: f.filePath, ...(f.fileHash ? { fileHash: f.fileHash } : {}), ...(f.fqbnText ? { fqbnText: f.fqbnText } : {}) }, principalFor(u, false)).verdict === 'Allowed')) {
      events += f.events;
      files++;
    }
  }
  return { events, files };
}

export type { RuleProposal };
