/**
 * Model → AppLocker policy XML in the canonical form Windows emits (applocker.md §11.3, §1.1 notes, §1.5):
 * two-space indentation, `" />"`, attribute orders `Id, Name, Description, UserOrGroupSid, Action` /
 * `PublisherName, ProductName, BinaryName` / `LowSection, HighSection` / `Type, Data, SourceFileName,
 * SourceFileLength` / `Type, EnforcementMode`, EnforcementMode and Description always written, `& < > "`
 * escaped, non-ASCII literal. Compact style is `New-AppLockerPolicy -Xml`'s one line.
 * Who uses it: `lockstep policy fmt|merge|defaults`, exports. Pure: returns a string or bytes.
 *
 * Normalisation (documented, deliberate): an absent EnforcementMode is written as `NotConfigured` (its
 * meaning, §12.1 item 2); comments and whitespace are not kept; kept fragments are re-indented.
 */
import type {
  AppLockerPolicy, FileHash, Rule, RuleCollection, RuleCollectionExtensions, RuleCondition,
} from '../model.js';
import { encodeText } from './encoding.js';
import { escapeAttribute as esc, layoutFragment, type LayoutOptions } from './fragment.js';

export interface SerializeOptions {
  /** `pretty` (default): GUI/export layout. `compact`: one line. */
  readonly style?: 'pretty' | 'compact';
  /** Line break for pretty output (default `lf`). */
  readonly newline?: 'crlf' | 'lf';
  /** `RuleCollection` writes a bare collection (CSP fragment); the policy must have exactly one. */
  readonly root?: 'AppLockerPolicy' | 'RuleCollection';
  /** Write `<?xml version="1.0" encoding="…"?>` first (default false; encodePolicy defaults it per encoding). */
  readonly xmlDeclaration?: boolean;
  /** Encoding named in the XML declaration (default utf-8). */
  readonly declarationEncoding?: 'utf-8' | 'utf-16';
}

export interface EncodeOptions extends SerializeOptions {
  /** Default utf-8. */
  readonly encoding?: 'utf-8' | 'utf-16le';
  /** Byte-order mark; default true for utf-16le, false for utf-8. */
  readonly bom?: boolean;
}

class Writer {
  readonly out: string[] = [];
  constructor(readonly o: LayoutOptions) {}
  line(depth: number, s: string): void {
    this.out.push(this.o.pretty ? '  '.repeat(depth) + s : s);
  }
}

function conditionXml(w: Writer, c: RuleCondition, d: number): void {
  switch (c.kind) {
    case 'FilePathCondition':
      w.line(d, `<FilePathCondition Path="${esc(c.path)}" />`);
      return;
    case 'FilePublisherCondition': {
      const head = `<FilePublisherCondition PublisherName="${esc(c.publisherName)}" ProductName="${esc(c.productName)}" BinaryName="${esc(c.binaryName)}"`;
      if (!c.binaryVersionRange) { w.line(d, `${head} />`); return; }
      w.line(d, `${head}>`);
      w.line(d + 1, `<BinaryVersionRange LowSection="${esc(c.binaryVersionRange.lowSection)}" HighSection="${esc(c.binaryVersionRange.highSection)}" />`);
      w.line(d, '</FilePublisherCondition>');
      return;
    }
    case 'FileHashCondition':
      if (c.fileHashes.length === 0) { w.line(d, '<FileHashCondition />'); return; }
      w.line(d, '<FileHashCondition>');
      for (const h of c.fileHashes) w.line(d + 1, fileHashXml(h));
      w.line(d, '</FileHashCondition>');
  }
}

function fileHashXml(h: FileHash): string {
  let s = `<FileHash Type="${esc(h.type)}" Data="${esc(h.data)}"`;
  if (h.sourceFileName !== undefined) s += ` SourceFileName="${esc(h.sourceFileName)}"`;
  if (h.sourceFileLength !== undefined) s += ` SourceFileLength="${esc(String(h.sourceFileLength))}"`;
  return s + ' />';
}

function ruleXml(w: Writer, r: Rule, d: number): void {
  w.line(d, `<${r.kind} Id="${esc(r.id)}" Name="${esc(r.name)}" Description="${esc(r.description)}" UserOrGroupSid="${esc(r.userOrGroupSid)}" Action="${esc(r.action)}">`);
  w.line(d + 1, '<Conditions>');
  conditionXml(w, r.condition, d + 2);
  w.line(d + 1, '</Conditions>');
  if (r.kind !== 'FileHashRule' && r.exceptions.length > 0) {
    w.line(d + 1, '<Exceptions>');
    for (const x of r.exceptions) conditionXml(w, x, d + 2);
    w.line(d + 1, '</Exceptions>');
  }
  w.line(d, `</${r.kind}>`);
}

