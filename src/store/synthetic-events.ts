/**
 * A small, seeded generator of SYNTHETIC AppLocker events (clearly not real evidence) for the store's own
 * tests, kill test and benchmark: a fleet of computers and users running a catalogue of files over days,
 * with per-computer record ids as Windows assigns them (one counter per channel log, formats.md §A.4).
 * The product's realistic fleet simulator is rollout's `lockstep simulate fleet`; this one exists so the
 * store room does not depend on it. Deterministic: same seed, same events.
 */
import { IMPLICIT_RULE_ID, type AppLockerEvent, type AppLockerOutcome } from '../events/applocker-event.js';
import type { RuleCollectionType } from '../policy/model.js';

/** mulberry32: tiny, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticFleet {
  readonly seed: number;
  readonly computers: number;
  readonly users: number;
  readonly files: number;
  readonly days: number;
  /** First day, `YYYY-MM-DD`. */
  readonly startDay: string;
}

export const DEFAULT_FLEET: SyntheticFleet = { seed: 1, computers: 200, users: 300, files: 400, days: 30, startDay: '2026-10-01' };

const EXE_CHANNEL = 'Microsoft-Windows-AppLocker/EXE and DLL';
const SCRIPT_CHANNEL = 'Microsoft-Windows-AppLocker/MSI and Script';
const PUBLISHERS = ['O=CONTOSO LTD, L=REDMOND, S=WASHINGTON, C=US', 'O=FABRIKAM, C=DE', 'O=LITWARE INC, C=US', ''];

interface CatalogueFile {
  readonly collection: RuleCollectionType;
  readonly path: string;
  readonly hash: string;
  readonly fqbn?: string;
  readonly outcome: AppLockerOutcome;
}

function hex64(rnd: () => number): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += Math.floor(rnd() * 0x100000000).toString(16).toUpperCase().padStart(8, '0');
  return s;
}

/**
 * Generates `count` events in time order (like an export), spread over the fleet's days.
 * @example const events = syntheticEvents(10_000, { ...DEFAULT_FLEET, seed: 7 });
 */
export function syntheticEvents(count: number, fleet: SyntheticFleet = DEFAULT_FLEET): AppLockerEvent[] {
  const rnd = seededRandom(fleet.seed);
  const catalogue: CatalogueFile[] = [];
  for (let i = 0; i < fleet.files; i++) {
    const script = i % 5 === 0;
    const pub = PUBLISHERS[i % PUBLISHERS.length]!;
    const name = `APP${i}.${script ? 'PS1' : 'EXE'}`;
    const userWritable = i % 3 === 0;
    catalogue.push({
      collection: script ? 'Script' : 'Exe',
      path: userWritable ? `%OSDRIVE%\\USERS\\PUBLIC\\TOOLS\\${name}` : `%PROGRAMFILES%\\VENDOR${i % 17}\\${name}`,
      hash: hex64(rnd),
      ...(pub && !script ? { fqbn: `${pub}\\PRODUCT ${i % 23}\\${name}\\1.${i % 7}.0.0` } : {}),
      outcome: userWritable ? 'audited' : 'allowed',
    });
  }
  const start = Date.parse(`${fleet.startDay}T00:00:00Z`);
  const span = fleet.days * 86_400_000;
  const recordIds = new Map<string, number>();
  const out: AppLockerEvent[] = [];
  for (let i = 0; i < count; i++) {
    // Even spacing plus jitter keeps the export in time order, as Windows writes it.
    const ms = start + Math.floor(((i + rnd() * 0.9) / count) * span);
    const c = Math.floor(rnd() * fleet.computers);
    const computer = `WS-${String(c).padStart(5, '0')}`;
    // Each computer has a few regular users and a favourite slice of the catalogue (Zipf-like reuse).
    const user = `S-1-5-21-1004336348-1177238915-682003330-${1000 + ((c * 7 + Math.floor(rnd() * 3)) % fleet.users)}`;
    const f = catalogue[Math.floor(Math.pow(rnd(), 2) * catalogue.length)]!;
    const channel = f.collection === 'Script' ? SCRIPT_CHANNEL : EXE_CHANNEL;
    const counterKey = `${computer}|${channel}`;
    const recordId = (recordIds.get(counterKey) ?? 0) + 1;
    recordIds.set(counterKey, recordId);
    const audited = f.outcome === 'audited';
    const script = f.collection === 'Script';
    const iso = new Date(ms).toISOString(); // ms precision; add 100 ns ticks as Windows logs them
    out.push({
      eventId: script ? (audited ? 8006 : 8005) : audited ? 8003 : 8002,
      outcome: f.outcome,
      collection: f.collection,
      channel,
      computer,
      timeCreated: `${iso.slice(0, 23)}${String(i % 10_000).padStart(4, '0')}Z`,
      recordId,
      provider: 'Microsoft-Windows-AppLocker',
      userSid: user,
      targetProcessId: 1000 + Math.floor(rnd() * 60_000),
      targetLogonId: `0x${(0x10000 + c).toString(16)}`,
      policyName: script ? 'SCRIPT' : 'EXE',
      ruleId: audited ? IMPLICIT_RULE_ID : '{921CC481-6E17-4653-8F75-050B80ACCA20}',
      ruleName: audited ? '-' : '(Default Rule) All files located in the Program Files folder',
      ruleSddl: audited ? '-' : 'D:(XA;;FX;;;S-1-1-0;(APPID://PATH Contains "%PROGRAMFILES%\\*"))',
      filePath: f.path,
      fileHash: f.hash,
      ...(f.fqbn ? { fqbnText: f.fqbn } : {}),
    });
  }
  return out;
}
