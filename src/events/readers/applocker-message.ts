/**
 * The rendered AppLocker message as the last source of an event's payload, for exports that kept the
 * message but not the UserData (NXLog im_msvistalog configurations that flatten only EventData, Wazuh alerts
 * whose decoder dropped the payload). The message templates of applocker.md §9.2 insert one value, %11 =
 * FilePath (the `%VAR%` path), so the path is all a message can give: FQBN and hash are not in the text
 * and stay absent (the readiness report then says it cannot test publisher or hash rules on the file).
 * The collection follows from the channel and the file's extension, as AppLocker's own split does (§1).
 * Used by readers/nxlog-json.ts and readers/wazuh-json.ts.
 */

/** `%11 was allowed to run.` and its siblings (§9.2, 8002–8007); longest suffix first. */
const SUFFIXES = [
  ' was allowed to run but would have been prevented from running if the AppLocker policy were enforced.',
  ' was prevented from running.',
  ' was allowed to run.',
];

/** The FilePath a rendered 8002–8007 message names, or undefined. */
export function filePathFromMessage(message: string | undefined): string | undefined {
  if (!message) return undefined;
  // Wazuh keeps the message JSON-quoted (`"\"…\""`); Windows may end it with CR/LF.
  const m = message.trim().replace(/^"|"$/g, '').trim();
  for (const s of SUFFIXES) {
    if (m.endsWith(s)) {
      const path = m.slice(0, -s.length).trim();
      // `-` is how an absent value renders (§9.3)
      return path && path !== '-' && !path.includes('\n') ? path : undefined;
    }
  }
  return undefined;
}

const DLL_EXT = /\.(DLL|OCX)$/i;
const MSI_EXT = /\.(MSI|MSP|MST)$/i;

/** The PolicyName (§9.3) an event in `channel` about `path` carries. */
export function policyNameFor(channel: string, path: string): string | undefined {
  const c = channel.toLowerCase();
  if (c.endsWith('/exe and dll')) return DLL_EXT.test(path) ? 'DLL' : 'EXE';
  if (c.endsWith('/msi and script')) return MSI_EXT.test(path) ? 'MSI' : 'SCRIPT';
  return undefined;
}

/**
 * Fills FilePath and PolicyName from the message when the payload lacks them (never overrides a payload
 * value). Returns the same object for chaining.
 */
export function payloadFromMessage(data: Record<string, string>, message: string | undefined, channel: string | undefined, eventId: number | undefined): Record<string, string> {
  if (data['FilePath'] !== undefined || eventId === undefined || eventId < 8002 || eventId > 8007) return data;
  const path = filePathFromMessage(message);
  if (!path) return data;
  data['FilePath'] = path;
  if (data['PolicyName'] === undefined) {
    const p = policyNameFor(channel ?? '', path);
    if (p) data['PolicyName'] = p;
  }
  return data;
}