function extensionsXml(w: Writer, e: RuleCollectionExtensions, d: number): void {
  w.line(d, '<RuleCollectionExtensions>');
  if (e.thresholdPresent || e.servicesEnforcementMode !== undefined) {
    if (e.servicesEnforcementMode === undefined) w.line(d + 1, '<ThresholdExtensions />');
    else {
      w.line(d + 1, '<ThresholdExtensions>');
      w.line(d + 2, `<Services EnforcementMode="${esc(e.servicesEnforcementMode)}" />`);
      w.line(d + 1, '</ThresholdExtensions>');
    }
  }
  if (e.redstonePresent || e.systemAppsAllow !== undefined || e.originDataRevocation !== undefined) {
    if (e.systemAppsAllow === undefined && e.originDataRevocation === undefined) w.line(d + 1, '<RedstoneExtensions />');
    else {
      w.line(d + 1, '<RedstoneExtensions>');
      if (e.systemAppsAllow !== undefined) w.line(d + 2, `<SystemApps Allow="${esc(e.systemAppsAllow)}" />`);
      const o = e.originDataRevocation;
      if (o) w.line(d + 2, `<OriginDataRevocation CurrentOriginDataId="${o.currentOriginDataId}" TrustedOriginDataId="${o.trustedOriginDataId}" />`);
      w.line(d + 1, '</RedstoneExtensions>');
    }
  }
  for (const f of e.unknown) layoutFragment(f, d + 1, w.o, w.out);
  w.line(d, '</RuleCollectionExtensions>');
}

function collectionXml(w: Writer, c: RuleCollection, d: number): void {
  const head = `<RuleCollection Type="${esc(c.type)}" EnforcementMode="${esc(c.enforcementMode ?? 'NotConfigured')}"`;
  if (c.rules.length === 0 && !c.extensions) { w.line(d, `${head} />`); return; }
  w.line(d, `${head}>`);
  for (const r of c.rules) ruleXml(w, r, d + 1);
  if (c.extensions) extensionsXml(w, c.extensions, d + 1);
  w.line(d, '</RuleCollection>');
}

/**
 * Writes the policy as XML text. Pretty output has no final line break (as Windows writes it); compact
 * output is one line.
 * Throws a RangeError (a programming error) for `root: 'RuleCollection'` unless the policy has exactly
 * one collection and no PolicyExtensions.
 * @example serializePolicy(policy, { style: 'pretty', newline: 'crlf' })
 */
export function serializePolicy(policy: AppLockerPolicy, opts: SerializeOptions = {}): string {
  const pretty = (opts.style ?? 'pretty') === 'pretty';
  const nl = opts.newline === 'crlf' ? '\r\n' : '\n';
  const w = new Writer({ pretty, newline: nl });
  if (opts.root === 'RuleCollection') {
    const only = policy.ruleCollections[0];
    if (policy.ruleCollections.length !== 1 || !only || policy.policyExtensions !== undefined) {
      throw new RangeError(`a bare <RuleCollection> holds exactly one collection; this policy has ${policy.ruleCollections.length}`);
    }
    collectionXml(w, only, 0);
  } else {
    const head = `<AppLockerPolicy Version="${esc(policy.version)}"`;
    if (policy.ruleCollections.length === 0 && policy.policyExtensions === undefined) w.line(0, `${head} />`);
    else {
      w.line(0, `${head}>`);
      for (const c of policy.ruleCollections) collectionXml(w, c, 1);
      if (policy.policyExtensions !== undefined) layoutFragment(policy.policyExtensions, 1, w.o, w.out);
      w.line(0, '</AppLockerPolicy>');
    }
  }
  if (opts.xmlDeclaration) w.out.unshift(`<?xml version="1.0" encoding="${opts.declarationEncoding ?? 'utf-8'}"?>`);
  // No final line break: Windows' exports end at `</AppLockerPolicy>` (corpus: WDAC-Toolkit, AaronLocker files).
  return pretty ? w.out.join(nl) : w.out.join('');
}

/**
 * Writes the policy as bytes: UTF-8 (default, no BOM) or UTF-16LE (BOM and an `encoding="utf-16"`
 * declaration by default, as GPMC and AaronLocker save it, §1.1).
 * @example writeFileSync('out.xml', encodePolicy(policy, { encoding: 'utf-16le', newline: 'crlf' }))
 */
export function encodePolicy(policy: AppLockerPolicy, opts: EncodeOptions = {}): Uint8Array {
  const encoding = opts.encoding ?? 'utf-8';
  const bom = opts.bom ?? encoding === 'utf-16le';
  const xmlDeclaration = opts.xmlDeclaration ?? encoding === 'utf-16le';
  const text = serializePolicy(policy, { ...opts, xmlDeclaration, declarationEncoding: encoding === 'utf-16le' ? 'utf-16' : 'utf-8' });
  return encodeText(text, encoding, bom);
}
