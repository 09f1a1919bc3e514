/**
 * Evidence sufficiency (issue 10 item 6): is there enough evidence to trust "nothing would be blocked"?
 * Missing evidence must never read as an empty list. From aggregates only (EvidenceQuery.channelActivity,
 * .logClears) and the would-be-blocked files readiness already computed, this finds, in words and with
 * dates:
 * - machines of the group that never reported, or fell silent while others report;
 * - days covered per machine against `minDays`;
 * - a collection in scope whose channel never reported while another AppLocker channel does (each
 *   collection logs to one channel: EXE and DLL → Exe, Dll; MSI and Script → Msi, Script; Packaged
 *   app-Execution → Appx; applocker.md §9.1);
 * - log-cleared events (Security 1102, System 104) and lost records: gaps in EventRecordID per machine and
 *   channel (a channel's record ids are consecutive: every event of an AppLocker channel is stored, §9.1),
 *   a numbering that restarts, and a channel whose first record is not the log's first;
 * - whether discovery has levelled off: new distinct would-be-blocked files per day over the last days.
 * Thresholds come from the workspace `readiness:` section (workspace/model.ts DEFAULT_THRESHOLDS documents
 * the defaults). Pure; used by analysis/readiness.ts for the INSUFFICIENT EVIDENCE verdict.
 */
import type { RuleCollectionType } from '../../policy/model.js';
import type { ChannelActivity, ChannelDay, LogClear } from '../ports.js';
import type { ReadinessThresholds } from '../workspace/model.js';

export type EvidenceGapKind =
  | 'no-evidence'
  | 'never-reported'
  | 'silent-machines'
  | 'few-days'
  | 'silent-channel'
  | 'log-cleared'
  | 'lost-records'
  | 'log-start-missing'
  | 'record-numbering-restarted'
  | 'discovery-rising';

export interface EvidenceGap {
  readonly kind: EvidenceGapKind;
  /** `insufficient` gaps make the verdict INSUFFICIENT EVIDENCE; `warning` ones are said but within thresholds. */
  readonly severity: 'insufficient' | 'warning';
  readonly message: string;
  readonly help?: string;
  /** Inventory names concerned (at most 50). */
  readonly machines?: readonly string[];
  readonly channel?: string;
  /** YYYY-MM-DD bounds of the gap, when it has dates. */
  readonly from?: string;
  readonly to?: string;
  /** Records lost, machines silent, files discovered… whatever the gap counts. */
  readonly count?: number;
}

export type MachineStatus = 'ok' | 'never-reported' | 'silent' | 'few-days';

export interface MachineCoverage {
  readonly machine: string;
  readonly status: MachineStatus;
  readonly firstDay?: string;
  readonly lastDay?: string;
  /** Calendar days from first to last event, both included. */
  readonly days: number;
  /** Days with at least one event. */
  readonly activeDays: number;
  readonly events: number;
}

export interface DiscoveryDay {
  readonly day: string;
  /** Distinct would-be-blocked files first seen that day. */
  readonly newFiles: number;
}

export interface EvidenceSufficiency {
  readonly sufficient: boolean;
  readonly gaps: readonly EvidenceGap[];
  /** Per machine of the group, worst first (at most 200). */
  readonly machines: readonly MachineCoverage[];
  readonly machinesOk: number;
  readonly machinesTotal: number;
  /** Events per AppLocker channel in the window. */
  readonly channels: Readonly<Record<string, number>>;
  readonly lostRecords: number;
  readonly logClears: number;
  /** New distinct would-be-blocked files per day of the window. */
  readonly discovery: readonly DiscoveryDay[];
  readonly levelledOff: boolean;
}

export interface SufficiencyInput {
  readonly group: string;
  /** Inventory names of the group's machines (upper-case). */
  readonly machines: readonly string[];
  /** Collections in scope for the GPO's verdict. */
  readonly collections: readonly RuleCollectionType[];
  /** ISO 8601 bounds of the asked window. */
  readonly since: string;
  readonly until: string;
  readonly activity: ChannelActivity;
  readonly clears: readonly LogClear[];
  /** The would-be-blocked files the verdict counts (their first sighting in the window). */
  readonly wouldBlock: readonly { readonly firstSeen: string }[];
  readonly thresholds: ReadinessThresholds;
  /** Maps a logged computer name to its inventory name; undefined when it is not one of `machines`. */
  readonly machineOf: (computer: string) => string | undefined;
}

