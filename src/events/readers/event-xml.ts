/**
 * Event XML reader: one `<Event>`, an `<Events>` document (Event Viewer "Save as XML", the Windows-rendered
 * NickSmet fixtures), or `wevtutil qe /f:xml` output (many `<Event>` roots concatenated, no wrapper) →
 * `EventElement` trees → `RawEvent`s. Used by readers/index.ts (`readEvents`) and by the CSV reader for its
 * `Xml` column. Event shape: applocker.md §9.4, formats.md §A.7.
 *
 * Design notes:
 * - saxes in fragment mode, fed in 64 KiB slices so a large export yields events as it goes.
 * - DTDs/entity declarations are rejected before parsing (never expanded: no billion-laughs).
 * - Dirty input: Event Viewer's friendly view copies RuleSddl with raw `&&` (EricZimmerman 8020 map). A bare
 *   `&` that starts no entity reference is escaped to `&amp;` with one warning, so the event is recovered.
 * - Each `<Event>` is its own result: a malformed or truncated event yields one located error and the
 *   events before and after it still come through.
 */
import { SaxesParser } from 'saxes';
import type { Diagnostic } from '../../diag/index.js';
import type { EventElement } from '../raw-event.js';
import { rawEventFromElement } from '../raw-event-from-element.js';
import { EventReaderCode as C } from './errors.js';
import { excerpt, textDiag } from './text.js';
import { DEFAULT_READ_OPTIONS, type EventReadResult, type ReadEventsOptions } from './types.js';

/** An `<Event>` element found in a document, or a problem found on the way. */
export type EventXmlItem =
  | { readonly kind: 'element'; readonly element: EventElement; readonly line: number; readonly column: number }
  | { readonly kind: 'error' | 'warning'; readonly diagnostic: Diagnostic };

export interface ParseEventXmlOptions {
  readonly onProgress?: (done: number, total: number) => void;
  readonly maxDepth?: number;
  readonly maxRecordChars?: number;
  readonly maxRecords?: number;
  /** Added to every reported line (the CSV reader parses a cell that starts on a later line). */
  readonly lineOffset?: number;
}

interface Node {
  name: string;
  selfClosing?: boolean;
  attributes: Array<readonly [string, string]>;
  children: Node[];
  text: string;
}

interface OpenEvent {
  root: Node;
  line: number;
  column: number;
  chars: number;
  errors: Diagnostic[];
}

const SLICE = 64 * 1024;

