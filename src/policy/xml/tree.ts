/**
 * A tiny XML element tree with positions (code-unit offsets; LineIndex gives 1-based line/column), built from saxes events. parse.ts maps it
 * onto the AppLocker model; serialize.ts re-indents kept fragments (PolicyExtensions, unknown extensions)
 * with it. Spec: applocker.md §11.2 (namespace-less, comments and PIs ignored).
 *
 * Hostile input is bounded before and while parsing: any DOCTYPE aborts at once (saxes never expands
 * DTD entities, and we refuse to look further: XXE and billion laughs both start with one), the longest
 * tag or text run is capped by a linear pre-scan (a 50 MB attribute is refused before saxes sees it),
 * depth and element count are capped while building.
 */
import { SaxesParser } from 'saxes';
import type { Diagnostic, TextLocation } from '../../diag/index.js';

export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
  /** Code-unit offset of the attribute name in the decoded text (LineIndex turns it into line:column). */
  readonly offset: number;
}

export interface XmlElement {
  readonly name: string;
  readonly attributes: XmlAttribute[];
  readonly children: XmlElement[];
  /** Concatenated character data directly inside this element (whitespace-only runs dropped). */
  text: string;
  /** Offset of the element's `<`. Positions stay offsets until a diagnostic or a location is asked for. */
  readonly offset: number;
  /** Offset of the first non-whitespace character data, if any. */
  textOffset?: number;
}

export interface XmlTreeLimits {
  /** Deepest element nesting accepted. */
  readonly maxDepth: number;
  /** Most elements accepted in one document. */
  readonly maxElements: number;
  /** Longest tag or text run (characters between two `<`). */
  readonly maxTokenChars: number;
}

export const DEFAULT_XML_TREE_LIMITS: XmlTreeLimits = { maxDepth: 64, maxElements: 1_000_000, maxTokenChars: 256 * 1024 };

export interface XmlTree {
  readonly root?: XmlElement;
  /** Name of the first element seen, even when the document is broken (to say what the file is). */
  readonly firstElementName?: string;
  readonly hasDeclaration: boolean;
  /** False when saxes reported any well-formedness error or a limit aborted the parse. */
  readonly wellFormed: boolean;
  readonly aborted: boolean;
  readonly diagnostics: Diagnostic[];
  /** Offsets → line:column for this text. */
  readonly lines: LineIndex;
}

/** Maps code-unit offsets to 1-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

class AbortParse extends Error {}

const MAX_SYNTAX_ERRORS = 50;

function loc(file: string | undefined, line: number, column: number): TextLocation {
  return { kind: 'text', ...(file !== undefined ? { file } : {}), line, column };
}

/** `Unexpected end.` → `unexpected end` (STYLE: lowercase, no final period). */
function tidy(message: string): string {
  const m = message.replace(/\.$/, '');
  return m.charAt(0).toLowerCase() + m.slice(1);
}

/**
 * Builds the element tree of `text` (already decoded, without BOM). Never throws on any input.
 * @example buildXmlTree('<a x="1"><b/></a>').root?.children[0]?.name // 'b'
 */
