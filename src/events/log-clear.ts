/**
 * Log-cleared events: Security 1102 ("The audit log was cleared") and System 104 ("The X log file was
 * cleared"), both from the Microsoft-Windows-Eventlog provider. They are not AppLocker events, but they prove
 * records were destroyed, so readiness treats them as a gap in the evidence (issue 10 item 6). Recognised
 * from any reader's RawEvent; the ingest pipeline stores them beside the AppLocker events.
 * Field names are the events' UserData/LogFileCleared children (SubjectUserName, SubjectDomainName, Channel).
 */
import type { RawEvent } from './raw-event.js';
import { stripNul } from './readers/text.js';

export interface LogClear {
  readonly computer: string;
  /** ISO 8601 UTC. */
  readonly timeCreated: string;
  /** 1102 or 104. */
  readonly eventId: number;
  /** The log that was cleared: `Security` for 1102, the Channel field of 104 (`System`, `Application`…). */
  readonly log: string;
  /** Who cleared it (`DOMAIN\user`), when the event says. */
  readonly user?: string;
  readonly recordId?: number;
}

const EVENTLOG_PROVIDERS = new Set(['microsoft-windows-eventlog', 'eventlog']);

/** The log-clear an event records, or undefined when it is not one. */
export function logClearOf(raw: RawEvent): LogClear | undefined {
  const provider = stripNul(raw.provider).trim().toLowerCase();
  const channel = stripNul(raw.channel).trim();
  const isSecurity = raw.eventId === 1102 && (channel.toLowerCase() === 'security' || (!channel && EVENTLOG_PROVIDERS.has(provider)));
  const isSystem = raw.eventId === 104 && channel.toLowerCase() === 'system';
  if (!isSecurity && !isSystem) return undefined;
  // Other providers reuse 104 (e.g. in System): only the event log service's own event counts.
  if (provider && !EVENTLOG_PROVIDERS.has(provider)) return undefined;
  const d = raw.data;
  const name = (d['SubjectUserName'] ?? '').trim();
  const domain = (d['SubjectDomainName'] ?? '').trim();
  const user = name ? (domain ? `${domain}\\${name}` : name) : undefined;
  const log = isSecurity ? 'Security' : (d['Channel'] ?? '').trim() || 'System';
  return {
    computer: stripNul(raw.computer).trim(),
    timeCreated: raw.timeCreated,
    eventId: raw.eventId,
    log,
    ...(user ? { user } : {}),
    ...(raw.recordId !== undefined ? { recordId: raw.recordId } : {}),
  };
}
