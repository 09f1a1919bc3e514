/**
 * SYNTHETIC AppLocker events for a simulated fleet: what each machine would log over N days under its
 * GPOs' effective policy (applocker.md §9.2 event ids, §9.3 payload fields, §3.2/§3.3 decisions). Every
 * execution is decided by the evidence-level evaluator (analysis/replay.ts) over the merged policy, so the
 * events are consistent with the policy: an audited 8003/8006 exactly when the policy would deny.
 * Deterministic for a seed. Used by the `simulate fleet` and `demo` commands, tests and benchmarks.
 */
import { APPLOCKER_CHANNELS, APPLOCKER_PROVIDER, IMPLICIT_RULE_ID, type AppLockerEvent, type AppLockerOutcome } from '../../events/applocker-event.js';
import type { AppLockerPolicy, RuleCollectionType } from '../../policy/model.js';
import { effectivePolicyForGroup } from '../analysis/effective.js';
import { engineDecider } from '../analysis/engine-decider.js';
import { principalFor, type EvidenceDecider } from '../analysis/replay.js';
import type { LogClear } from '../../events/log-clear.js';
import type { SimulatedFleet, SimulatedUser } from './fleet.js';
import { SeededRandom } from './rng.js';

export interface EventSimulationOptions {
  readonly seed: number;
  /** Days of activity ending the day before `end` (default 30, capped at 3650). */
  readonly days?: number;
  /** Exclusive end date `YYYY-MM-DD` (UTC). Required so output does not depend on the clock. */
  readonly end: string;
  /** Hard cap on generated events (default 5,000,000). */
  readonly maxEvents?: number;
  /** Policies per GPO name; defaults to the fleet's own GPO policies (the deployed AuditOnly ones). */
  readonly policies?: ReadonlyMap<string, AppLockerPolicy>;
  /** Decides each execution; default: the engine (src/engine). */
  readonly makeDecider?: (policy: AppLockerPolicy) => EvidenceDecider;
}

const PRODUCT_CHANNEL: Record<RuleCollectionType, string> = {
  Exe: APPLOCKER_CHANNELS[0], Dll: APPLOCKER_CHANNELS[0], ManagedInstaller: APPLOCKER_CHANNELS[0],
  Msi: APPLOCKER_CHANNELS[1], Script: APPLOCKER_CHANNELS[1], Appx: APPLOCKER_CHANNELS[2],
};

/** §9.2: allowed / audit would-block / blocked ids per collection family. */
function eventIdFor(collection: RuleCollectionType, outcome: AppLockerOutcome): number {
  const exeDll = collection === 'Exe' || collection === 'Dll' || collection === 'ManagedInstaller';
  const appx = collection === 'Appx';
  const base = exeDll ? 8002 : appx ? 8020 : 8005;
  return base + (outcome === 'allowed' ? 0 : outcome === 'audited' ? 1 : 2);
}

const MS_PER_DAY = 86_400_000;

function isoWithTicks(ms: number, ticks: number): string {
  // Windows renders SystemTime with 7 fractional digits (100 ns ticks)
  return new Date(ms).toISOString().slice(0, 19) + '.' + String(ticks).padStart(7, '0') + 'Z';
}

