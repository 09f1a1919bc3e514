/**
 * What Enforce would block, from the evidence (issue 6 item 4): the audit events 8003/8006/8021/8024
 * (outcome `audited`: "allowed to run but would have been prevented", applocker.md §9.2) and, for a
 * CANDIDATE policy, every file in the evidence replayed through it (§3.2) — per user, because rules name
 * users and groups. Marks approved applications and administrators. Used by analysis/readiness.ts.
 */
import { parseFqbn } from '../../policy/fqbn.js';
import { isUserWritablePath } from '../../policy/user-writable.js';
import type { RuleCollectionType } from '../../policy/model.js';
import type { FileEvidence } from '../ports.js';
import type { ApprovedApplication } from '../workspace/model.js';
import { pathConditionMatches, principalFor, SID, type EvidenceDecider } from './replay.js';

export type WouldBlockCause = 'audited' | 'blocked' | 'candidate-denied';

export interface WouldBlockFile {
  readonly collection: RuleCollectionType;
  readonly filePath: string;
  readonly fullFilePath?: string;
  readonly fileHash?: string;
  readonly fqbnText?: string;
  readonly cause: WouldBlockCause;
  readonly events: number;
  readonly userCount: number;
  readonly computerCount: number;
  /** Users (SIDs) that would be blocked, at most 50. */
  readonly users: readonly string[];
  readonly computers: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** The approved application this file is, if any. */
  readonly approvedApp?: string;
  /** An administrator ran it (upper bound: the file's events include an administrator). */
  readonly byAdministrator: boolean;
  readonly userWritable: boolean;
}

/** True for administrators: the workspace's list, LocalSystem/LocalService/NetworkService and RID 500. */
export function isAdministratorSid(sid: string, administrators: ReadonlySet<string>): boolean {
  const s = sid.toUpperCase();
  return administrators.has(s) || s === SID.localSystem || s === SID.localService || s === SID.networkService || /^S-1-5-21-.*-500$/.test(s);
}

/** The approved application a file is, by publisher/product/binary (FQBN) or path pattern. */
export function approvedAppFor(f: { filePath: string; fqbnText?: string }, approved: readonly ApprovedApplication[]): string | undefined {
  const pub = parseFqbn(f.fqbnText);
  for (const a of approved) {
    if (a.publisher) {
      if (!pub) continue;
      if (a.publisher.toUpperCase() !== pub.publisherName.toUpperCase()) continue;
      if (a.product && a.product !== '*' && a.product.toUpperCase() !== pub.productName.toUpperCase()) continue;
      if (a.binary && a.binary !== '*' && a.binary.toUpperCase() !== pub.binaryName.toUpperCase()) continue;
      if (a.path && !pathConditionMatches(a.path, f.filePath)) continue;
      return a.name;
    }
    if (a.path && pathConditionMatches(a.path, f.filePath)) return a.name;
  }
  return undefined;
}

export interface WouldBlockOptions {
  readonly approved: readonly ApprovedApplication[];
  readonly administrators: ReadonlySet<string>;
  /** Only files of these collections count (the collections the GPO configures). */
  readonly collections?: ReadonlySet<RuleCollectionType>;
  /** Replays every file through this candidate decider instead of trusting the logged outcome. */
  readonly candidate?: EvidenceDecider;
}

/** The distinct files that Enforce would block, most events first. */
export function wouldBlockFiles(files: readonly FileEvidence[], opts: WouldBlockOptions): WouldBlockFile[] {
  const merged = new Map<string, WouldBlockFile>();
  for (const f of files) {
    const collection = f.collection;
    if (!collection) continue;
    if (opts.collections && !opts.collections.has(collection)) continue;
    let cause: WouldBlockCause;
    let users = f.users;
    if (opts.candidate) {
      if (f.outcome === 'other') continue;
      const facts = { collection, filePath: f.filePath, ...(f.fileHash ? { fileHash: f.fileHash } : {}), ...(f.fqbnText ? { fqbnText: f.fqbnText } : {}) };
      const principals = f.users.length ? f.users : [undefined];
      const blocked = principals.filter((u) => opts.candidate!(facts, principalFor(u, u ? isAdministratorSid(u, opts.administrators) : false)).wouldBlock);
      if (blocked.length === 0) continue;
      users = blocked.filter((u): u is string => !!u);
      cause = 'candidate-denied';
    } else if (f.outcome === 'audited' || f.outcome === 'blocked') {
      cause = f.outcome;
    } else continue;
    // the same file can appear under several outcomes; report it once with summed counts
    const key = [collection, f.filePath, f.fileHash ?? '', f.fqbnText ?? ''].join('\u0000');
    const prev = merged.get(key);
    const userSet = new Set([...(prev?.users ?? []), ...users]);
    const compSet = new Set([...(prev?.computers ?? []), ...f.computers]);
    const approvedApp = approvedAppFor(f, opts.approved);
    merged.set(key, {
      collection, filePath: f.filePath,
      ...(f.fullFilePath ? { fullFilePath: f.fullFilePath } : {}),
      ...(f.fileHash ? { fileHash: f.fileHash } : {}),
      ...(f.fqbnText ? { fqbnText: f.fqbnText } : {}),
      cause: prev && prev.cause !== cause ? prev.cause : cause,
      events: (prev?.events ?? 0) + f.events,
      userCount: Math.max(prev?.userCount ?? 0, opts.candidate ? users.length : f.userCount, userSet.size),
      computerCount: Math.max(prev?.computerCount ?? 0, f.computerCount, compSet.size),
      users: [...userSet].sort().slice(0, 50),
      computers: [...compSet].sort().slice(0, 50),
      firstSeen: prev && prev.firstSeen < f.firstSeen ? prev.firstSeen : f.firstSeen,
      lastSeen: prev && prev.lastSeen > f.lastSeen ? prev.lastSeen : f.lastSeen,
      ...(approvedApp ? { approvedApp } : {}),
      byAdministrator: (prev?.byAdministrator ?? false) || users.some((u) => isAdministratorSid(u, opts.administrators)),
      userWritable: isUserWritablePath(f.filePath),
    });
  }
  return [...merged.values()].sort((a, b) => b.events - a.events || a.filePath.localeCompare(b.filePath));
}
