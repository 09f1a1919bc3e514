/**
 * Rule generation: the rules `New-AppLockerPolicy` would make from FileInformation (issue 4 item 6), made
 * safe (issue 16 item 4). Publisher first wherever a signature verifies, hash as fallback for unsigned files
 * (otherwise the `-RuleType` list order is the fallback order), path only when asked and never for
 * user-writable locations; NO allow rule of any kind for a file whose signature is invalid (tampered,
 * spoofed) or sits in a damaged certificate table (signature stuffing, duplicated entries) — such files are
 * listed in `refused` with the reason; `-Optimize` folder rules under %WINDIR%/%PROGRAMFILES% get path
 * exceptions for the user-writable folders beneath them (user-writable.ts, plus the admin's own list),
 * rule ids derived from
 * the rule's content (UUID v5-style) so re-generating from the same inventory gives the same policy, and
 * a trace of which files each rule came from. Pure. Used by `lockstep rules generate`.
 * Spec: applocker.md §8.3 (New-AppLockerPolicy, naming, -Optimize), §5.1 (what a publisher rule needs),
 * §5.3 (hash rules), §4.3 (path form), §7 (user-writable dirs under %WINDIR%), formats.md §E.3, §F.3.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diag/index.js';
import type { FileInformation } from './file-information.js';
import { collectionForPath } from './file-types.js';
import { canonicalPath } from './lint/match.js';
import { isUserWritablePath, USER_WRITABLE_FOLDERS } from './user-writable.js';
import type {
  AppLockerPolicy, EnforcementMode, FileHash, FileHashRule, FilePathRule, FilePublisherRule, Rule, RuleCollection, RuleCollectionType,
} from './model.js';

export type GeneratedRuleType = 'Publisher' | 'Hash' | 'Path';

/** A file to make rules for: bare FileInformation, or an inventory-like record that carries one. */
export type GenerateSource =
  | FileInformation
  | {
      readonly info?: FileInformation; readonly path: string; readonly windowsPath?: string; readonly displayPath?: string; readonly size?: number;
      /** As fileinfo's identify reports it; `Invalid` = signed, but the signature does not verify (no publisher). */
      readonly signature?: 'Valid' | 'Invalid' | 'NotSigned';
      readonly reasons?: readonly string[];
      /** A valid signature in a damaged certificate table (inventory `signatureAnomalies`). */
      readonly signatureAnomalies?: readonly { readonly code: string; readonly message: string }[];
    };

export interface GenerateOptions {
  /** In fallback order, like `-RuleType Publisher,Hash` (default). */
  readonly ruleTypes: readonly GeneratedRuleType[];
  /** `-User`; default Everyone (S-1-1-0, §8.3). */
  readonly userOrGroupSid: string;
  /** `-Optimize`: group similar files (§8.3). */
  readonly optimize: boolean;
  /** `-RuleNamePrefix`: names become `<prefix>: <name>`. */
  readonly ruleNamePrefix?: string;
  /** Mode of the generated collections; New-AppLockerPolicy writes NotConfigured (§8.3 example 2). */
  readonly enforcementMode?: EnforcementMode;
  /** Publisher version range: `exact` (Low = High = file version, the cmdlet's default) or `orAbove`. */
  readonly publisherVersion?: 'exact' | 'orAbove';
  /** The admin's own user-writable folders (variable form), on top of USER_WRITABLE_FOLDERS. */
  readonly writableDirs?: readonly string[];
}

/** A file that got no rule because allowing it would be unsafe. */
export interface RefusedFile {
  /** Inventory path (else FileInformation.path). */
  readonly source: string;
  /** `invalid-signature` (the signature does not verify) or `damaged-signature` (stuffing, extra entries…). */
  readonly why: 'invalid-signature' | 'damaged-signature';
  readonly reason: string;
}