/** Simulates the AppLocker events of the fleet; returns them sorted by computer then time. */
export function simulateEvents(fleet: SimulatedFleet, opts: EventSimulationOptions): AppLockerEvent[] {
  const rng = new SeededRandom(opts.seed ^ 0x5eed);
  const days = Math.max(1, Math.min(3650, Math.floor(opts.days ?? 30)));
  const maxEvents = Math.max(0, opts.maxEvents ?? 5_000_000);
  const endMs = Date.parse(`${opts.end}T00:00:00Z`);
  if (Number.isNaN(endMs)) throw new Error(`invalid end date ${opts.end}`);
  const policies = opts.policies ?? new Map(fleet.gpos.map((g) => [g.name, g.policyDocument]));
  const deciders = new Map<string, EvidenceDecider>();
  for (const plan of fleet.groups) {
    const { effective } = effectivePolicyForGroup(plan.group, fleet.gpos, policies);
    deciders.set(plan.group.name, (opts.makeDecider ?? engineDecider)(effective.policy));
  }
  const usersBySid = new Map<string, SimulatedUser>(fleet.users.map((u) => [u.sid, u]));
  // Everything but the time, process id and record id is fixed per (machine's group, app, user): build it once.
  type Template = Omit<AppLockerEvent, 'timeCreated' | 'recordId' | 'source' | 'targetProcessId' | 'targetLogonId' | 'computer'>;
  const templates = new Map<string, Template | null>();
  const templateFor = (group: string, decide: EvidenceDecider, a: SimulatedFleet['apps'] extends ReadonlyMap<string, infer V> ? V : never, user: SimulatedUser, profile: string): Template | null => {
    const tkey = `${group}|${a.key}|${user.sid}`;
    const hit = templates.get(tkey);
    if (hit !== undefined) return hit;
    const filePath = a.path.replace('{USER}', profile);
    const fqbnText = a.publisher ? [a.publisher.publisherName, a.publisher.productName, a.publisher.binaryName, a.publisher.binaryVersion].join('\\') : undefined;
    const dec = decide({ collection: a.collection, filePath, fileHash: a.hash, ...(fqbnText ? { fqbnText } : {}) }, principalFor(user.sid, user.administrator));
    let t: Template | null = null;
    // a collection without rules is not evaluated: AppLocker logs nothing (§3.2 A)
    if (dec.verdict !== 'AllowedByDefault') {
      const outcome: AppLockerOutcome = !dec.wouldBlock ? 'allowed' : dec.mode === 'AuditOnly' ? 'audited' : 'blocked';
      const fullFilePath = filePath
        .replace('%OSDRIVE%', 'C:').replace('%PROGRAMFILES%', 'C:\\Program Files')
        .replace('%SYSTEM32%', 'C:\\Windows\\System32').replace('%WINDIR%', 'C:\\Windows');
      t = {
        eventId: eventIdFor(a.collection, outcome), outcome, collection: a.collection, channel: PRODUCT_CHANNEL[a.collection],
        provider: APPLOCKER_PROVIDER, userSid: user.sid, policyName: a.collection.toUpperCase(),
        ruleId: dec.ruleId ? `{${dec.ruleId.toUpperCase()}}` : IMPLICIT_RULE_ID, ruleName: dec.ruleName ?? '-', ruleSddl: '-',
        filePath, fullFilePath, fileHash: a.hash,
        ...(fqbnText && a.publisher ? { fqbnText, fqbn: { publisherName: a.publisher.publisherName, productName: a.publisher.productName, binaryName: a.publisher.binaryName, binaryVersion: a.publisher.binaryVersion } } : {}),
      };
    }
    templates.set(tkey, t);
    return t;
  };
  const out: AppLockerEvent[] = [];
  for (const m of fleet.machines) {
    if (m.quiet) continue; // quiet machines log nothing we ever receive
    const plan = fleet.groups.find((g) => g.group.name === m.group)!;
    const decide = deciders.get(m.group)!;
    const recordIds = new Map<string, number>();
    const computer = `${m.name}.${fleet.domain}`.toUpperCase();
    for (let d = days; d >= 1; d--) {
      if (m.silentLastDays !== undefined && d <= m.silentLastDays) break; // fell silent: nothing from here on
      const dayMs = endMs - d * MS_PER_DAY;
      if (m.lostRecords && m.lostRecords.daysBeforeEnd === d) {
        // records logged but overwritten before any export: the ids move on, the events are gone
        for (const ch of new Set(Object.values(PRODUCT_CHANNEL))) recordIds.set(ch, (recordIds.get(ch) ?? 0) + m.lostRecords.records);
      }
      const weekday = new Date(dayMs).getUTCDay();
      const activity = weekday === 0 || weekday === 6 ? 0.1 : 1;
      const pending: Array<{ time: string; t: Template; pid: number; logonId: string }> = [];
      for (const sid of m.users) {
        const user = usersBySid.get(sid)!;
        if (user.administrator && !rng.chance(0.3)) continue; // admins sign in now and then
        const profile = user.name.replace(/[^A-Z0-9.]/gi, '').toUpperCase();
        const logonId = '0x' + rng.int(0x10000, 0xfffffff).toString(16);
        for (const key of plan.apps) {
          const a = fleet.apps.get(key)!;
          if (a.adminOnly && !user.administrator) continue;
          const mean = a.perDay * activity * (user.administrator ? 0.5 : 1);
          const n = Math.floor(mean * (0.4 + 1.2 * rng.next()) + rng.next());
          if (n === 0) continue;
          const t = templateFor(m.group, decide, a, user, profile);
          for (let i = 0; i < n; i++) {
            if (out.length + pending.length >= maxEvents) break;
            const secs = 7 * 3600 + Math.floor(rng.next() * 11 * 3600);
            const time = isoWithTicks(dayMs + secs * 1000, rng.int(0, 9_999_999));
            const pid = rng.int(1000, 30000);
            if (t) pending.push({ time, t, pid, logonId });
          }
        }
      }
      pending.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
      for (const p of pending) {
        const id = (recordIds.get(p.t.channel) ?? 0) + 1;
        recordIds.set(p.t.channel, id);
        out.push({ ...p.t, computer, timeCreated: p.time, recordId: id, targetProcessId: p.pid, targetLogonId: p.logonId, source: `simulated:${m.name}#${id}` });
      }
    }
  }
  return out;
}

