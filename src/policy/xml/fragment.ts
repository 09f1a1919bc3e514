/**
 * Writes generic XML elements (the parts of a policy we keep but do not interpret: PolicyExtensions and
 * unknown RuleCollectionExtensions children, applocker.md §1.1 "xs:any lax … preserve", §12.1 item 1).
 * A kept fragment is stored in the model as compact XML; serialize.ts re-indents it for pretty output.
 * Escaping and layout follow §11.3 so a fragment formats like the rest of the policy.
 */
import { buildXmlTree, type XmlElement } from './tree.js';

/** Escapes an attribute value: `& < > "` as §11.3 says, plus the whitespace XML would normalise away. */
export function escapeAttribute(s: string): string {
  if (!/[&<>"\t\n\r]/.test(s)) return s;
  return s
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}

/** Escapes character data. */
export function escapeText(s: string): string {
  if (!/[&<>\r]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

export interface LayoutOptions {
  readonly pretty: boolean;
  readonly newline: string;
}

/** Writes one element (and its subtree) at `depth`, appending lines/chunks to `out`. */
export function writeElement(el: XmlElement, depth: number, o: LayoutOptions, out: string[]): void {
  const indent = o.pretty ? '  '.repeat(depth) : '';
  const attrs = el.attributes.map((a) => ` ${a.name}="${escapeAttribute(a.value)}"`).join('');
  const text = el.text.trim() === '' ? '' : el.text;
  if (el.children.length === 0 && text === '') {
    out.push(`${indent}<${el.name}${attrs} />`);
    return;
  }
  if (el.children.length === 0) {
    out.push(`${indent}<${el.name}${attrs}>${escapeText(text)}</${el.name}>`);
    return;
  }
  // Mixed content keeps its text before the children (policy extensions have none in practice).
  out.push(`${indent}<${el.name}${attrs}>${text ? escapeText(text.trim()) : ''}`);
  for (const c of el.children) writeElement(c, depth + 1, o, out);
  out.push(`${indent}</${el.name}>`);
}

/** The compact form stored in the model for a kept element. */
export function elementToFragment(el: XmlElement): string {
  const out: string[] = [];
  writeElement(el, 0, { pretty: false, newline: '' }, out);
  return out.join('');
}

/** Re-lays a stored fragment at `depth`; a fragment that does not parse is written as it is. */
export function layoutFragment(fragment: string, depth: number, o: LayoutOptions, out: string[]): void {
  const tree = buildXmlTree(fragment);
  if (!tree.root || !tree.wellFormed) {
    out.push((o.pretty ? '  '.repeat(depth) : '') + fragment);
    return;
  }
  writeElement(tree.root, depth, o, out);
}