/** Most XML errors read from one document before it is given up (each is reported up to this cap). */
const MAX_XML_ERRORS = 1000;
const TOO_MANY_ERRORS = Symbol('too many xml errors');
const BARE_AMP = /&(?!(?:[A-Za-z_:][\w.:-]*|#\d+|#x[0-9A-Fa-f]+);)/g;

export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** Nodes are built in EventElement's own shape, so finishing an event costs no copy. */
function freeze(n: Node): EventElement {
  return n;
}

function lineCol(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: index - last };
}

/**
 * Finds every `<Event>` element in an XML text (any of the three layouts) and returns it as an
 * `EventElement` tree, with located errors for what is not well-formed.
 * @example
 * for (const item of parseEventElements(xml, 'events.xml')) if (item.kind === 'element') use(item.element);
 */
export function* parseEventElements(text: string, file: string, opts: ParseEventXmlOptions = {}): Generator<EventXmlItem> {
  const maxDepth = opts.maxDepth ?? DEFAULT_READ_OPTIONS.maxDepth;
  const maxChars = opts.maxRecordChars ?? DEFAULT_READ_OPTIONS.maxRecordChars;
  const maxRecords = opts.maxRecords ?? DEFAULT_READ_OPTIONS.maxRecords;
  const off = opts.lineOffset ?? 0;
  const at = (code: string, sev: Diagnostic['severity'], msg: string, line: number, col: number, help?: string): Diagnostic =>
    textDiag(code, sev, msg, file, line + off, col, help);

  // DTDs and entity declarations: rejected outright (bounded work, no entity expansion).
  const dtd = /<!(DOCTYPE|ENTITY)\b/i.exec(text);
  if (dtd) {
    const p = lineCol(text, dtd.index);
    yield { kind: 'error', diagnostic: at(C.xmlDtd, 'error', `document type declarations are not accepted (\`<!${dtd[1]}\`)`, p.line, p.column, 'event exports never carry a DTD; remove it') };
    return;
  }
  // saxes refuses an XML declaration in fragment mode; blank it out, keeping line/column positions.
  let src = text.replace(/^(\s*)<\?xml[^?]*\?>/, (m) => m.replace(/[^\n]/g, ' '));
  // Bare `&` (Event Viewer friendly-view copies): escape and warn once, located at the first one.
  BARE_AMP.lastIndex = 0;
  const firstAmp = BARE_AMP.exec(src);
  if (firstAmp) {
    const count = src.match(BARE_AMP)?.length ?? 1;
    const p = lineCol(src, firstAmp.index);
    src = src.replace(BARE_AMP, '&amp;');
    yield { kind: 'warning', diagnostic: at(C.xmlRecoveredAmpersand, 'warning', `recovered ${count} bare \`&\` not starting an entity reference`, p.line, p.column, 'the text is not well-formed XML (often copied from Event Viewer\'s friendly view); `&` was read as `&amp;`') };
  }

  const queue: EventXmlItem[] = [];
  const stack: Node[] = [];
  let ev: OpenEvent | undefined;
  let records = 0;
  let sawEvent = false;
  let capped = false;
  let strayWarned = 0;
  let tagLine = 1;
  let tagCol = 1;
  // After a broken event, the parser's view of the nesting is unreliable up to the next `<Event>`: what it
  // reports there (stray text, unmatched closing tags) belongs to the event already reported, so it is dropped.
  let resyncing = false;
  const parser = new SaxesParser({ fragment: true, position: true, fileName: file });

  const finishEvent = (): void => {
    if (!ev) return;
    const e = ev;
    ev = undefined;
    stack.length = 0;
    if (e.errors.length) {
      const [first, ...rest] = e.errors;
      resyncing = true;
      queue.push({ kind: 'error', diagnostic: { ...first!, message: `event at line ${e.line + off} is not well-formed: ${first!.message}`, help: 'the event is skipped, and so is any text up to the next `<Event>`', ...(rest.length ? { notes: rest.slice(0, 10) } : {}) } });
    } else {
      queue.push({ kind: 'element', element: freeze(e.root), line: e.line + off, column: e.column });
    }
  };

  // Every saxes error is a `new Error` (a stack captured each time), and broken text can raise one per
  // character: a fuzzed 2 MB CSV cell took 1.7 s (issue 12). Past MAX_XML_ERRORS the document is given up.
  let xmlErrors = 0;
  parser.on('error', (err) => {
    if (++xmlErrors > MAX_XML_ERRORS) throw TOO_MANY_ERRORS;
    // saxes: `file:1:2: unclosed tag: Foo.` → `unclosed tag: \`Foo\`` (STYLE: input in backticks, no period)
    let msg = err.message.replace(/^.*?:\d+:\d+: /, '').replace(/\.$/, '');
    const named = /^((?:unclosed|unmatched closing) tag): (.*)$/s.exec(msg);
    if (named) msg = `${named[1]} \`${excerpt(named[2]!)}\``;
    const d = at(C.xmlMalformed, 'error', msg, parser.line, parser.column + 1);
    if (ev) {
      if (ev.errors.length <= 10) ev.errors.push(d); // the first error and 10 notes are plenty
    } else if (!resyncing) queue.push({ kind: 'error', diagnostic: d });
  });
  parser.on('opentagstart', (t) => {
    tagLine = parser.line;
    tagCol = Math.max(1, parser.column - t.name.length);
  });
  parser.on('opentag', (t) => {
    const attrs: Array<readonly [string, string]> = [];
    const a = t.attributes as Record<string, string>;
    for (const k in a) attrs.push([k, a[k]!]);
    const node: Node = { name: t.name, attributes: attrs, children: [], text: '' };
    if (t.isSelfClosing) node.selfClosing = true;
    if (!ev) {
      if (localName(t.name) !== 'Event') return; // wrapper such as <Events>: not built
      sawEvent = true;
      resyncing = false;
      records++;
      if (records > maxRecords) {
        if (!capped) queue.push({ kind: 'error', diagnostic: at(C.limit, 'error', `more than ${maxRecords} events; the rest was not read`, tagLine, tagCol) });
        capped = true;
        return;
      }
      ev = { root: node, line: tagLine, column: tagCol, chars: 0, errors: [] };
      stack.push(node);
      if (t.isSelfClosing) finishEvent();
      return;
    }
    if (stack.length >= maxDepth) {
      if (!ev.errors.some((d) => d.code === C.limit)) ev.errors.push(at(C.limit, 'error', `nesting deeper than ${maxDepth} elements`, tagLine, tagCol));
      stack.push(node); // kept on the stack for balance, never attached
      return;
    }
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  const onText = (s: string): void => {
    if (ev && stack.length) {
      ev.chars += s.length;
      if (ev.chars > maxChars) {
        if (!ev.errors.some((d) => d.code === C.limit)) ev.errors.push(at(C.limit, 'error', `event text longer than ${maxChars} characters`, parser.line, parser.column));
        return;
      }
      stack[stack.length - 1]!.text += s;
    } else if (!ev && !resyncing && s.trim() && strayWarned < 10) {
      strayWarned++;
      queue.push({ kind: 'warning', diagnostic: at(C.xmlStrayText, 'warning', `text outside any \`<Event>\`: \`${excerpt(s)}\``, parser.line, Math.max(1, parser.column - s.length + 1)) });
    }
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    if (!ev) return;
    stack.pop();
    if (stack.length === 0) finishEvent();
  });

  // saxes errors carry no stack we use: capturing none makes a broken document linear-cost, not stack-cost.
  const feed = (chunk: string | undefined): boolean => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      if (chunk === undefined) parser.close();
      else parser.write(chunk);
      return true;
    } catch (e) {
      if (e !== TOO_MANY_ERRORS) throw e;
      ev = undefined;
      queue.push({ kind: 'error', diagnostic: at(C.limit, 'error', `more than ${MAX_XML_ERRORS} xml errors; the rest of the input was not read`, parser.line, parser.column + 1) });
      return false;
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  for (let i = 0; i < src.length; i += SLICE) {
    if (!feed(src.slice(i, i + SLICE))) {
      for (const item of queue) yield item;
      return;
    }
    opts.onProgress?.(Math.min(src.length, i + SLICE), src.length);
    // INVARIANT: nothing is queued while we yield (the parser only runs inside write/close).
    for (const item of queue) yield item;
    queue.length = 0;
    if (capped) return;
  }
  if (!feed(undefined)) {
    for (const item of queue) yield item;
    return;
  }
  if (ev) {
    const e: OpenEvent = ev;
    if (!e.errors.length) e.errors.push(at(C.xmlMalformed, 'error', 'unexpected end of input inside `<Event>`', parser.line, parser.column + 1));
    finishEvent();
  }
  for (const item of queue) yield item;
  queue.length = 0;
  if (!sawEvent) {
    yield { kind: 'error', diagnostic: at(C.xmlNoEvent, 'error', 'no `<Event>` element found', 1, 1, 'expected `<Event>`, `<Events>` or `wevtutil qe /f:xml` output') };
  }
}

/** Reads an Event XML export into `EventReadResult`s (no AppLocker normalisation; readEvents adds it). */
export function* readEventXml(text: string, file: string, opts: ReadEventsOptions = {}): Generator<EventReadResult> {
  for (const item of parseEventElements(text, file, opts)) {
    if (item.kind !== 'element') {
      yield item;
      continue;
    }
    const r = rawEventFromElement(item.element, `${file}:${item.line}:${item.column}`, { file, line: item.line, column: item.column });
    for (const d of r.diagnostics) yield d.severity === 'error' ? { kind: 'error', diagnostic: d } : { kind: 'warning', diagnostic: d };
    if (r.raw) yield { kind: 'event', raw: r.raw };
  }
}