export interface GeneratedPolicy {
  readonly policy: AppLockerPolicy;
  /** Rule id → the files (inventory path, else FileInformation.path) it came from. */
  readonly trace: Map<string, string[]>;
  /** Files that got no rule and why (`policy.generate.*` warnings, as `-IgnoreMissingFileInformation`). */
  readonly diagnostics: Diagnostic[];
  /** Files refused: signed, but the signature is invalid or its certificate table is damaged. */
  readonly refused: RefusedFile[];
}

/** Output order of collections, as Get-AppLockerPolicy exports them (§1.5). */
const COLLECTION_ORDER: readonly RuleCollectionType[] = ['Appx', 'Dll', 'Exe', 'Msi', 'Script'];

/** A UUID (version 5 layout, SHA-1 over a fixed namespace and the rule's content). */
export function contentRuleId(content: string): string {
  const h = createHash('sha1').update('lockstep.rule/1\u0000').update(content).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

interface Normal {
  readonly info: FileInformation;
  readonly source: string;
  readonly displayPath?: string;
  readonly size?: number;
  readonly collection?: RuleCollectionType;
  readonly refusal?: Omit<RefusedFile, 'source'>;
}

function normalise(s: GenerateSource): Normal | undefined {
  if ('hashes' in s) {
    const c = s.collection ?? collectionForPath(s.path);
    return { info: s, source: s.path, ...(c ? { collection: c } : {}) };
  }
  if (!s.info) return undefined;
  const c = s.info.collection ?? collectionForPath(s.windowsPath ?? s.info.path);
  return {
    info: s.info,
    source: s.path,
    ...(s.displayPath && s.windowsPath ? { displayPath: s.displayPath } : {}),
    ...(s.size !== undefined ? { size: s.size } : {}),
    ...(c ? { collection: c } : {}),
    ...(s.signature === 'Invalid'
      ? { refusal: { why: 'invalid-signature' as const, reason: s.reasons?.join('; ') || 'the signature does not verify' } }
      : s.signatureAnomalies?.length
        ? { refusal: { why: 'damaged-signature' as const, reason: s.signatureAnomalies.map((a) => `${a.code}: ${a.message}`).join('; ') } }
        : {}),
  };
}

function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/')) + 1);
}

/** A pending rule: its identity key, the rule without id, and the sources it covers. */
interface Pending {
  key: string;
  collection: RuleCollectionType;
  make: (id: string, name: string) => Rule;
  name: string;
  sources: string[];
  hashes?: FileHash[];
}

/**
 * Generates a policy from scanned files.
 * @example
 * const { policy, trace } = generateRules(entries, { ruleTypes: ['Publisher', 'Hash'], userOrGroupSid: 'S-1-1-0', optimize: false });
 */
