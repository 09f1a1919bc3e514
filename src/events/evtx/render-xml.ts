/**
 * Serializes an EventElement as Windows renders event XML (formats.md §A.7, profile "windows"): attribute
 * values in single quotes, no whitespace between elements, `<X/>` only for elements the source closed with
 * CloseEmptyElement, `&`, `<`, `>` escaped in text (quotes are not), the quote escaped in attributes.
 * `indent` adds 2-space pretty printing for people (not Windows' form). Used by the events CLI and tests.
 */
import type { EventElement } from '../raw-event.js';

export interface RenderXmlOptions {
  /** Pretty-print with 2 spaces per level and newlines between elements. Default false (Windows' form). */
  readonly indent?: boolean;
}

const TEXT_RE = /[&<>]/g;
const ATTR_RE = /[&<>']/g;
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;' };

export function escapeXmlText(s: string): string {
  return TEXT_RE.test(s) ? ((TEXT_RE.lastIndex = 0), s.replace(TEXT_RE, (c) => ESC[c]!)) : s;
}

export function escapeXmlAttribute(s: string): string {
  return ATTR_RE.test(s) ? ((ATTR_RE.lastIndex = 0), s.replace(ATTR_RE, (c) => ESC[c]!)) : s;
}

function write(e: EventElement, out: string[], indent: string | undefined): void {
  let open = '<' + e.name;
  for (const [k, v] of e.attributes) open += ' ' + k + "='" + escapeXmlAttribute(v) + "'";
  const pad = indent ?? '';
  if (e.children.length === 0 && e.text === '') {
    out.push(pad + open + (e.selfClosing ? '/>' : '></' + e.name + '>'));
    return;
  }
  if (e.children.length === 0) {
    out.push(pad + open + '>' + escapeXmlText(e.text) + '</' + e.name + '>');
    return;
  }
  if (indent === undefined) {
    out.push(open + '>' + escapeXmlText(e.text));
    for (const c of e.children) write(c, out, undefined);
    out.push('</' + e.name + '>');
    return;
  }
  out.push(pad + open + '>' + escapeXmlText(e.text));
  for (const c of e.children) write(c, out, indent + '  ');
  out.push(pad + '</' + e.name + '>');
}

/** One event as XML; Windows' exact form unless `indent`. */
export function renderEventXml(event: EventElement, opts: RenderXmlOptions = {}): string {
  const out: string[] = [];
  write(event, out, opts.indent ? '' : undefined);
  return out.join(opts.indent ? '\n' : '');
}
