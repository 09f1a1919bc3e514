/**
 * CSV reader for `Get-WinEvent … | Select-Object … | Export-Csv` exports (RFC 4180 quoting: `""` escapes,
 * newlines inside quotes; an optional `#TYPE …` first line as PowerShell 5 writes it).
 *
 * Accepted column sets (names case-insensitive, any order):
 * 1. An `Xml` (or `ToXml`) column holding each event's XML (`@{n='Xml';e={$_.ToXml()}}`): the event is read
 *    from it, exactly as the Event XML reader would; other columns are ignored. This is lossless and what
 *    `formatEvents(…, 'csv')` writes.
 * 2. The Get-WinEvent property columns: `Id` (or `EventId`), `TimeCreated`, `ProviderName`, `ProviderId`,
 *    `LogName`, `MachineName`, `RecordId`, `UserId`, `Version`, `Level`, `Task`, `Opcode`, `Keywords`, plus
 *    payload columns named by their event field (`@{n='FilePath';e={$_.Properties[10].Value}}`, applocker.md
 *    §9.3). `Properties` (Export-Csv writes only the list's type name) and the *DisplayName columns are
 *    ignored; `Message` is used only when there is no `FilePath`/`Package` column, to recover the path or
 *    package AppLocker's message starts with. Needs at least `Id` and `TimeCreated`.
 * A header with neither `Xml` nor `Id` is rejected with one located error.
 */
import type { RawEvent } from '../raw-event.js';
import { rawEventFromElement } from '../raw-event-from-element.js';
import { EventReaderCode as C } from './errors.js';
import { parseEventElements } from './event-xml.js';
import { excerpt, normaliseTime, stripNul, textDiag } from './text.js';
import { DEFAULT_READ_OPTIONS, type EventReadResult, type ReadEventsOptions } from './types.js';

/** One CSV record with the line it starts on. */
export type CsvRecord =
  | { readonly kind: 'row'; readonly cells: string[]; readonly line: number }
  | { readonly kind: 'error'; readonly line: number; readonly column: number; readonly message: string };

/** RFC 4180 record splitter (lazy; bounded by `maxChars` per record). Cells are sliced, not built char by char. */
export function* csvRecords(text: string, maxChars: number = DEFAULT_READ_OPTIONS.maxRecordChars): Generator<CsvRecord> {
  const n = text.length;
  let i = 0;
  let line = 1;
  // Index of the first character of the current line, kept as we go: looking it up per quoted cell
  // (`lastIndexOf('\n')`) made one 200k-column line quadratic (issue 12: 53 s).
  let lineStart = 0;
  while (i < n) {
    const startLine = line;
    const startIdx = i;
    const cells: string[] = [];
    let err: CsvRecord | undefined;
    for (;;) {
      if (i >= n) {
        cells.push('');
        break;
      }
      let cell: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        // Quoted cell: runs up to the next lone quote; `""` is a literal quote; newlines are part of the cell.
        const qLine = line;
        const qCol = i - lineStart + 1;
        const parts: string[] = [];
        let j = i + 1;
        let closed = false;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) break;
          parts.push(text.slice(j, q));
          if (text.charCodeAt(q + 1) === 34) {
            parts.push('"');
            j = q + 2;
            continue;
          }
          j = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          err = { kind: 'error', line: qLine, column: qCol, message: 'quoted cell is never closed' };
          i = n;
          break;
        }
        cell = parts.join('');
        const linesBefore = line;
        for (let k = cell.indexOf('\n'); k >= 0; k = cell.indexOf('\n', k + 1)) line++;
        // (only when the cell holds a newline: then the backward search stops inside it, so stays linear)
        if (line > linesBefore) lineStart = text.lastIndexOf('\n', j - 1) + 1;
        i = j;
        // Lenient: characters between the closing quote and the next delimiter are kept (`"a"b` → `ab`).
        let k = i;
        while (k < n && text[k] !== ',' && text[k] !== '\n' && text[k] !== '\r') k++;
        if (k > i) cell += text.slice(i, k);
        i = k;
      } else {
        let k = i;
        while (k < n && text[k] !== ',' && text[k] !== '\n' && text[k] !== '\r') k++;
        cell = text.slice(i, k);
        i = k;
      }
      cells.push(cell);
      if (i - startIdx > maxChars && !err) err = { kind: 'error', line: startLine, column: 1, message: `record longer than ${maxChars} characters` };
      if (i >= n) break;
      const c = text[i];
      if (c === ',') {
        i++;
        if (i >= n) {
          cells.push('');
          break;
        }
        continue;
      }
      // end of record: \n, \r\n or a lone \r
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      lineStart = i;
      break;
    }
    if (err) yield err;
    else if (!(cells.length === 1 && cells[0] === '')) yield { kind: 'row', cells, line: startLine };
  }
}