export function buildXmlTree(text: string, file?: string, limits: XmlTreeLimits = DEFAULT_XML_TREE_LIMITS): XmlTree {
  const diagnostics: Diagnostic[] = [];
  const lines = new LineIndex(text);

  // Pre-scan: the distance between two `<` bounds every tag and every text run (attribute values may
  // not contain `<`), so one linear pass caps what saxes would otherwise buffer.
  let prev = 0;
  for (let i = text.indexOf('<'); ; i = text.indexOf('<', i + 1)) {
    const end = i < 0 ? text.length : i;
    if (end - prev > limits.maxTokenChars) {
      const p = lines.at(prev);
      diagnostics.push({
        code: 'policy.xml.token-too-large', severity: 'error',
        message: `a tag or text run of ${end - prev} characters is longer than the cap of ${limits.maxTokenChars}`,
        location: loc(file, p.line, p.column),
        help: 'no AppLocker attribute is longer than 32767 characters (a Path); the file is damaged or hostile',
      });
      return { hasDeclaration: false, wellFormed: false, aborted: true, diagnostics, lines };
    }
    if (i < 0) break;
    prev = i;
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const p = lines.at(nul);
    diagnostics.push({
      code: 'policy.xml.nul-byte', severity: 'error', message: 'the text contains a NUL character',
      location: loc(file, p.line, p.column),
      help: 'XML forbids U+0000; the file is binary, truncated or saved in another encoding than it declares',
    });
    return { hasDeclaration: false, wellFormed: false, aborted: true, diagnostics, lines };
  }

  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let firstElementName: string | undefined;
  let hasDeclaration = false;
  let wellFormed = true;
  let aborted = false;
  let elements = 0;
  let syntaxErrors = 0;
  let pendingAttrs: XmlAttribute[] = [];

  parser.on('xmldecl', () => { hasDeclaration = true; });
  parser.on('doctype', () => {
    const p = lines.at(Math.max(0, text.lastIndexOf('<!DOCTYPE', parser.position)));
    diagnostics.push({
      code: 'policy.xml.dtd-forbidden', severity: 'error',
      message: 'the document has a DOCTYPE declaration',
      location: loc(file, p.line, p.column),
      help: 'AppLocker policy XML never has a DTD; DTDs and entities are refused unexpanded (XXE, billion laughs)',
    });
    throw new AbortParse();
  });
  parser.on('error', (e) => {
    wellFormed = false;
    const m = /^(?:.*?:)?(\d+):(\d+): (.*)$/s.exec(e.message);
    const line = m ? Number(m[1]) : parser.line;
    const column = m ? Number(m[2]) : parser.column + 1;
    diagnostics.push({
      code: 'policy.xml.malformed', severity: 'error',
      message: `not well-formed XML: ${tidy(m ? m[3]! : e.message)}`,
      location: loc(file, line, column),
      help: 'fix the XML syntax first; Windows refuses the whole policy when it is not well-formed',
    });
    if (++syntaxErrors >= MAX_SYNTAX_ERRORS) throw new AbortParse();
  });
  parser.on('opentagstart', (t) => {
    pendingAttrs = [];
    if (firstElementName === undefined) firstElementName = t.name;
  });
  parser.on('attribute', (a) => {
    // saxes (non-namespace mode) reports an attribute right after its closing quote; walk back to its name.
    const end = parser.position - 1;
    const quote = text[end] === "'" ? "'" : '"';
    const open = text.lastIndexOf(quote, end - 1);
    const at = text.lastIndexOf(a.name, open);
    pendingAttrs.push({ name: a.name, value: a.value, offset: Math.max(0, at >= 0 ? at : open) });
  });
  parser.on('opentag', (t) => {
    const offset = Math.max(0, text.lastIndexOf('<', parser.position - 1));
    if (++elements > limits.maxElements) {
      const p = lines.at(offset);
      diagnostics.push({
        code: 'policy.xml.too-many-elements', severity: 'error',
        message: `the document has more than ${limits.maxElements} elements`,
        location: loc(file, p.line, p.column),
      });
      throw new AbortParse();
    }
    if (stack.length >= limits.maxDepth) {
      const p = lines.at(offset);
      diagnostics.push({
        code: 'policy.xml.too-deep', severity: 'error',
        message: `elements nest deeper than ${limits.maxDepth} levels`,
        location: loc(file, p.line, p.column),
        help: 'an AppLocker policy nests at most 8 levels; the file is damaged or hostile',
      });
      throw new AbortParse();
    }
    const el: XmlElement = { name: t.name, attributes: pendingAttrs, children: [], text: '', offset };
    pendingAttrs = [];
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!root) root = el;
    if (!t.isSelfClosing) stack.push(el);
  });
  parser.on('closetag', (t) => {
    if (!t.isSelfClosing) stack.pop();
  });
  const onText = (s: string): void => {
    const el = stack[stack.length - 1];
    if (!el) return;
    const k = s.search(/\S/);
    // Indentation between elements is the bulk of all text and means nothing here (no xml:space in the
    // schema): keep only runs with content, which also spares a string per element in a big policy.
    if (k < 0) return;
    // saxes emits text when it reaches the next markup; the run started s.length characters earlier.
    if (el.textOffset === undefined) el.textOffset = Math.max(0, text.lastIndexOf('<', parser.position - 1) - s.length + k);
    el.text += s;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  try {
    parser.write(text).close();
  } catch (e) {
    // INVARIANT: only our own AbortParse is thrown by the handlers; anything else is a bug and must surface.
    if (!(e instanceof AbortParse)) throw e;
    aborted = true;
    wellFormed = false;
  }
  if (firstElementName === undefined && !aborted) {
    // saxes words this several ways ("document must contain a root element", text outside root…): one clear code.
    diagnostics.length = 0;
    diagnostics.push({ code: 'policy.xml.empty', severity: 'error', message: 'the document has no root element', location: loc(file, 1, 1),
      help: 'an AppLocker policy file holds <AppLockerPolicy Version="1">…</AppLockerPolicy>' });
    wellFormed = false;
  }
  return {
    ...(root ? { root } : {}),
    ...(firstElementName !== undefined ? { firstElementName } : {}),
    hasDeclaration, wellFormed, aborted, diagnostics, lines,
  };
}
