/**
 * Batch preparation shared by both stores: turns AppLockerEvents into rows (normalised time, dedup key,
 * the dimension values the rollup is keyed by), drops repeats inside the batch, and folds the inserted
 * rows into daily rollup deltas. Pure except for node:crypto hashing. Used by sqlite/ and postgres/.
 *
 * Rollup grain (issue 6 item 2: readiness over 10M events in ≤ 1 s): one row per
 * day × computer × file key × user × outcome × rule id, with the event count and first/last time.
 * The file key is collection + filePath + fileHash + fqbnText, the grouping of EvidenceQuery.files().
 */
import type { Diagnostic } from '../diag/index.js';
import type { AppLockerEvent } from '../events/applocker-event.js';
import type { LogClear } from '../events/log-clear.js';
import { dedupKey } from './dedup.js';
import { dayOf, normalizeTime } from './time.js';

/** The four columns that identify a distinct file; '' for absent (NULLs would defeat UNIQUE). */
export interface FileKey {
  readonly collection: string;
  readonly filePath: string;
  readonly fileHash: string;
  readonly fqbnText: string;
}

export interface PreparedEvent {
  readonly key: string;
  readonly time: string;
  readonly day: string;
  readonly computer: string;
  readonly computerLc: string;
  readonly channel: string;
  /** '' when the event names no user. */
  readonly userSid: string;
  /** '' when the event names no rule. */
  readonly ruleId: string;
  readonly file: FileKey;
  readonly fileKeyText: string;
  readonly fullFilePath: string;
  readonly event: AppLockerEvent;
}

const SEP = '\u001f';

export function fileKeyText(f: FileKey): string {
  return [f.collection, f.filePath, f.fileHash, f.fqbnText].join(SEP);
}

export interface PreparedBatch {
  readonly events: PreparedEvent[];
  /** Repeats of a key already in this batch. */
  readonly repeats: number;
  readonly rejected: Diagnostic[];
}

/** Normalises and dedups a batch in memory (first occurrence wins, as the database would keep it). */
export function prepareBatch(events: readonly AppLockerEvent[]): PreparedBatch {
  const seen = new Set<string>();
  const out: PreparedEvent[] = [];
  const rejected: Diagnostic[] = [];
  let repeats = 0;
  for (const e of events) {
    const time = normalizeTime(e.timeCreated);
    if (time === undefined) {
      rejected.push({
        code: 'store.event.bad-time',
        severity: 'error',
        message: `event has an unreadable TimeCreated \`${e.timeCreated}\``,
        ...(e.source ? { help: `from ${e.source}` } : {}),
      });
      continue;
    }
    const key = dedupKey(e, time);
    if (seen.has(key)) {
      repeats++;
      continue;
    }
    seen.add(key);
    const file: FileKey = {
      collection: e.collection ?? '',
      // Packaged-app events (8020–8025) name a package instead of a file path (applocker.md §9.3).
      filePath: e.filePath ?? e.packageName ?? '',
      fileHash: e.fileHash ?? '',
      fqbnText: e.fqbnText ?? '',
    };
    out.push({
      key,
      time,
      day: dayOf(time),
      computer: e.computer,
      computerLc: e.computer.toLowerCase(),
      channel: e.channel,
      userSid: e.userSid ?? '',
      ruleId: e.ruleId ?? '',
      file,
      fileKeyText: fileKeyText(file),
      fullFilePath: e.fullFilePath ?? '',
      event: e,
    });
  }
  return { events: out, repeats, rejected };
}

/** One rollup delta row, ids already resolved. */
export interface RollupDelta {
  day: string;
  computerId: number;
  fileKeyId: number;
  userId: number;
  outcome: string;
  ruleKeyId: number;
  events: number;
  firstSeen: string;
  lastSeen: string;
}

export interface ResolvedIds {
  readonly computerId: number;
  readonly fileKeyId: number;
  /** 0 = no user. */
  readonly userId: number;
  /** 0 = no rule id. */
  readonly ruleKeyId: number;
}