const SYSTEM_COLUMNS = new Set(
  ['id', 'eventid', 'timecreated', 'providername', 'providerid', 'logname', 'machinename', 'recordid', 'userid', 'version',
    'level', 'task', 'opcode', 'keywords', 'message', 'properties', 'qualifiers', 'processid', 'threadid', 'activityid',
    'relatedactivityid', 'leveldisplayname', 'opcodedisplayname', 'taskdisplayname', 'keywordsdisplaynames', 'bookmark',
    'containerlog', 'matchedqueryids', 'xml', 'toxml'],
);

/** Reads a Get-WinEvent CSV export. */
export function* readCsv(text: string, file: string, opts: ReadEventsOptions = {}): Generator<EventReadResult> {
  const maxChars = opts.maxRecordChars ?? DEFAULT_READ_OPTIONS.maxRecordChars;
  const maxRecords = opts.maxRecords ?? DEFAULT_READ_OPTIONS.maxRecords;
  const maxColumns = opts.maxColumns ?? DEFAULT_READ_OPTIONS.maxColumns;
  let header: string[] | undefined;
  let col: Map<string, number> = new Map();
  let count = 0;
  for (const rec of csvRecords(text, maxChars)) {
    if (rec.kind === 'error') {
      yield { kind: 'error', diagnostic: textDiag(C.csvBadRow, 'error', rec.message, file, rec.line, rec.column) };
      if (!header) return;
      continue;
    }
    if (!header) {
      if (rec.cells.length === 1 && /^#TYPE\b/i.test(rec.cells[0]!.trim())) continue;
      if (rec.cells.length > maxColumns) {
        yield { kind: 'error', diagnostic: textDiag(C.csvTooManyColumns, 'error', `csv header has ${rec.cells.length} columns, more than ${maxColumns}`, file, rec.line, 1, 'a Get-WinEvent export has a few dozen columns; select the ones listed in the docs') };
        return;
      }
      header = rec.cells.map((c) => stripNul(c).trim());
      col = new Map(header.map((h, i) => [h.toLowerCase(), i]));
      const hasXml = col.has('xml') || col.has('toxml');
      const hasId = col.has('id') || col.has('eventid');
      if (!hasXml && !(hasId && col.has('timecreated'))) {
        yield {
          kind: 'error',
          diagnostic: textDiag(C.csvBadHeader, 'error', `csv header \`${excerpt(header.join(','))}\` has neither an \`Xml\` column nor \`Id\` and \`TimeCreated\``, file, rec.line, 1, 'export with `Select-Object TimeCreated,Id,ProviderName,LogName,MachineName,RecordId,UserId,@{n=\'Xml\';e={$_.ToXml()}}`'),
        };
        return;
      }
      continue;
    }
    if (++count > maxRecords) {
      yield { kind: 'error', diagnostic: textDiag(C.limit, 'error', `more than ${maxRecords} records; the rest was not read`, file, rec.line) };
      return;
    }
    if (rec.cells.length !== header.length) {
      yield { kind: 'error', diagnostic: textDiag(C.csvBadRow, 'error', `row has ${rec.cells.length} cells, the header has ${header.length}`, file, rec.line) };
      continue;
    }
    const cell = (name: string): string | undefined => {
      const i = col.get(name);
      return i === undefined ? undefined : stripNul(rec.cells[i]!);
    };
    const xml = cell('xml') ?? cell('toxml');
    if (xml !== undefined && xml.trim()) {
      yield* fromXmlCell(xml, file, rec.line, opts);
      continue;
    }
    yield* fromColumns(header, rec.cells, cell, file, rec.line);
  }
  if (!header) yield { kind: 'error', diagnostic: textDiag(C.csvBadHeader, 'error', 'csv file has no header row', file, 1) };
}

function* fromXmlCell(xml: string, file: string, line: number, opts: ReadEventsOptions): Generator<EventReadResult> {
  let events = 0;
  for (const item of parseEventElements(xml, file, { ...opts, lineOffset: line - 1 })) {
    if (item.kind !== 'element') {
      yield item;
      continue;
    }
    if (++events > 1) {
      yield { kind: 'warning', diagnostic: textDiag(C.csvBadRow, 'warning', 'the `Xml` cell holds more than one `<Event>`', file, line) };
    }
    const r = rawEventFromElement(item.element, `${file}:${line}`, { file, line, column: 1 });
    for (const d of r.diagnostics) yield { kind: d.severity === 'error' ? 'error' : 'warning', diagnostic: d };
    if (r.raw) yield { kind: 'event', raw: r.raw };
  }
}

function* fromColumns(
  header: readonly string[],
  cells: readonly string[],
  cell: (name: string) => string | undefined,
  file: string,
  line: number,
): Generator<EventReadResult> {
  const idText = (cell('id') ?? cell('eventid') ?? '').trim();
  if (!/^\d+$/.test(idText) || Number(idText) > 0xffff) {
    yield { kind: 'error', diagnostic: textDiag(C.eventBadField, 'error', `event id \`${excerpt(idText)}\` is not a number from 0 to 65535`, file, line) };
    return;
  }
  const int = (s: string | undefined): number | undefined => (s !== undefined && /^\s*\d+\s*$/.test(s) ? Number(s) : undefined);
  const timeText = (cell('timecreated') ?? '').trim();
  let timeCreated = normaliseTime(timeText);
  if (timeCreated === undefined) {
    timeCreated = timeText;
    yield { kind: 'warning', diagnostic: textDiag(C.eventBadField, 'warning', `time \`${excerpt(timeText)}\` is not a timestamp this reader understands`, file, line, 1, 'export TimeCreated with `.ToUniversalTime().ToString(\'o\')`') };
  }
  const data: Record<string, string> = {};
  header.forEach((h, i) => {
    if (!SYSTEM_COLUMNS.has(h.toLowerCase()) && !/displayname/i.test(h)) data[h] = stripNul(cells[i]!);
  });
  // A plain `Get-WinEvent | Export-Csv` has no payload columns, only the rendered Message. AppLocker's
  // messages start with the logged path or package (`%11 was allowed to run.`, applocker.md §9.2), so that
  // much is recovered from it.
  const message = cell('message');
  const id = Number(idText);
  if (message && !data.FilePath && !data.Package && id >= 8002 && id <= 8025) {
    const m = /^(.+?) was (?:allowed|prevented)\b/s.exec(message.trim());
    if (m) data[id >= 8020 ? 'Package' : 'FilePath'] = m[1]!;
  }
  const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined || v === '' ? {} : { [k]: v }) as { [P in K]?: V };
  const guid = cell('providerid')?.trim();
  const raw: RawEvent = {
    provider: cell('providername')?.trim() ?? '',
    ...opt('providerGuid', guid ? `{${guid.replace(/^\{|\}$/g, '').toUpperCase()}}` : undefined),
    eventId: Number(idText),
    ...opt('version', int(cell('version'))),
    ...opt('level', int(cell('level'))),
    ...opt('task', int(cell('task'))),
    ...opt('opcode', int(cell('opcode'))),
    ...opt('keywords', cell('keywords')?.trim()),
    timeCreated,
    ...opt('recordId', int(cell('recordid'))),
    channel: cell('logname')?.trim() ?? '',
    computer: cell('machinename')?.trim() ?? '',
    ...opt('securityUserId', cell('userid')?.trim()),
    data,
    source: `${file}:${line}`,
  };
  yield { kind: 'event', raw };
}