export function generateRules(files: readonly GenerateSource[], opts: GenerateOptions): GeneratedPolicy {
  const sid = opts.userOrGroupSid;
  const diagnostics: Diagnostic[] = [];
  const refused: RefusedFile[] = [];
  const pending = new Map<string, Pending>();
  const prefix = (n: string): string => (opts.ruleNamePrefix ? `${opts.ruleNamePrefix}: ${n}` : n);
  const add = (p: Omit<Pending, 'sources'>, source: string, hash?: FileHash): void => {
    let cur = pending.get(p.key);
    if (!cur) {
      cur = { ...p, sources: [] };
      pending.set(p.key, cur);
    }
    if (!cur.sources.includes(source)) cur.sources.push(source);
    if (hash && cur.hashes && !cur.hashes.some((h) => h.data.toUpperCase() === hash.data.toUpperCase())) cur.hashes.push(hash);
  };

  if (files.length === 0) diagnostics.push(warn('no-files', 'the inventory holds no files: the policy has no rules'));
  for (const raw of files) {
    const f = normalise(raw);
    if (!f) continue; // an inventory line recording a read error: nothing to make a rule from
    const { info, collection } = f;
    if (!collection) {
      diagnostics.push(warn('no-collection', `\`${f.source}\` has no AppLocker collection (unknown extension); no rule made`));
      continue;
    }
    if (f.refusal) {
      // INVARIANT: no allow rule (publisher, hash or path) for a file whose signature is invalid or damaged —
      // a tampered binary, a CurveBall spoof or a stuffed certificate table is exactly what a policy must stop.
      refused.push({ source: f.source, ...f.refusal });
      diagnostics.push(warn('refused', `no rule for \`${f.source}\`: ${f.refusal.why === 'invalid-signature' ? 'it is signed but the signature is invalid' : 'its signature sits in a damaged certificate table'} (${f.refusal.reason})`,
        'check where the file came from; get a clean copy from the vendor and scan again'));
      continue;
    }
    let made = false;
    const why: string[] = [];
    // Publisher first wherever a signature verifies: a publisher rule survives updates, a hash rule does not.
    const order = info.publisher && opts.ruleTypes.includes('Publisher')
      ? ['Publisher' as const, ...opts.ruleTypes.filter((t) => t !== 'Publisher')]
      : opts.ruleTypes;
    for (const type of order) {
      if (made) break;
      if (type === 'Publisher') {
        const p = info.publisher;
        if (!p) {
          why.push('not signed');
          continue;
        }
        const isScript = collection === 'Script';
        const isAppx = collection === 'Appx';
        // A file publisher rule needs the product and binary names (§5.1); scripts have neither (§E.3).
        if (!isScript && !isAppx && (!p.productName || !p.binaryName)) {
          why.push('signed but missing version information');
          continue;
        }
        if (isAppx && !p.productName) {
          why.push('package without a name');
          continue;
        }
        const grouped = opts.optimize || isScript;
        const product = isScript ? '*' : p.productName;
        const binary = grouped || isAppx ? '*' : p.binaryName;
        const version = p.binaryVersion;
        const range = grouped || !version
          ? { lowSection: '*', highSection: '*' }
          : { lowSection: version, highSection: opts.publisherVersion === 'orAbove' ? '*' : version };
        const name = isAppx
          ? `${p.productName}, from ${p.publisherName}`
          : product === '*'
            ? `Signed by ${p.publisherName}`
            : binary === '*'
              ? `${product} from ${p.publisherName}`
              : `${binary} version ${range.lowSection} ${range.highSection === '*' ? 'or above' : 'exactly'} in ${product} from ${p.publisherName}`;
        const key = ['P', collection, sid, p.publisherName.toUpperCase(), product.toUpperCase(), binary.toUpperCase(), range.lowSection, range.highSection].join('\u0000');
        add({
          key, collection, name: prefix(name),
          make: (id, n): FilePublisherRule => ({
            kind: 'FilePublisherRule', id, name: n, description: '', userOrGroupSid: sid, action: 'Allow',
            condition: { kind: 'FilePublisherCondition', publisherName: p.publisherName, productName: product, binaryName: binary, binaryVersionRange: range },
            exceptions: [],
          }),
        }, f.source);
        made = true;
      } else if (type === 'Hash') {
        const sha = info.hashes.SHA256;
        if (collection === 'Appx') {
          why.push('packaged apps have no hash rules');
          continue;
        }
        if (!sha) {
          why.push('no SHA256 hash (empty file?)');
          continue;
        }
        const file = baseName(info.path);
        const hash: FileHash = { type: 'SHA256', data: `0x${sha.toUpperCase()}`, sourceFileName: file, ...(f.size !== undefined ? { sourceFileLength: String(f.size) } : {}) };
        // -Optimize: one hash rule per collection holding every hash (§8.3); else one per distinct hash.
        const key = opts.optimize ? ['H', collection, sid].join('\u0000') : ['H', collection, sid, hash.data.toUpperCase()].join('\u0000');
        add({
          key, collection, name: prefix(file), hashes: [hash],
          make: (id, n): FileHashRule => ({
            kind: 'FileHashRule', id, name: n, description: '', userOrGroupSid: sid, action: 'Allow',
            condition: { kind: 'FileHashCondition', fileHashes: pending.get(key)!.hashes! },
          }),
        }, f.source, hash);
        made = true;
      } else {
        if (collection === 'Appx') {
          why.push('packaged apps have only publisher rules');
          continue;
        }
        const shown = f.displayPath;
        if (!shown) {
          why.push('no Windows path (scan without --os-root)');
          continue;
        }
        if (isUserWritablePath(shown, opts.writableDirs)) {
          why.push(`\`${shown}\` is in a user-writable location`);
          continue;
        }
        const dir = shown.slice(0, shown.lastIndexOf('\\'));
        const path = opts.optimize ? `${dir}\\*` : shown;
        const key = ['F', collection, sid, path.toUpperCase()].join('\u0000');
        // A folder rule covers every subfolder: close the user-writable ones beneath it (%SYSTEM32%\* →
        // FxsTmp, spool\PRINTERS, Tasks …), or the optimised rule is the best-known AppLocker bypass.
        const exceptions = opts.optimize ? writableBeneath(dir, opts.writableDirs) : [];
        add({
          key, collection, name: prefix(path),
          make: (id, n): FilePathRule => ({
            kind: 'FilePathRule', id, name: n, description: '', userOrGroupSid: sid, action: 'Allow',
            condition: { kind: 'FilePathCondition', path },
            exceptions: exceptions.map((e) => ({ kind: 'FilePathCondition' as const, path: `${e}\\*` })),
          }),
        }, f.source);
        made = true;
      }
    }
    if (!made) diagnostics.push(warn('no-rule', `no ${opts.ruleTypes.join('/')} rule for \`${f.source}\`: ${why.join('; ') || 'no rule type requested'}`));
  }

  const trace = new Map<string, string[]>();
  const byCollection = new Map<RuleCollectionType, Rule[]>();
  const sorted = [...pending.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const p of sorted) {
    if (p.hashes) p.hashes.sort((a, b) => (a.data < b.data ? -1 : a.data > b.data ? 1 : 0));
    // The id hashes the rule's content, so it is stable across runs and independent of file order.
    const content = p.key + (p.hashes ? '\u0000' + p.hashes.map((h) => h.data).join(',') : '');
    const id = contentRuleId(content);
    let name = p.name;
    if (p.hashes && p.hashes.length > 1) name = `${p.name} and ${p.hashes.length - 1} more files`;
    const rule = p.make(id, name);
    byCollection.set(p.collection, [...(byCollection.get(p.collection) ?? []), rule]);
    trace.set(id, [...p.sources].sort());
  }
  const ruleCollections: RuleCollection[] = COLLECTION_ORDER.filter((c) => byCollection.has(c)).map((type) => ({
    type,
    enforcementMode: opts.enforcementMode ?? 'NotConfigured',
    rules: byCollection.get(type)!,
  }));
  return { policy: { version: '1', ruleCollections }, trace, diagnostics, refused };
}

/** The user-writable folders strictly beneath `dir` (variable form), in list order, without duplicates. */
export function writableBeneath(dir: string, extra: readonly string[] = []): string[] {
  const d = canonicalPath(dir).replace(/\\\*$/, '');
  const out: string[] = [];
  for (const w of [...USER_WRITABLE_FOLDERS.map((x) => x.path), ...extra]) {
    const c = canonicalPath(w).replace(/\\\*$/, '');
    // A writable folder above or equal to `dir` makes the rule itself unsafe; that is refused earlier.
    if (c.startsWith(`${d}\\`) && !out.some((o) => canonicalPath(o) === c)) out.push(w);
  }
  return out;
}

function warn(what: string, message: string, help?: string): Diagnostic {
  return { code: `policy.generate.${what}`, severity: 'warning', message, ...(help ? { help } : {}) };
}
