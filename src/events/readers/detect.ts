/**
 * Export-format detection by content (the name only breaks one tie: a `.csv` whose header lacks the needed columns is still
 * handed to the CSV reader, so the user hears which columns are missing): EVTX by its `ElfFile\0` magic
 * (formats.md §A.2), legacy `.evt` by the `LfLe` signature at offset 4 (EVENTLOGHEADER), Event XML by its
 * first tag, the three JSON dialects by their distinguishing keys, CSV by a Get-WinEvent header. Used by
 * readEvents and by the ingest edge to pick a reader for a file it has not seen.
 */
import { decodeText } from './text.js';
import type { EventFormat } from './types.js';

const EVTX_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"
const LFLE = [0x4c, 0x66, 0x4c, 0x65]; // "LfLe"

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  return sig.every((v, i) => b[at + i] === v);
}

/**
 * Decides the format of an export from its name and its first bytes (64 KiB is plenty).
 * @example
 * detectEventFormat('a.json', bytes) // 'ecs-json'
 */
export function detectEventFormat(name: string, head: Uint8Array): EventFormat {
  if (startsWith(head, EVTX_MAGIC)) return 'evtx';
  if (startsWith(head, LFLE, 4)) return 'evt-legacy';
  const text = decodeText(head.subarray(0, 256 * 1024)).replace(/^\uFEFF/, '');
  const t = text.trimStart();
  if (t.startsWith('<')) {
    // The first element (after the declaration, comments and PIs) decides: `<Event>` or `<Events>`.
    const root = /<([A-Za-z_][\w.:-]*)/.exec(t.replace(/<\?[^]*?\?>|<!--[^]*?-->/g, ''))?.[1];
    return root !== undefined && /^(?:\w+:)?Events?$/.test(root) ? 'event-xml' : 'unknown';
  }
  if (t.startsWith('{') || t.startsWith('[')) {
    if (/"winlog"\s*:|"winlog\.event_id"\s*:/.test(t)) return 'ecs-json';
    // (no `[^]*` between the two keys: a 256 KiB head with many "data" keys would make that quadratic)
    if (/"win"\s*:\s*\{\s*"(?:system|eventdata)"/.test(t) || (/"data"\s*:\s*\{/.test(t) && /"win"\s*:\s*\{/.test(t))) return 'wazuh-json';
    if (/"EventID"\s*:/.test(t) && /"(?:SourceName|Hostname|EventTime|SourceModuleType)"\s*:/.test(t)) return 'nxlog-json';
    return 'unknown';
  }
  const firstLines = t.split(/\r?\n/, 2);
  let headerLine = firstLines[0] ?? '';
  if (/^#TYPE\b/i.test(headerLine)) headerLine = firstLines[1] ?? '';
  const cols = headerLine.split(',').map((c) => c.replace(/^"|"$/g, '').trim().toLowerCase());
  if (cols.length > 1 && (cols.includes('xml') || cols.includes('toxml') || ((cols.includes('id') || cols.includes('eventid')) && cols.includes('timecreated')))) {
    return 'csv';
  }
  // A comma-separated header in a `.csv` file: let the CSV reader say precisely which columns are missing.
  if (cols.length > 1 && name.toLowerCase().endsWith('.csv')) return 'csv';
  return 'unknown';
}