/**
 * Folds inserted events into rollup deltas, sorted by key so concurrent writers (PostgreSQL) take row locks
 * in the same order and cannot deadlock.
 */
export function foldRollup(inserted: ReadonlyArray<{ p: PreparedEvent; ids: ResolvedIds }>): RollupDelta[] {
  const map = new Map<string, RollupDelta>();
  for (const { p, ids } of inserted) {
    const k = `${p.day}|${ids.computerId}|${ids.fileKeyId}|${ids.userId}|${p.event.outcome}|${ids.ruleKeyId}`;
    const d = map.get(k);
    if (d) {
      d.events++;
      if (p.time < d.firstSeen) d.firstSeen = p.time;
      if (p.time > d.lastSeen) d.lastSeen = p.time;
    } else {
      map.set(k, {
        day: p.day,
        computerId: ids.computerId,
        fileKeyId: ids.fileKeyId,
        userId: ids.userId,
        outcome: p.event.outcome,
        ruleKeyId: ids.ruleKeyId,
        events: 1,
        firstSeen: p.time,
        lastSeen: p.time,
      });
    }
  }
  return [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, d]) => d);
}

/**
 * The per-event provenance kept in `events.source_ref`: the part of `file.json:17` / `x.evtx#record 42`
 * after the source's path (the path itself is in `sources`, referenced by `source_id`), so a long path is
 * not repeated in every row.
 */
export function sourceRef(eventSource: string | undefined, sourcePath: string): string | null {
  if (eventSource === undefined) return null;
  return eventSource.startsWith(sourcePath) ? eventSource.slice(sourcePath.length) : eventSource;
}

/** One channel_daily delta row (migration 0002), ids resolved. */
export interface ChannelDayDelta {
  day: string;
  computerId: number;
  channelId: number;
  events: number;
  withRecord: number;
  minRecord: number | null;
  maxRecord: number | null;
  firstSeen: string;
  lastSeen: string;
}

/** Folds inserted events into per day × computer × channel deltas (record-id ranges), sorted by key as foldRollup. */
export function foldChannelDays(inserted: ReadonlyArray<{ p: PreparedEvent; ids: { computerId: number; channelId: number } }>): ChannelDayDelta[] {
  const map = new Map<string, ChannelDayDelta>();
  for (const { p, ids } of inserted) {
    const k = `${ids.computerId}|${ids.channelId}|${p.day}`;
    let d = map.get(k);
    if (!d) {
      d = { day: p.day, computerId: ids.computerId, channelId: ids.channelId, events: 0, withRecord: 0, minRecord: null, maxRecord: null, firstSeen: p.time, lastSeen: p.time };
      map.set(k, d);
    }
    d.events++;
    const r = p.event.recordId;
    if (r !== undefined) {
      d.withRecord++;
      if (d.minRecord === null || r < d.minRecord) d.minRecord = r;
      if (d.maxRecord === null || r > d.maxRecord) d.maxRecord = r;
    }
    if (p.time < d.firstSeen) d.firstSeen = p.time;
    if (p.time > d.lastSeen) d.lastSeen = p.time;
  }
  return [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, d]) => d);
}

/** A log_clears row (migration 0002); clears with an unreadable time are dropped (they date nothing). */
export interface PreparedLogClear {
  readonly computerLc: string;
  readonly computer: string;
  readonly time: string;
  readonly eventId: number;
  readonly log: string;
  readonly user: string | null;
  readonly recordId: number | null;
}

export function prepareLogClears(clears: readonly LogClear[]): PreparedLogClear[] {
  const out: PreparedLogClear[] = [];
  for (const c of clears) {
    const time = normalizeTime(c.timeCreated);
    if (time === undefined || !c.computer) continue;
    out.push({ computerLc: c.computer.toLowerCase(), computer: c.computer, time, eventId: c.eventId, log: c.log, user: c.user ?? null, recordId: c.recordId ?? null });
  }
  return out;
}