const DAY = 86_400_000;
const LIST_CAP = 50;

/** The AppLocker channel a collection's events go to (applocker.md §9.1). */
export function channelOfCollection(c: RuleCollectionType): string | undefined {
  switch (c) {
    case 'Exe':
    case 'Dll':
      return 'EXE and DLL';
    case 'Msi':
    case 'Script':
      return 'MSI and Script';
    case 'Appx':
      return 'Packaged app-Execution';
    default:
      return undefined;
  }
}

const KNOWN_CHANNELS = ['EXE and DLL', 'MSI and Script', 'Packaged app-Execution', 'Packaged app-Deployment'];

/** `Microsoft-Windows-AppLocker/EXE and DLL` (any case) → `EXE and DLL`; undefined for anything else. */
export function appLockerChannel(channel: string): string | undefined {
  const c = channel.trim().toLowerCase();
  return KNOWN_CHANNELS.find((k) => c === k.toLowerCase() || c.endsWith(`/${k.toLowerCase()}`));
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
}

function names(list: readonly string[]): string {
  return list.length <= 5 ? list.join(', ') : `${list.slice(0, 5).join(', ')} and ${list.length - 5} more`;
}

/**
 * Judges whether the group's evidence is enough.
 * @example assessSufficiency({ group: 'Finance', machines, collections: ['Exe'], since, until, activity, clears, wouldBlock, thresholds, machineOf })
 */
