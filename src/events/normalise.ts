/**
 * RawEvent → AppLockerEvent: recognises AppLocker events and gives them one normalised shape, whatever export
 * they came from (applocker.md §9.1–§9.3, formats.md §A.8). Used by readEvents (readers/index.ts), the
 * ingest pipeline and the `events read` command.
 *
 * Recognition is by provider (name `Microsoft-Windows-AppLocker` or its GUID), or — when an export lost the
 * provider — by one of the four AppLocker channels; never by event id alone: other providers log 8025 too
 * (HelloForBusiness/Operational in the corpus, MANIFEST b2).
 */
import type { RuleCollectionType } from '../policy/model.js';
import { parseFqbn } from '../policy/fqbn.js';
import {
  APPLOCKER_CHANNELS,
  APPLOCKER_PROVIDER,
  APPLOCKER_PROVIDER_GUID,
  type AppLockerEvent,
  type AppLockerOutcome,
  type Fqbn,
} from './applocker-event.js';
import type { RawEvent } from './raw-event.js';
import { stripNul } from './readers/text.js';

const CHANNELS = new Set(APPLOCKER_CHANNELS.map((c) => c.toLowerCase()));
const GUID_BARE = APPLOCKER_PROVIDER_GUID.slice(1, -1).toLowerCase();

/** True when the raw event is from the AppLocker provider (or, provider unknown, in an AppLocker channel). */
export function isAppLockerEvent(raw: Pick<RawEvent, 'provider' | 'providerGuid' | 'channel'>): boolean {
  const provider = stripNul(raw.provider).trim().toLowerCase();
  if (provider === APPLOCKER_PROVIDER.toLowerCase()) return true;
  const guid = raw.providerGuid ? stripNul(raw.providerGuid).trim().replace(/^\{|\}$/g, '').toLowerCase() : '';
  if (guid === GUID_BARE) return true;
  // A provider name that is present and different wins over the channel (a forwarded event keeps its
  // provider; a foreign provider writing into an AppLocker channel is not AppLocker's decision).
  if (provider || guid) return false;
  return CHANNELS.has(stripNul(raw.channel).trim().toLowerCase());
}

/** §9.2: what the event id says happened. */
export function outcomeOf(eventId: number): AppLockerOutcome {
  switch (eventId) {
    case 8002: case 8005: case 8020: case 8023:
      return 'allowed';
    case 8003: case 8006: case 8021: case 8024:
      return 'audited';
    case 8004: case 8007: case 8022: case 8025: case 8027:
      return 'blocked';
    default:
      return 'other';
  }
}

const POLICY_COLLECTION: Readonly<Record<string, RuleCollectionType>> = {
  EXE: 'Exe',
  DLL: 'Dll',
  MSI: 'Msi',
  SCRIPT: 'Script',
  APPX: 'Appx',
  MANAGEDINSTALLER: 'ManagedInstaller',
};

/** §9.3 PolicyName → collection; without it, only the packaged-app ids (8020–8027) name one collection. */
export function collectionOf(policyName: string | undefined, eventId: number): RuleCollectionType | undefined {
  const c = policyName ? POLICY_COLLECTION[policyName.trim().toUpperCase()] : undefined;
  if (c) return c;
  return eventId >= 8020 && eventId <= 8027 ? 'Appx' : undefined;
}

/** `4bad95f0-…` / `{4BAD…}` → `{4BAD95F0-…}` (braced upper-case, §9.3 RuleId). */
export function normaliseGuid(text: string | undefined): string | undefined {
  const t = text === undefined ? '' : stripNul(text).trim();
  if (!t) return undefined;
  return `{${t.replace(/^\{|\}$/g, '').toUpperCase()}}`;
}

/** FileHash as upper hex without `0x`, separators removed (EvtxECmd prints `10-67-8D-…`); '' → undefined. */
export function normaliseHash(text: string | undefined): string | undefined {
  const t = text === undefined ? '' : stripNul(text).trim().replace(/^0x/i, '').replace(/[-\s:]/g, '');
  return t ? t.toUpperCase() : undefined;
}

