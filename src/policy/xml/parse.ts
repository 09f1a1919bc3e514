/**
 * AppLocker policy XML → model, with every problem reported at once and located.
 * Who uses it: the CLI (`lockstep policy validate|fmt|diff|merge`), merge/diff tests, the engine's loaders.
 * Spec: applocker.md §1.1 (schema), §1.8 (bare <RuleCollection> fragment, Intune CSP), §11.2 (parser rules),
 * §12.1 (tolerances: missing EnforcementMode ⇒ NotConfigured, missing BinaryVersionRange ⇒ `*`–`*`).
 *
 * Stages: decode bytes (encoding.ts) → element tree with positions (tree.ts) → root check → model
 * (this file, lenient: keeps going past schema errors) → validatePolicy (validate/). `ok:false` only when
 * no model can be built (not well-formed, DTD, wrong root, limits). Enum values are kept as written even
 * when invalid, so validation can name them; callers must check the diagnostics for errors.
 */
import { DiagnosticBag, DiagnosticError, fail, ok, type Diagnostic, type Result, type TextLocation } from '../../diag/index.js';
import type {
  AppLockerPolicy, BinaryVersionRange, FileHash, FileHashCondition, FileHashRule, FilePathCondition, FilePathRule,
  FilePublisherCondition, FilePublisherRule, Rule, RuleCollection, RuleCollectionExtensions, RuleCondition,
} from '../model.js';
import { validatePolicy } from '../validate/index.js';
import { clip } from '../validate/context.js';
import { didYouMean } from '../validate/suggest.js';
import { DEFAULT_MAX_POLICY_BYTES, decodePolicyInput, type PolicyEncoding } from './encoding.js';
import { elementToFragment } from './fragment.js';
import { PolicyLocationMap, type PolicyLocations } from './locations.js';
import { buildXmlTree, DEFAULT_XML_TREE_LIMITS, type LineIndex, type XmlElement, type XmlTreeLimits } from './tree.js';

export interface ParsedPolicy {
  readonly policy: AppLockerPolicy;
  /** The document's root: a full policy or a bare collection (CSP fragment, §1.8) to be written back as one. */
  readonly root: 'AppLockerPolicy' | 'RuleCollection';
  readonly encoding: PolicyEncoding;
  readonly bom: boolean;
  /** The first line break in the file (`lf` when there is none). */
  readonly newline: 'crlf' | 'lf';
  /** Whether the file starts with `<?xml …?>` (so `fmt` can keep it). */
  readonly xmlDeclaration: boolean;
  readonly locations: PolicyLocations;
}

export interface ParseOptions {
  /** File name used in every diagnostic location. */
  readonly file?: string;
  /** Input cap in bytes (default 64 MiB). */
  readonly maxBytes?: number;
  readonly limits?: Partial<XmlTreeLimits>;
  /** Skip the model-level validation (parse diagnostics only). Default false. */
  readonly skipValidation?: boolean;
}

/** Roots of other XML kinds an admin may hand us by mistake, and what to call them (issue 2 item 3). */
const OTHER_ROOTS: Readonly<Record<string, string>> = {
  QueryList: 'an event query (<QueryList>, as used by Event Viewer filters and WEF subscriptions)',
  ViewerConfig: 'an Event Viewer custom view (<ViewerConfig>)',
  Event: 'event XML (<Event>)',
  Events: 'event XML (<Events>)',
  Subscription: 'a Windows Event Forwarding subscription (<Subscription>)',
};