/**
 * The log-cleared events of the simulated fleet (Security 1102, as Windows logs it: provider
 * Microsoft-Windows-Eventlog, UserData/LogFileCleared; applocker.md §9 lists what readiness reads), for the
 * machines whose `securityLogClearedDaysBeforeEnd` is set. Deterministic.
 */
export function simulateLogClears(fleet: SimulatedFleet, opts: { readonly end: string; readonly days?: number }): LogClear[] {
  const endMs = Date.parse(`${opts.end}T00:00:00Z`);
  const days = Math.max(1, Math.min(3650, Math.floor(opts.days ?? 30)));
  const out: LogClear[] = [];
  for (const m of fleet.machines) {
    const d = m.securityLogClearedDaysBeforeEnd;
    if (d === undefined || d > days || m.quiet) continue;
    out.push({
      computer: `${m.name}.${fleet.domain}`.toUpperCase(), timeCreated: isoWithTicks(endMs - d * MS_PER_DAY + 13.5 * 3600 * 1000, 0),
      eventId: 1102, log: 'Security', user: `CONTOSO\\ADM.IT0001`, recordId: 48_211 + d,
    });
  }
  return out;
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Log-cleared events as a Windows Event XML export (what `wevtutil qe Security /f:xml` prints, in `<Events>`). */
export function logClearsEventXml(clears: readonly LogClear[], comment?: string): string {
  const events = clears.map((c) => {
    const [domain, name] = c.user?.includes('\\') ? c.user.split('\\') as [string, string] : ['', c.user ?? ''];
    return '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>' +
      '<Provider Name="Microsoft-Windows-Eventlog" Guid="{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}"/>' +
      `<EventID>${c.eventId}</EventID><Version>0</Version><Level>4</Level><Task>104</Task><Opcode>0</Opcode><Keywords>0x4020000000000000</Keywords>` +
      `<TimeCreated SystemTime="${c.timeCreated}"/>${c.recordId !== undefined ? `<EventRecordID>${c.recordId}</EventRecordID>` : ''}` +
      `<Correlation/><Execution ProcessID="712" ThreadID="748"/><Channel>${c.eventId === 1102 ? 'Security' : 'System'}</Channel>` +
      `<Computer>${xmlText(c.computer)}</Computer><Security/></System>` +
      '<UserData><LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog">' +
      `<SubjectUserName>${xmlText(name)}</SubjectUserName><SubjectDomainName>${xmlText(domain)}</SubjectDomainName>` +
      (c.eventId === 104 ? `<Channel>${xmlText(c.log)}</Channel><BackupPath></BackupPath>` : '') +
      '</LogFileCleared></UserData></Event>';
  });
  return `<?xml version="1.0" encoding="utf-8"?>\n${comment ? `<!-- ${comment} -->\n` : ''}<Events>\n${events.join('\n')}\n</Events>\n`;
}
