/**
 * Windows Event Forwarding artifacts (issue 11 item 6), deployment.md §3:
 * - a source-initiated subscription for `wecutil cs FILE` (§3.1 element table [WEC-SI], [WECUTIL]; the
 *   complete example §3.2) over the workspace's collection channels, events 8000–8029 (range syntax from
 *   Microsoft's annotated query [WEF-MS]);
 * - `wevtutil sl CHANNEL /ms:BYTES` lines (§3.4 [WEVTUTIL]: at least 1048576, a multiple of 64 KiB) sized from
 *   the event rate the store measured: the source's local log is WEF's only buffer and loses events silently
 *   when it wraps (§3.4 [WEF-MS]). The channels' default size is *uncertain* (§3.4, not found in any source);
 *   we size from evidence and never go below the documented minimum.
 */
import type { RuleCollectionType } from '../../policy/model.js';
import type { DailyCount } from '../ports.js';

export const APPLOCKER_CHANNELS: readonly string[] = [
  'Microsoft-Windows-AppLocker/EXE and DLL',
  'Microsoft-Windows-AppLocker/MSI and Script',
  'Microsoft-Windows-AppLocker/Packaged app-Deployment',
  'Microsoft-Windows-AppLocker/Packaged app-Execution',
];

/** Which channel logs a collection's events (applocker.md §9.1). */
export function channelOf(c: RuleCollectionType | undefined): string {
  if (c === 'Msi' || c === 'Script') return APPLOCKER_CHANNELS[1]!;
  if (c === 'Appx') return APPLOCKER_CHANNELS[3]!;
  return APPLOCKER_CHANNELS[0]!;
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface SubscriptionOptions {
  readonly subscriptionId: string;
  readonly channels: readonly string[];
  readonly description: string;
}

/** The subscription XML. Element order and values follow deployment.md §3.2; comments cite each choice. */
export function wefSubscription(o: SubscriptionOptions): string {
  const channels = o.channels.length ? o.channels : APPLOCKER_CHANNELS;
  const query = '*[System[(EventID &gt;= 8000 and EventID &lt;= 8029)]]';
  const selects = channels.map((c) => `    <Select Path="${xmlText(c)}">${query}</Select>`).join('\n');
  // Inside CDATA the QueryList is parsed as XML again, so its entities stay escaped (§3.2 [DERIVED]).
  return `<?xml version="1.0" encoding="UTF-8"?>
<Subscription xmlns="http://schemas.microsoft.com/2006/03/windows/events/subscription">
  <SubscriptionId>${xmlText(o.subscriptionId)}</SubscriptionId>
  <SubscriptionType>SourceInitiated</SubscriptionType>
  <Description>${xmlText(o.description)}</Description>
  <Enabled>true</Enabled>
  <Uri>http://schemas.microsoft.com/wbem/wsman/1/windows/EventLog</Uri>
  <ConfigurationMode>Custom</ConfigurationMode>
  <Delivery Mode="Push">
    <Batching><MaxItems>50</MaxItems><MaxLatencyTime>30000</MaxLatencyTime></Batching>
    <PushSettings><Heartbeat Interval="900000"/></PushSettings>
  </Delivery>
  <Query><![CDATA[
<QueryList>
  <Query Id="0" Path="${xmlText(channels[0]!)}">
${selects}
  </Query>
</QueryList>]]></Query>
  <ReadExistingEvents>true</ReadExistingEvents>
  <TransportName>http</TransportName>
  <ContentFormat>RenderedText</ContentFormat>
  <Locale Language="en-US"/>
  <LogFile>ForwardedEvents</LogFile>
  <AllowedSourceNonDomainComputers/>
  <AllowedSourceDomainComputers>O:NSG:NSD:(A;;GA;;;DC)(A;;GA;;;NS)</AllowedSourceDomainComputers>
</Subscription>
`;
}

export const MIN_LOG_BYTES = 1_048_576;
const BLOCK = 65_536;
/**
 * Bytes one AppLocker event takes in the local .evtx — an ASSUMPTION, not a measurement: an 8002–8007 record
 * carries RuleAndFileData with a dozen UTF-16 strings (the path twice, FQBN, rule SDDL, hash; the rendered
 * examples in the shared corpus, EricZimmerman__evtx/_derived_examples, are 1.4–1.8 KB of XML); the binary
 * record is smaller than its rendering once templates are shared, so 2 KiB is a ceiling.
 */
export const EVENT_BYTES_ESTIMATE = 2048;

export interface ChannelSize {
  readonly channel: string;
  /** Busiest day's events per reporting machine (the measure), 0 when no evidence. */
  readonly peakPerMachineDay: number;
  readonly bytes: number;
}

/**
 * Each channel sized to hold `bufferDays` of its busiest day per machine, doubled for headroom, rounded up to
 * 64 KiB, never below 1 MiB. `machines` = machines that reported in the window.
 */
export function channelSizes(daily: readonly DailyCount[], machines: number, channels: readonly string[], bufferDays = 7): ChannelSize[] {
  const perDay = new Map<string, Map<string, number>>();
  for (const d of daily) {
    const ch = channelOf(d.collection);
    const m = perDay.get(ch) ?? new Map<string, number>();
    m.set(d.day, (m.get(d.day) ?? 0) + d.events);
    perDay.set(ch, m);
  }
  return (channels.length ? channels : APPLOCKER_CHANNELS).map((channel) => {
    const peak = Math.max(0, ...(perDay.get(channel)?.values() ?? []));
    const perMachine = machines > 0 ? peak / machines : 0;
    const want = perMachine * bufferDays * EVENT_BYTES_ESTIMATE * 2;
    const bytes = Math.max(MIN_LOG_BYTES, Math.ceil(want / BLOCK) * BLOCK);
    return { channel, peakPerMachineDay: Math.round(perMachine * 10) / 10, bytes };
  });
}

/** `wevtutil sl` lines (cmd syntax) with a comment per channel saying where the size comes from. */
export function wevtutilScript(sizes: readonly ChannelSize[], bufferDays = 7): string {
  const lines = [
    '@echo off',
    'rem Generated by Lockstep: size each AppLocker channel to hold a machine\'s busiest day of events',
    `rem for ${bufferDays} days (the local log is WEF's only buffer; it loses events silently when it wraps).`,
    'rem /ms is in bytes, at least 1048576 and a multiple of 64 KiB (wevtutil docs). Run elevated, or deploy',
    'rem as a GPO scheduled task as Microsoft\'s WEF baseline does.',
  ];
  for (const s of sizes) {
    lines.push(`rem ${s.channel}: busiest day ${s.peakPerMachineDay} events per machine`);
    lines.push(`wevtutil sl "${s.channel}" /e:true /ms:${s.bytes}`);
  }
  return lines.join('\r\n') + '\r\n';
}