/** TargetLogonId as Windows renders a HexInt64 (`0x3e7`); decimal (Winlogbeat's integer form) converted. */
export function normaliseLogonId(text: string | undefined): string | undefined {
  const t = text === undefined ? '' : stripNul(text).trim();
  if (!t) return undefined;
  // Already canonical (lower-case hex, no leading zero: what Windows and most exports write): no BigInt round trip.
  if (/^0x[1-9a-f][0-9a-f]*$/.test(t) || t === '0x0') return t;
  if (/^0x[0-9a-f]+$/i.test(t)) return '0x' + BigInt(t).toString(16);
  if (/^\d+$/.test(t)) return '0x' + BigInt(t).toString(16);
  return t;
}

function value(data: RawEvent['data'], name: string): string | undefined {
  const v = data[name];
  if (v === undefined) return undefined;
  const s = stripNul(v);
  return s === '' ? undefined : s;
}

/** `-` is how AppLocker logs "none" for RuleName, RuleSddl and Fqbn (§9.3). */
function dashless(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '-' ? undefined : s;
}

function intOf(s: string | undefined): number | undefined {
  if (s === undefined || !/^\s*\d+\s*$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Normalises one raw event; undefined when it is not an AppLocker event.
 * @example
 * const ev = normaliseAppLockerEvent(raw); // { eventId: 8003, outcome: 'audited', collection: 'Exe', … }
 */
export function normaliseAppLockerEvent(raw: RawEvent): AppLockerEvent | undefined {
  if (!isAppLockerEvent(raw)) return undefined;
  const d = raw.data;
  const policyName = value(d, 'PolicyName')?.trim();
  const collection = collectionOf(policyName, raw.eventId);
  const fqbnText = dashless(value(d, 'Fqbn'));
  const parsed = parseFqbn(fqbnText);
  const fqbn: Fqbn | undefined = parsed
    ? { publisherName: parsed.publisherName, productName: parsed.productName, binaryName: parsed.binaryName, binaryVersion: parsed.binaryVersion ?? '' }
    : undefined;
  const userSid = value(d, 'TargetUser')?.trim() ?? (raw.securityUserId ? stripNul(raw.securityUserId).trim() || undefined : undefined);
  const e: { -readonly [K in keyof AppLockerEvent]: AppLockerEvent[K] } = {
    eventId: raw.eventId,
    outcome: outcomeOf(raw.eventId),
    channel: stripNul(raw.channel).trim(),
    computer: stripNul(raw.computer).trim(),
    timeCreated: raw.timeCreated,
    provider: stripNul(raw.provider).trim() || APPLOCKER_PROVIDER,
  };
  // Optional fields only when present (no `undefined` keys: events compare and serialise cleanly).
  if (collection !== undefined) e.collection = collection;
  if (raw.recordId !== undefined) e.recordId = raw.recordId;
  if (userSid !== undefined) e.userSid = userSid;
  const pid = intOf(value(d, 'TargetProcessId'));
  if (pid !== undefined) e.targetProcessId = pid;
  const logon = normaliseLogonId(value(d, 'TargetLogonId'));
  if (logon !== undefined) e.targetLogonId = logon;
  if (policyName !== undefined) e.policyName = policyName;
  const ruleId = normaliseGuid(value(d, 'RuleId'));
  if (ruleId !== undefined) e.ruleId = ruleId;
  const ruleName = dashless(value(d, 'RuleName'));
  if (ruleName !== undefined) e.ruleName = ruleName;
  const ruleSddl = dashless(value(d, 'RuleSddl'));
  if (ruleSddl !== undefined) e.ruleSddl = ruleSddl;
  const filePath = value(d, 'FilePath');
  if (filePath !== undefined) e.filePath = filePath;
  const fullFilePath = value(d, 'FullFilePath');
  if (fullFilePath !== undefined) e.fullFilePath = fullFilePath;
  const fileHash = normaliseHash(value(d, 'FileHash'));
  if (fileHash !== undefined) e.fileHash = fileHash;
  if (fqbnText !== undefined) e.fqbnText = fqbnText;
  if (fqbn !== undefined) e.fqbn = fqbn;
  const packageName = value(d, 'Package');
  if (packageName !== undefined) e.packageName = packageName;
  e.source = raw.source;
  return e;
}