export function assessSufficiency(input: SufficiencyInput): EvidenceSufficiency {
  const t = input.thresholds;
  const sinceDay = input.since.slice(0, 10);
  const untilDay = input.until.slice(0, 10);
  const gaps: EvidenceGap[] = [];
  const total = input.machines.length;

  // ---- per machine: first/last day, active days
  const perMachine = new Map<string, { first: string; last: string; days: Set<string>; events: number }>();
  const channelEvents: Record<string, number> = {};
  let unknownChannel = false;
  for (const d of input.activity.days) {
    const m = input.machineOf(d.computer);
    if (!m) continue;
    const ch = appLockerChannel(d.channel);
    if (ch) channelEvents[ch] = (channelEvents[ch] ?? 0) + d.events;
    else unknownChannel = true;
    const p = perMachine.get(m) ?? { first: d.day, last: d.day, days: new Set<string>(), events: 0 };
    if (d.day < p.first) p.first = d.day;
    if (d.day > p.last) p.last = d.day;
    p.days.add(d.day);
    p.events += d.events;
    perMachine.set(m, p);
  }
  const groupLast = [...perMachine.values()].reduce<string | undefined>((x, p) => (!x || p.last > x ? p.last : x), undefined);
  const coverage: MachineCoverage[] = input.machines.map((machine) => {
    const p = perMachine.get(machine);
    if (!p) return { machine, status: 'never-reported', days: 0, activeDays: 0, events: 0 };
    const days = daysBetween(p.first, p.last) + 1;
    const status: MachineStatus = groupLast && daysBetween(p.last, groupLast) > t.silentDays ? 'silent' : days < t.minDays ? 'few-days' : 'ok';
    return { machine, status, firstDay: p.first, lastDay: p.last, days, activeDays: p.days.size, events: p.events };
  });
  const ok = coverage.filter((c) => c.status === 'ok').length;
  const shareOk = total ? ok / total : 0;
  // Machines without enough evidence are tolerated up to the reporting share; past it every category of
  // them is what makes the evidence insufficient.
  const machineSeverity: EvidenceGap['severity'] = shareOk < t.minReportingShare ? 'insufficient' : 'warning';

  if (total > 0 && perMachine.size === 0) {
    gaps.push({
      kind: 'no-evidence', severity: 'insufficient', from: sinceDay, to: untilDay,
      message: `no AppLocker events from any of the ${plural(total, `${input.group} machine`)} between ${sinceDay} and ${untilDay}`,
      help: 'ingest the exports of this group (`lockstep ingest`) or widen `--since`',
    });
  } else if (total > 0) {
    const never = coverage.filter((c) => c.status === 'never-reported').map((c) => c.machine);
    if (never.length) {
      gaps.push({
        kind: 'never-reported', severity: machineSeverity, machines: never.slice(0, LIST_CAP), count: never.length, from: sinceDay, to: untilDay,
        message: `${never.length} of ${total} ${input.group} machines never reported between ${sinceDay} and ${untilDay} (${names(never)})`,
        help: 'quiet machines are not evidence: check event collection (forwarding subscription, export job) on them',
      });
    }
    // one gap per last day, so each reads "have not reported since <date>"
    const silentByDay = new Map<string, string[]>();
    for (const c of coverage) if (c.status === 'silent') silentByDay.set(c.lastDay!, [...(silentByDay.get(c.lastDay!) ?? []), c.machine]);
    for (const [day, list] of [...silentByDay.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      gaps.push({
        kind: 'silent-machines', severity: machineSeverity, machines: list.slice(0, LIST_CAP), count: list.length, from: addDays(day, 1), to: groupLast!,
        message: `${list.length} of ${total} ${input.group} machines have not reported since ${day} while others report until ${groupLast} (${names(list)})`,
        help: `a machine silent for more than ${plural(t.silentDays, 'day')} is not evidence: check that it is on and its events are collected`,
      });
    }
    for (const c of coverage.filter((x) => x.status === 'few-days')) {
      gaps.push({
        kind: 'few-days', severity: machineSeverity, machines: [c.machine], from: c.firstDay!, to: c.lastDay!, count: c.days,
        message: `${c.machine} has ${plural(c.days, 'day')} of evidence (${c.firstDay} to ${c.lastDay}); ${t.minDays} required`,
        help: 'keep collecting in Audit only',
      });
    }
  }

  // ---- a collection in scope whose channel never reported while another AppLocker channel does
  const reporting = Object.keys(channelEvents);
  if (reporting.length && !unknownChannel) {
    const silent = new Map<string, RuleCollectionType[]>();
    for (const c of input.collections) {
      const ch = channelOfCollection(c);
      if (ch && !channelEvents[ch]) silent.set(ch, [...(silent.get(ch) ?? []), c]);
    }
    for (const [ch, colls] of silent) {
      gaps.push({
        kind: 'silent-channel', severity: 'insufficient', channel: `Microsoft-Windows-AppLocker/${ch}`, from: sinceDay, to: untilDay,
        message: `no ${ch} events from ${input.group} between ${sinceDay} and ${untilDay} while ${reporting.join(' and ')} reports: the ${colls.join(' and ')} ${colls.length === 1 ? 'collection has' : 'collections have'} no evidence`,
        help: `collect the \`Microsoft-Windows-AppLocker/${ch}\` channel too (the forwarding subscription or the export job)`,
      });
    }
  }

  // ---- log-cleared events
  const clears = input.clears.filter((c) => input.machineOf(c.computer));
  const clearSeverity: EvidenceGap['severity'] = clears.length > t.maxLogClears ? 'insufficient' : 'warning';
  for (const c of clears.slice(0, LIST_CAP)) {
    const m = input.machineOf(c.computer)!;
    const day = c.timeCreated.slice(0, 10);
    gaps.push({
      kind: 'log-cleared', severity: clearSeverity, machines: [m], from: day, to: day,
      message: `the ${c.log} log of ${m} was cleared on ${day} at ${c.timeCreated.slice(11, 16)} UTC${c.user ? ` by ${c.user}` : ''} (event ${c.eventId})`,
      help: 'events logged before the clear and not yet collected are lost: check the collector still holds them, and who cleared the log',
    });
  }

  // ---- lost records per machine × channel
  let lost = 0;
  const recordGaps: EvidenceGap[] = [];
  const before = new Map(input.activity.before.map((b) => [`${b.computer.toLowerCase()}|${b.channel}`, b]));
  const series = new Map<string, ChannelDay[]>();
  for (const d of input.activity.days) {
    if (!input.machineOf(d.computer) || d.withRecordId === 0) continue;
    const k = `${d.computer.toLowerCase()}|${d.channel}`;
    series.set(k, [...(series.get(k) ?? []), d]);
  }
  for (const [k, days] of series) {
    days.sort((a, b) => a.day.localeCompare(b.day));
    const m = input.machineOf(days[0]!.computer)!;
    const ch = appLockerChannel(days[0]!.channel) ?? days[0]!.channel;
    const b = before.get(k);
    let prevMax = b?.maxRecordId;
    let prevDay = b?.lastDay;
    const first = days[0]!;
    if (!b && first.minRecordId !== undefined && first.minRecordId > 1 && first.day > sinceDay) {
      // The first record we hold is not the log's first, and it starts after the window does: the log was
      // overwritten (too small for the retention) or collection started late.
      const missing = first.minRecordId - 1;
      lost += missing;
      recordGaps.push({
        kind: 'log-start-missing', severity: 'insufficient', machines: [m], channel: ch, from: sinceDay, to: first.day, count: missing,
        message: `${m} ${ch}: the first record held is #${first.minRecordId} (${first.day}), not #1: ${plural(missing, 'earlier record')} were overwritten or never collected`,
        help: 'raise the channel\'s maximum log size (`wevtutil sl "Microsoft-Windows-AppLocker/EXE and DLL" /ms:…`) and export before it wraps',
      });
    }
    for (const d of days) {
      const lo = d.minRecordId!;
      const hi = d.maxRecordId!;
      if (prevMax !== undefined && prevDay !== undefined) {
        if (lo <= prevMax) {
          recordGaps.push({
            kind: 'record-numbering-restarted', severity: 'insufficient', machines: [m], channel: ch, from: prevDay, to: d.day,
            message: `${m} ${ch}: record numbering restarted between ${prevDay} and ${d.day} (#${prevMax} then #${lo}): the log was cleared or recreated`,
            help: 'events between the last export and the reset are lost unless a collector holds them',
          });
        } else if (lo > prevMax + 1) {
          const missing = lo - prevMax - 1;
          lost += missing;
          recordGaps.push({
            kind: 'lost-records', severity: 'insufficient', machines: [m], channel: ch, from: prevDay, to: d.day, count: missing,
            message: `${m} ${ch}: ${plural(missing, 'record')} missing between ${prevDay} and ${d.day} (#${prevMax + 1} to #${lo - 1})`,
            help: 'export whole channels (`wevtutil epl`), not filtered queries, and before the log wraps',
          });
        }
      }
      const inDay = hi - lo + 1 - d.withRecordId;
      if (inDay > 0) {
        lost += inDay;
        recordGaps.push({
          kind: 'lost-records', severity: 'insufficient', machines: [m], channel: ch, from: d.day, to: d.day, count: inDay,
          message: `${m} ${ch}: ${plural(inDay, 'record')} missing on ${d.day} (records #${lo} to #${hi} hold ${d.withRecordId} events)`,
          help: 'export whole channels (`wevtutil epl`), not filtered queries, and before the log wraps',
        });
      }
      prevMax = hi;
      prevDay = d.day;
    }
  }
  // Lost records within the threshold are said but do not hold the verdict back; a restart always does.
  for (const g of recordGaps) {
    gaps.push(g.kind === 'record-numbering-restarted' || lost > t.maxLostRecords ? g : { ...g, severity: 'warning' });
  }

  // ---- discovery: new distinct would-be-blocked files per day
  const perDay = new Map<string, number>();
  for (const f of input.wouldBlock) {
    const d = f.firstSeen.slice(0, 10);
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  const discovery: DiscoveryDay[] = [];
  for (let d = sinceDay; d <= untilDay && discovery.length < 3660; d = addDays(d, 1)) discovery.push({ day: d, newFiles: perDay.get(d) ?? 0 });
  const lastEvidenceDay = groupLast ?? untilDay;
  const tailFrom = addDays(lastEvidenceDay, -(t.plateauDays - 1));
  const recent = discovery.filter((d) => d.day >= tailFrom && d.day <= lastEvidenceDay).reduce((s, d) => s + d.newFiles, 0);
  const levelledOff = recent <= t.plateauMaxNewFiles;
  if (!levelledOff) {
    gaps.push({
      kind: 'discovery-rising', severity: 'insufficient', from: tailFrom, to: lastEvidenceDay, count: recent,
      message: `discovery has not levelled off: ${plural(recent, 'new would-be-blocked file')} first seen in the last ${plural(t.plateauDays, 'day')} (${tailFrom} to ${lastEvidenceDay}); at most ${t.plateauMaxNewFiles} allowed`,
      help: 'keep collecting in Audit only until new files stop appearing, or cover them with rules',
    });
  }

  const order: Record<MachineStatus, number> = { 'never-reported': 0, silent: 1, 'few-days': 2, ok: 3 };
  return {
    sufficient: !gaps.some((g) => g.severity === 'insufficient'),
    gaps,
    machines: [...coverage].sort((a, b) => order[a.status] - order[b.status] || a.machine.localeCompare(b.machine)).slice(0, 200),
    machinesOk: ok,
    machinesTotal: total,
    channels: channelEvents,
    lostRecords: lost,
    logClears: clears.length,
    discovery,
    levelledOff,
  };
}
