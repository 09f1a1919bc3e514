/**
 * Where each model object came from in the XML: line, column and element path, so validators, diff and the
 * CLI can point at `file:line:column` for a rule, collection, condition, FileHash or BinaryVersionRange.
 * Built by parse.ts; keyed by the model objects themselves (identity), plus a lookup by rule Id.
 * Positions are kept as offsets and turned into line:column only when asked (a 10,000-rule policy has
 * ~200,000 attributes; most are never reported).
 */
import type { TextLocation } from '../../diag/index.js';
import type { LineIndex, XmlElement } from './tree.js';

/** Read side used by validators and diff. */
export interface PolicyLocations {
  readonly file?: string;
  /** Location (with element path) of a model object built by the parser. */
  get(node: object): TextLocation | undefined;
  /** Location of one attribute of that object's element (falls back to the element). */
  attribute(node: object, name: string): TextLocation | undefined;
  /** Location of the first rule with this Id (case-insensitive, applocker.md §12.1 item 4). */
  rule(id: string): TextLocation | undefined;
}

interface Entry {
  readonly element: Pick<XmlElement, 'offset' | 'attributes'>;
  readonly path: string;
}

/** The parser's implementation: a Map keyed by model objects. */
export class PolicyLocationMap implements PolicyLocations {
  private readonly byNode = new Map<object, Entry>();
  private readonly byRuleId = new Map<string, object>();
  constructor(readonly file: string | undefined, private readonly lines: LineIndex) {}

  set(node: object, element: Pick<XmlElement, 'offset' | 'attributes'>, path: string): void {
    this.byNode.set(node, { element, path });
  }

  setRule(id: string, node: object): void {
    const k = id.toLowerCase();
    if (!this.byRuleId.has(k)) this.byRuleId.set(k, node);
  }

  private at(offset: number, path: string): TextLocation {
    const { line, column } = this.lines.at(offset);
    return { kind: 'text', ...(this.file !== undefined ? { file: this.file } : {}), line, column, path };
  }

  get(node: object): TextLocation | undefined {
    const e = this.byNode.get(node);
    return e && this.at(e.element.offset, e.path);
  }

  attribute(node: object, name: string): TextLocation | undefined {
    const e = this.byNode.get(node);
    if (!e) return undefined;
    const a = e.element.attributes.find((x) => x.name === name);
    return a ? this.at(a.offset, `${e.path}/@${name}`) : this.at(e.element.offset, e.path);
  }

  rule(id: string): TextLocation | undefined {
    const n = this.byRuleId.get(id.toLowerCase());
    return n && this.get(n);
  }

  get size(): number {
    return this.byNode.size;
  }
}

/** Locations for a policy that was not parsed from text (generated, merged): knows nothing. */
export const NO_LOCATIONS: PolicyLocations = {
  get: () => undefined,
  attribute: () => undefined,
  rule: () => undefined,
};
