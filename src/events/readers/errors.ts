/**
 * Diagnostic codes of the event readers (shared/design/README.md convention 2): one stable dotted code per
 * kind of problem, so the CLI, the API and tests can match on them. Used by every reader in this folder and
 * by raw-event-from-element.ts / normalise.ts.
 */
export const EventReaderCode = {
  /** Content matches no supported export format. */
  formatUnknown: 'events.format.unknown',
  /** A legacy Windows XP/2003 `.evt` file (not EVTX), formats.md §A / MANIFEST (plaso SysEvent.Evt). */
  formatEvtLegacy: 'events.format.evt-legacy',
  /** The EVTX reader is not part of this build. */
  evtxUnavailable: 'events.evtx.unavailable',
  /** The CLI could not read the file at all (missing, permissions). */
  ioUnreadable: 'events.io.unreadable',
  /** An input or count cap was hit (bytes/limits.ts). */
  limit: 'events.limit.exceeded',
  /** XML not well-formed (saxes error), located. */
  xmlMalformed: 'events.xml.malformed',
  /** A DTD / entity declaration: rejected, never expanded. */
  xmlDtd: 'events.xml.dtd-rejected',
  /** A bare `&` was escaped so the rest of the document could be read (dirty Event Viewer copies). */
  xmlRecoveredAmpersand: 'events.xml.recovered-ampersand',
  /** The document holds no `<Event>` element. */
  xmlNoEvent: 'events.xml.no-event',
  /** Non-whitespace text outside any `<Event>`. */
  xmlStrayText: 'events.xml.stray-text',
  /** An `<Event>` lacks a field every event has (System/EventID…). */
  eventMissingField: 'events.event.missing-field',
  /** A field has a value of the wrong shape (EventID not a number…). */
  eventBadField: 'events.event.bad-field',
  /** A JSON line/document does not parse. */
  jsonSyntax: 'events.json.syntax',
  /** A JSON line/document nests deeper than `maxDepth` (a stack-overflow bomb); refused before parsing. */
  jsonTooDeep: 'events.json.too-deep',
  /** A CSV header has more columns than `maxColumns`. */
  csvTooManyColumns: 'events.csv.too-many-columns',
  /** A JSON value parses but is not an event of the expected export format. */
  jsonNotEvent: 'events.json.not-an-event',
  /** CSV header lacks the columns this reader needs. */
  csvBadHeader: 'events.csv.bad-header',
  /** A CSV row is malformed (unterminated quote, wrong cell count). */
  csvBadRow: 'events.csv.bad-row',
} as const;
export type EventReaderCode = (typeof EventReaderCode)[keyof typeof EventReaderCode];