const RULE_ATTRS = ['Id', 'Name', 'Description', 'UserOrGroupSid', 'Action'] as const;
const RULE_ELEMENTS = ['FilePathRule', 'FilePublisherRule', 'FileHashRule'] as const;
const CONDITION_ELEMENTS = ['FilePathCondition', 'FilePublisherCondition', 'FileHashCondition'] as const;
const CONDITION_OF: Readonly<Record<string, string>> = {
  FilePathRule: 'FilePathCondition', FilePublisherRule: 'FilePublisherCondition', FileHashRule: 'FileHashCondition',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class Builder {
  readonly bag = new DiagnosticBag();
  readonly locations: PolicyLocationMap;
  constructor(readonly file: string | undefined, readonly lines: LineIndex) {
    this.locations = new PolicyLocationMap(file, lines);
  }

  loc(at: { offset: number }, path: string): TextLocation {
    const { line, column } = this.lines.at(at.offset);
    return { kind: 'text', ...(this.file !== undefined ? { file: this.file } : {}), line, column, path };
  }

  /** `help` may be a thunk: suggestions cost an edit distance, skipped once the bag is over its limit. */
  diag(code: string, severity: Diagnostic['severity'], message: string, location: TextLocation, help?: string | (() => string)): void {
    if (this.bag.size >= this.bag.limit) { this.bag.add({ code, severity, message }); return; }
    const h = typeof help === 'function' ? help() : help;
    this.bag.add({ code, severity, message, location, ...(h ? { help: h } : {}) });
  }

  record(node: object, el: XmlElement, path: string): void {
    this.locations.set(node, el, path);
  }

  /** Reads the attributes of `el`: known ones into a record, reports missing required and unknown ones. */
  attrs(el: XmlElement, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    for (const a of el.attributes) {
      if (required.includes(a.name) || optional.includes(a.name)) out[a.name] = a.value;
      else if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) {
        this.diag('policy.xml.namespace', 'warning', `unexpected namespace declaration \`${clip(a.name)}="${clip(a.value)}"\``, this.loc(a, `${path}/@${clip(a.name)}`),
          'AppLocker policy XML has no namespace (applocker.md §1.1); Windows may refuse namespaced elements');
      } else if (a.name.startsWith('PLACEHOLDER_') || a.value.includes('PLACEHOLDER_')) {
        this.placeholder(a.name.startsWith('PLACEHOLDER_') ? a.name : a.value, this.loc(a, `${path}/@${clip(a.name)}`));
      } else {
        this.diag('policy.xml.unknown-attribute', 'error', `unknown attribute \`${clip(a.name)}\` on <${el.name}>`, this.loc(a, `${path}/@${clip(a.name)}`),
          () => {
            const known = [...required, ...optional];
            return didYouMean(a.name, known) ?? (known.length ? `<${el.name}> takes ${known.map((k) => `\`${k}\``).join(', ')}` : `<${el.name}> takes no attributes`);
          });
      }
    }
    for (const r of required) {
      if (out[r] === undefined) {
        this.diag('policy.xml.missing-attribute', 'error', `<${el.name}> has no \`${r}\` attribute`, this.loc(el, path),
          `the schema requires \`${r}\` on <${el.name}> (applocker.md §1.1)`);
      }
    }
    return out;
  }

  placeholder(token: string, l: TextLocation): void {
    const t = token.length > 80 ? token.slice(0, 80) + '…' : token;
    this.diag('policy.validate.placeholder', 'error', `template placeholder \`${t}\` was never replaced`, l,
      'this is a template: run the script that fills it (e.g. AaronLocker Create-Policies.ps1) or remove the placeholder');
  }

  /** Non-whitespace text where only elements belong. */
  text(el: XmlElement, path: string): void {
    const t = el.text.trim();
    if (!t) return;
    const l = this.loc({ offset: el.textOffset ?? el.offset }, path);
    if (t.includes('PLACEHOLDER_')) this.placeholder(t, l);
    else this.diag('policy.xml.unexpected-text', 'warning', `unexpected text \`${t.length > 40 ? t.slice(0, 40) + '…' : t}\` in <${el.name}>`, l,
      `<${el.name}> holds only elements; the text is ignored`);
  }

  /** An element not allowed here: placeholder, misplaced known element, or unknown (with a suggestion). */
  unknown(child: XmlElement, parentPath: string, allowed: readonly string[], where: string): void {
    const path = `${parentPath}/${clip(child.name)}`;
    if (child.name.startsWith('PLACEHOLDER_')) { this.placeholder(child.name, this.loc(child, path)); return; }
    // Names come from the file: clipped in messages (a hostile name may be 256 Ki characters).
    this.diag('policy.xml.unknown-element', 'error', `unknown element <${clip(child.name)}> in ${where}`, this.loc(child, path),
      () => didYouMean(child.name, allowed) ?? `${where} may contain ${allowed.map((a) => `<${a}>`).join(', ')}`);
  }
}

function q(s: string): string {
  return s.replace(/"/g, '&quot;');
}

function parseVersionRange(b: Builder, el: XmlElement, path: string): BinaryVersionRange {
  const a = b.attrs(el, path, ['LowSection', 'HighSection']);
  const r: BinaryVersionRange = { lowSection: a.LowSection ?? '', highSection: a.HighSection ?? '' };
  b.record(r, el, path);
  b.text(el, path);
  for (const c of el.children) b.unknown(c, path, [], '<BinaryVersionRange>');
  return r;
}

function parseCondition(b: Builder, el: XmlElement, path: string): RuleCondition | undefined {
  b.text(el, path);
  switch (el.name) {
    case 'FilePathCondition': {
      const a = b.attrs(el, path, ['Path']);
      const c: FilePathCondition = { kind: 'FilePathCondition', path: a.Path ?? '' };
      b.record(c, el, path);
      for (const ch of el.children) b.unknown(ch, path, [], '<FilePathCondition>');
      return c;
    }
    case 'FilePublisherCondition': {
      const a = b.attrs(el, path, ['PublisherName', 'ProductName', 'BinaryName']);
      let range: BinaryVersionRange | undefined;
      for (const ch of el.children) {
        const p = `${path}/${ch.name}`;
        if (ch.name === 'BinaryVersionRange') {
          if (range) b.diag('policy.xml.duplicate-element', 'error', 'a second <BinaryVersionRange> in one publisher condition', b.loc(ch, p), 'keep one range; the second is ignored');
          else range = parseVersionRange(b, ch, p);
        } else b.unknown(ch, path, ['BinaryVersionRange'], '<FilePublisherCondition>');
      }
      const c: Mutable<FilePublisherCondition> = {
        kind: 'FilePublisherCondition', publisherName: a.PublisherName ?? '', productName: a.ProductName ?? '', binaryName: a.BinaryName ?? '',
      };
      if (range) c.binaryVersionRange = range;
      b.record(c, el, path);
      return c;
    }
    case 'FileHashCondition': {
      b.attrs(el, path, []);
      const hashes: FileHash[] = [];
      let n = 0;
      for (const ch of el.children) {
        if (ch.name !== 'FileHash') { b.unknown(ch, path, ['FileHash'], '<FileHashCondition>'); continue; }
        const p = `${path}/FileHash[${++n}]`;
        const a = b.attrs(ch, p, ['Type', 'Data'], ['SourceFileName', 'SourceFileLength']);
        const h: Mutable<FileHash> = { type: (a.Type ?? '') as FileHash['type'], data: a.Data ?? '' };
        if (a.SourceFileName !== undefined) h.sourceFileName = a.SourceFileName;
        if (a.SourceFileLength !== undefined) h.sourceFileLength = a.SourceFileLength;
        b.record(h, ch, p);
        b.text(ch, p);
        for (const g of ch.children) b.unknown(g, p, [], '<FileHash>');
        hashes.push(h);
      }
      // An empty condition stays in the model; validate/hashes.ts reports it (generated models can have one too).
      const c: FileHashCondition = { kind: 'FileHashCondition', fileHashes: hashes };
      b.record(c, el, path);
      return c;
    }
    default:
      return undefined;
  }
}

function parseRule(b: Builder, el: XmlElement, collectionPath: string): Rule | undefined {
  const rawId = el.attributes.find((a) => a.name === 'Id')?.value;
  const path = `${collectionPath}/${el.name}${rawId !== undefined ? `[@Id="${q(clip(rawId, 64))}"]` : ''}`;
  const a = b.attrs(el, path, RULE_ATTRS);
  b.text(el, path);
  const wanted = CONDITION_OF[el.name]!;
  let condition: RuleCondition | undefined;
  let conditionsSeen = false;
  let exceptionsSeen = false;
  const exceptions: RuleCondition[] = [];
  for (const ch of el.children) {
    const p = `${path}/${ch.name}`;
    if (ch.name === 'Conditions') {
      if (conditionsSeen) { b.diag('policy.xml.duplicate-element', 'error', `a second <Conditions> in <${el.name}>`, b.loc(ch, p), 'a rule has exactly one <Conditions>; the second is ignored'); continue; }
      conditionsSeen = true;
      b.attrs(ch, p, []);
      b.text(ch, p);
      for (const c of ch.children) {
        const cp = `${p}/${c.name}`;
        if (c.name === wanted) {
          if (condition) { b.diag('policy.xml.duplicate-element', 'error', `a second <${c.name}> in the rule's <Conditions>`, b.loc(c, cp), 'a rule has exactly one condition (applocker.md §1.1); split it into two rules'); continue; }
          condition = parseCondition(b, c, cp);
        } else if ((CONDITION_ELEMENTS as readonly string[]).includes(c.name)) {
          b.diag('policy.validate.condition-mismatch', 'error', `<${el.name}> cannot have a <${c.name}> condition`, b.loc(c, cp),
            `a <${el.name}>'s <Conditions> holds one <${wanted}>; use a <${Object.keys(CONDITION_OF).find((k) => CONDITION_OF[k] === c.name)}> for this condition`);
        } else b.unknown(c, p, [wanted], `<${el.name}>/<Conditions>`);
      }
    } else if (ch.name === 'Exceptions') {
      if (exceptionsSeen) { b.diag('policy.xml.duplicate-element', 'error', `a second <Exceptions> in <${el.name}>`, b.loc(ch, p), 'merge the two <Exceptions> elements into one'); }
      exceptionsSeen = true;
      if (el.name === 'FileHashRule') {
        b.diag('policy.validate.hash-rule-exceptions', 'error', 'a hash rule cannot have <Exceptions>', b.loc(ch, p),
          'the schema gives <FileHashRule> no exceptions (applocker.md §1.1); the exceptions are dropped');
        continue;
      }
      b.attrs(ch, p, []);
      b.text(ch, p);
      const counts = new Map<string, number>();
      for (const c of ch.children) {
        if (!(CONDITION_ELEMENTS as readonly string[]).includes(c.name)) { b.unknown(c, p, CONDITION_ELEMENTS, `<${el.name}>/<Exceptions>`); continue; }
        const k = (counts.get(c.name) ?? 0) + 1;
        counts.set(c.name, k);
        const x = parseCondition(b, c, `${p}/${c.name}[${k}]`);
        if (x) exceptions.push(x);
      }
    } else b.unknown(ch, path, ['Conditions', 'Exceptions'], `<${el.name}>`);
  }
  if (!conditionsSeen || !condition) {
    b.diag('policy.xml.missing-element', 'error', `rule \`${rawId ?? '?'}\` has no <${wanted}> in <Conditions>`, b.loc(el, path),
      `every <${el.name}> needs <Conditions><${wanted} …/></Conditions>; the rule is left out of the model`);
    return undefined;
  }
  const base = {
    id: a.Id ?? '', name: a.Name ?? '', description: a.Description ?? '', userOrGroupSid: a.UserOrGroupSid ?? '',
    action: (a.Action ?? '') as Rule['action'],
  };
  let rule: Rule;
  if (el.name === 'FilePathRule') rule = { kind: 'FilePathRule', ...base, condition: condition as FilePathCondition, exceptions } satisfies FilePathRule;
  else if (el.name === 'FilePublisherRule') rule = { kind: 'FilePublisherRule', ...base, condition: condition as FilePublisherCondition, exceptions } satisfies FilePublisherRule;
  else rule = { kind: 'FileHashRule', ...base, condition: condition as FileHashCondition } satisfies FileHashRule;
  b.record(rule, el, path);
  if (a.Id !== undefined) b.locations.setRule(a.Id, rule);
  return rule;
}

function parseExtensions(b: Builder, el: XmlElement, path: string): RuleCollectionExtensions {
  b.attrs(el, path, []);
  b.text(el, path);
  const ext: Mutable<RuleCollectionExtensions> = { thresholdPresent: false, redstonePresent: false, unknown: [] };
  const unknown: string[] = [];
  for (const ch of el.children) {
    const p = `${path}/${ch.name}`;
    if (ch.name === 'ThresholdExtensions') {
      if (ext.thresholdPresent) b.diag('policy.xml.duplicate-element', 'error', 'a second <ThresholdExtensions>', b.loc(ch, p), 'keep one; the second is ignored');
      if (ext.redstonePresent) b.diag('policy.xml.misplaced-element', 'warning', '<ThresholdExtensions> comes after <RedstoneExtensions>', b.loc(ch, p), 'the schema order is ThresholdExtensions, RedstoneExtensions, then others');
      ext.thresholdPresent = true;
      b.attrs(ch, p, []);
      b.text(ch, p);
      for (const g of ch.children) {
        const gp = `${p}/${g.name}`;
        if (g.name === 'Services') {
          const a = b.attrs(g, gp, ['EnforcementMode']);
          if (a.EnforcementMode !== undefined) ext.servicesEnforcementMode = a.EnforcementMode as RuleCollectionExtensions['servicesEnforcementMode'];
        } else b.unknown(g, p, ['Services'], '<ThresholdExtensions>');
      }
    } else if (ch.name === 'RedstoneExtensions') {
      if (ext.redstonePresent) b.diag('policy.xml.duplicate-element', 'error', 'a second <RedstoneExtensions>', b.loc(ch, p), 'keep one; the second is ignored');
      ext.redstonePresent = true;
      b.attrs(ch, p, []);
      b.text(ch, p);
      for (const g of ch.children) {
        const gp = `${p}/${g.name}`;
        if (g.name === 'SystemApps') {
          const a = b.attrs(g, gp, ['Allow']);
          if (a.Allow !== undefined) ext.systemAppsAllow = a.Allow as RuleCollectionExtensions['systemAppsAllow'];
        } else if (g.name === 'OriginDataRevocation') {
          const a = b.attrs(g, gp, ['CurrentOriginDataId', 'TrustedOriginDataId']);
          const cur = a.CurrentOriginDataId;
          const tru = a.TrustedOriginDataId;
          const isU32 = (s: string | undefined): s is string => s !== undefined && /^\d{1,10}$/.test(s) && Number(s) <= 0xffffffff;
          if (isU32(cur) && isU32(tru)) ext.originDataRevocation = { currentOriginDataId: Number(cur), trustedOriginDataId: Number(tru) };
          else if (cur !== undefined && tru !== undefined) {
            b.diag('policy.validate.invalid-number', 'error', `origin data ids \`${cur}\` / \`${tru}\` are not unsigned 32-bit integers`, b.loc(g, gp),
              'CurrentOriginDataId and TrustedOriginDataId are xs:unsignedInt (applocker.md §1.1); the element is dropped');
          }
        } else b.unknown(g, p, ['SystemApps', 'OriginDataRevocation'], '<RedstoneExtensions>');
      }
    } else if (ch.name.startsWith('PLACEHOLDER_')) {
      b.placeholder(ch.name, b.loc(ch, p));
    } else {
      // xs:any processContents="lax": future extensions are kept verbatim (§1.1).
      unknown.push(elementToFragment(ch));
    }
  }
  ext.unknown = unknown;
  b.record(ext, el, path);
  return ext;
}

function parseCollection(b: Builder, el: XmlElement, parentPath: string): RuleCollection {
  const type = el.attributes.find((a) => a.name === 'Type')?.value;
  const path = `${parentPath}/RuleCollection${type !== undefined ? `[@Type="${q(clip(type, 64))}"]` : ''}`;
  const a = b.attrs(el, path, ['Type'], ['EnforcementMode']);
  b.text(el, path);
  const rules: Rule[] = [];
  let extensions: RuleCollectionExtensions | undefined;
  for (const ch of el.children) {
    if ((RULE_ELEMENTS as readonly string[]).includes(ch.name)) {
      if (extensions) {
        b.diag('policy.xml.misplaced-element', 'error', `<${ch.name}> after <RuleCollectionExtensions>`, b.loc(ch, `${path}/${ch.name}`),
          '<RuleCollectionExtensions> must be the last child of <RuleCollection> (applocker.md §1.1)');
      }
      const r = parseRule(b, ch, path);
      if (r) rules.push(r);
    } else if (ch.name === 'RuleCollectionExtensions') {
      if (extensions) { b.diag('policy.xml.duplicate-element', 'error', 'a second <RuleCollectionExtensions>', b.loc(ch, `${path}/${ch.name}`), 'keep one; the second is ignored'); continue; }
      extensions = parseExtensions(b, ch, `${path}/RuleCollectionExtensions`);
    } else b.unknown(ch, path, [...RULE_ELEMENTS, 'RuleCollectionExtensions'], '<RuleCollection>');
  }
  const c: Mutable<RuleCollection> = { type: (a.Type ?? '') as RuleCollection['type'], rules };
  if (a.EnforcementMode !== undefined) c.enforcementMode = a.EnforcementMode as RuleCollection['enforcementMode'];
  if (extensions) c.extensions = extensions;
  b.record(c, el, path);
  return c;
}

function parsePolicyElement(b: Builder, el: XmlElement): AppLockerPolicy {
  const path = '/AppLockerPolicy';
  const a = b.attrs(el, path, ['Version']);
  b.text(el, path);
  const collections: RuleCollection[] = [];
  let extensions: string | undefined;
  for (const ch of el.children) {
    if (ch.name === 'RuleCollection') {
      if (extensions !== undefined) {
        b.diag('policy.xml.misplaced-element', 'error', '<RuleCollection> after <PolicyExtensions>', b.loc(ch, `${path}/RuleCollection`),
          'the schema puts every <RuleCollection> before <PolicyExtensions> (applocker.md §1.1)');
      }
      collections.push(parseCollection(b, ch, path));
    } else if (ch.name === 'PolicyExtensions') {
      if (extensions !== undefined) { b.diag('policy.xml.duplicate-element', 'error', 'a second <PolicyExtensions>', b.loc(ch, `${path}/PolicyExtensions`), 'keep one; the second is ignored'); continue; }
      // Semantics undocumented (§12.1 item 1): kept verbatim, re-indented on output.
      extensions = elementToFragment(ch);
    } else b.unknown(ch, path, ['RuleCollection', 'PolicyExtensions'], '<AppLockerPolicy>');
  }
  const p: Mutable<AppLockerPolicy> = { version: a.Version ?? '1', ruleCollections: collections };
  if (extensions !== undefined) p.policyExtensions = extensions;
  b.record(p, el, path);
  return p;
}

/**
 * Parses AppLocker policy XML (bytes in UTF-8/UTF-16 with or without BOM, or a string).
 * Accepts a full `<AppLockerPolicy>` or a bare `<RuleCollection>` (CSP fragment, §1.8).
 * The diagnostics include the full model validation (validatePolicy).
 * @example
 * const r = parsePolicy(readFileSync('gpo.xml'), { file: 'gpo.xml' });
 * if (r.ok) console.log(r.value.policy.ruleCollections.length, hasErrors(r.diagnostics));
 */
export function parsePolicy(input: Uint8Array | string, opts: ParseOptions = {}): Result<ParsedPolicy> {
  const file = opts.file;
  const dec = decodePolicyInput(input, file, opts.maxBytes ?? DEFAULT_MAX_POLICY_BYTES);
  if (!dec.decoded) return fail(dec.diagnostics);
  const { text, encoding, bom } = dec.decoded;
  const tree = buildXmlTree(text, file, { ...DEFAULT_XML_TREE_LIMITS, ...opts.limits });
  const b = new Builder(file, tree.lines);
  b.bag.addAll(dec.diagnostics);
  b.bag.addAll(tree.diagnostics);
  const rootName = tree.root?.name ?? tree.firstElementName;
  const rootLoc: TextLocation = tree.root ? b.loc(tree.root, `/${tree.root.name}`) : { kind: 'text', ...(file !== undefined ? { file } : {}), line: 1, column: 1 };
  if (rootName === 'SiPolicy') {
    b.diag('policy.xml.wdac-policy', 'error', 'this is a WDAC App Control policy, not an AppLocker policy', rootLoc,
      'AppLocker policies start with <AppLockerPolicy>; manage <SiPolicy> files with the App Control (WDAC) tools');
    return fail(b.bag.sorted());
  }
  if (rootName !== undefined && OTHER_ROOTS[rootName]) {
    b.diag('policy.xml.not-a-policy', 'error', `this file is ${OTHER_ROOTS[rootName]}, not an AppLocker policy`, rootLoc,
      'AppLocker policies start with <AppLockerPolicy> or (Intune CSP) <RuleCollection>');
    return fail(b.bag.sorted());
  }
  if (!tree.root || !tree.wellFormed) return fail(b.bag.sorted());
  const root = tree.root;
  let policy: AppLockerPolicy;
  let rootKind: ParsedPolicy['root'];
  if (root.name === 'AppLockerPolicy') {
    policy = parsePolicyElement(b, root);
    rootKind = 'AppLockerPolicy';
  } else if (root.name === 'RuleCollection') {
    // A CSP Policy node holds exactly one <RuleCollection> (§1.8): model it as a one-collection policy.
    const c = parseCollection(b, root, '');
    policy = { version: '1', ruleCollections: [c] };
    rootKind = 'RuleCollection';
  } else {
    b.diag('policy.xml.wrong-root', 'error', `the root element is <${clip(root.name)}>, not <AppLockerPolicy>`, rootLoc,
      didYouMean(root.name, ['AppLockerPolicy', 'RuleCollection']) ?? 'AppLocker policies start with <AppLockerPolicy> or (Intune CSP) <RuleCollection>');
    return fail(b.bag.sorted());
  }
  if (!opts.skipValidation) b.bag.addAll(validatePolicy(policy, b.locations, file));
  const nl = text.indexOf('\n');
  const newline = nl > 0 && text[nl - 1] === '\r' ? 'crlf' : 'lf';
  return ok(
    { policy, root: rootKind, encoding, bom, newline, xmlDeclaration: tree.hasDeclaration, locations: b.locations },
    b.bag.sorted(),
  );
}

/**
 * Parses and returns the policy, or throws a DiagnosticError when the XML cannot be modelled or has any
 * error-severity diagnostic.
 * @example const policy = parsePolicyOrThrow(xmlText);
 */
export function parsePolicyOrThrow(input: Uint8Array | string, opts: ParseOptions = {}): AppLockerPolicy {
  const r = parsePolicy(input, opts);
  if (!r.ok || r.diagnostics.some((d) => d.severity === 'error')) throw new DiagnosticError(r.diagnostics);
  return r.value.policy;
}
