/**
 * Reads `lockstep.yaml` (the workspace, workspace/model.ts) with the `yaml` package, reporting every
 * problem with file:line:column like the policy parser does (design README conventions 2–3: errors are
 * values, collected, sorted). Structure and types are checked here; cross-references (duplicate names,
 * link targets, GUIDs) in workspace/validate.ts, which this calls. Also reads the machines inventory CSV.
 * Pure: takes text, returns a Result.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { DiagnosticBag, fail, ok, type Diagnostic, type Result, type TextLocation } from '../../diag/index.js';
import { RULE_COLLECTION_TYPES, type EnforcementMode, type RuleCollectionType } from '../../policy/model.js';
import { WorkspaceCode as C } from './errors.js';
import {
  DEFAULT_STORE, DEFAULT_SUGGEST, DEFAULT_THRESHOLDS, type SuggestOptions, type VersionFloor, type ApprovedApplication, type BusinessGroup, type EventCollectionPlan, type Gpo,
  type GpoLink, type Machine, type ReadinessThresholds, type Workspace,
  type AlertRule, type MonitorSettings,
} from './model.js';
import { validateWorkspace } from './validate.js';

/** Workspace files above this size are refused before parsing (a plan is kilobytes). */
export const MAX_WORKSPACE_BYTES = 4 * 1024 * 1024;
/** Most lines in lockstep.yaml (the YAML parser's per-line cost makes a million blank lines take seconds). */
export const MAX_WORKSPACE_LINES = 50_000;
export const MAX_INVENTORY_ROWS = 1_000_000;

class Ctx {
  readonly bag = new DiagnosticBag();
  readonly locations = new Map<string, TextLocation>();
  constructor(readonly file: string | undefined, readonly lc: LineCounter) {}

  loc(node: YamlNode | null | undefined, path: string): TextLocation {
    const off = node?.range?.[0] ?? 0;
    const p = this.lc.linePos(off);
    return { kind: 'text', ...(this.file ? { file: this.file } : {}), line: p.line, column: p.col, path };
  }

  error(code: string, message: string, node: YamlNode | null | undefined, path: string, help?: string, severity: Diagnostic['severity'] = 'error'): void {
    this.bag.add({ code, severity, message, location: this.loc(node, path), ...(help ? { help } : {}) });
  }
}

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined, bestD = 3;
  for (const o of options) {
    const d = levenshtein(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) { best = o; bestD = d; }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** A mapping's fields by key, reporting unknown keys (with a suggestion). */
function fields(ctx: Ctx, node: YamlNode | null | undefined, path: string, known: readonly string[]): Map<string, { key: YamlNode; value: YamlNode | null }> | undefined {
  if (!isMap(node)) {
    ctx.error(C.notAMapping, `\`${path || 'workspace'}\` must be a mapping`, node, path);
    return undefined;
  }
  const out = new Map<string, { key: YamlNode; value: YamlNode | null }>();
  for (const item of (node as YAMLMap<YamlNode, YamlNode | null>).items) {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (key === undefined) continue;
    if (!known.includes(key)) {
      const s = closest(key, known);
      ctx.error(C.unknownKey, `unknown key \`${key}\` in \`${path || 'workspace'}\``, item.key as YamlNode, path ? `${path}.${key}` : key, s ? `did you mean \`${s}\`?` : `known keys: ${known.join(', ')}`, 'warning');
      continue;
    }
    out.set(key, { key: item.key as YamlNode, value: item.value });
  }
  return out;
}

function str(ctx: Ctx, f: Map<string, { key: YamlNode; value: YamlNode | null }> | undefined, key: string, path: string, required: boolean, parent?: YamlNode | null): string | undefined {
  const e = f?.get(key);
  const p = path ? `${path}.${key}` : key;
  if (!e || e.value === null || (isScalar(e.value) && (e.value.value === null || e.value.value === ''))) {
    if (required && f) ctx.error(C.missingField, `missing \`${key}\` in \`${path || 'workspace'}\``, e?.key ?? parent, p);
    return undefined;
  }
  if (!isScalar(e.value) || typeof e.value.value === 'object') {
    ctx.error(C.wrongType, `\`${p}\` must be text`, e.value, p);
    return undefined;
  }
  return String(e.value.value);
}

function num(ctx: Ctx, f: Map<string, { key: YamlNode; value: YamlNode | null }> | undefined, key: string, path: string): { value: number; node: YamlNode } | undefined {
  const e = f?.get(key);
  if (!e || e.value === null) return undefined;
  const p = `${path}.${key}`;
  if (!isScalar(e.value) || typeof e.value.value !== 'number' || !Number.isFinite(e.value.value)) {
    ctx.error(C.wrongType, `\`${p}\` must be a number`, e.value, p);
    return undefined;
  }
  return { value: e.value.value, node: e.value };
}

function strList(ctx: Ctx, f: Map<string, { key: YamlNode; value: YamlNode | null }> | undefined, key: string, path: string): string[] {
  const e = f?.get(key);
  if (!e || e.value === null) return [];
  const p = `${path}.${key}`;
  if (isScalar(e.value) && typeof e.value.value === 'string') return [e.value.value];
  if (!isSeq(e.value)) {
    ctx.error(C.wrongType, `\`${p}\` must be a list of text`, e.value, p);
    return [];
  }
  const out: string[] = [];
  e.value.items.forEach((it, i) => {
    if (isScalar(it) && it.value !== null && typeof it.value !== 'object') out.push(String(it.value));
    else ctx.error(C.wrongType, `\`${p}[${i}]\` must be text`, it as YamlNode, `${p}[${i}]`);
  });
  return out;
}

function seq(ctx: Ctx, f: Map<string, { key: YamlNode; value: YamlNode | null }> | undefined, key: string, path: string): YamlNode[] {
  const e = f?.get(key);
  if (!e || e.value === null) return [];
  if (!isSeq(e.value)) {
    ctx.error(C.wrongType, `\`${path ? path + '.' : ''}${key}\` must be a list`, e.value, key);
    return [];
  }
  return e.value.items as YamlNode[];
}

function parseApproved(ctx: Ctx, node: YamlNode, path: string): ApprovedApplication | undefined {
  const f = fields(ctx, node, path, ['name', 'publisher', 'product', 'binary', 'path']);
  if (!f) return undefined;
  const name = str(ctx, f, 'name', path, true, node);
  const publisher = str(ctx, f, 'publisher', path, false);
  const product = str(ctx, f, 'product', path, false);
  const binary = str(ctx, f, 'binary', path, false);
  const p = str(ctx, f, 'path', path, false);
  if (!publisher && !p) ctx.error(C.approvedNeedsMatch, `approved application \`${name ?? '?'}\` needs a \`publisher\` or a \`path\``, node, path, 'name it as AppLocker does: `publisher: O=…, L=…, S=…, C=…` (with `product`) or `path: %PROGRAMFILES%\\App\\*`');
  if (!name) return undefined;
  return { name, ...(publisher ? { publisher } : {}), ...(product ? { product } : {}), ...(binary ? { binary } : {}), ...(p ? { path: p } : {}) };
}

function parseGroup(ctx: Ctx, node: YamlNode, path: string): BusinessGroup | undefined {
  const f = fields(ctx, node, path, ['name', 'description', 'membership', 'approved', 'support']);
  if (!f) return undefined;
  ctx.locations.set(path, ctx.loc(node, path));
  const name = str(ctx, f, 'name', path, true, node);
  const description = str(ctx, f, 'description', path, false);
  const support = str(ctx, f, 'support', path, false);
  const mNode = f.get('membership')?.value;
  const mf = mNode ? fields(ctx, mNode, `${path}.membership`, ['ous', 'names', 'computers']) : undefined;
  const membership = {
    ous: strList(ctx, mf, 'ous', `${path}.membership`),
    namePatterns: strList(ctx, mf, 'names', `${path}.membership`),
    computers: strList(ctx, mf, 'computers', `${path}.membership`),
  };
  if (!membership.ous.length && !membership.namePatterns.length && !membership.computers.length) {
    ctx.error(C.emptyMembership, `group \`${name ?? '?'}\` has no members: give \`membership.ous\`, \`membership.names\` or \`membership.computers\``, mNode ?? node, `${path}.membership`);
  }
  const approved = seq(ctx, f, 'approved', path).map((n, i) => parseApproved(ctx, n, `${path}.approved[${i}]`)).filter((a): a is ApprovedApplication => !!a);
  if (!name) return undefined;
  return { name, ...(description ? { description } : {}), membership, approved, ...(support ? { support } : {}) };
}

const MODES: readonly EnforcementMode[] = ['NotConfigured', 'AuditOnly', 'Enabled'];

function parseGpo(ctx: Ctx, node: YamlNode, path: string): Gpo | undefined {
  const f = fields(ctx, node, path, ['name', 'guid', 'policy', 'links', 'enforcement']);
  if (!f) return undefined;
  ctx.locations.set(path, ctx.loc(node, path));
  const name = str(ctx, f, 'name', path, true, node);
  const guid = str(ctx, f, 'guid', path, true, node);
  const policy = str(ctx, f, 'policy', path, true, node);
  if (f.get('guid')) ctx.locations.set(`${path}.guid`, ctx.loc(f.get('guid')!.value, `${path}.guid`));
  const links: GpoLink[] = [];
  seq(ctx, f, 'links', path).forEach((n, i) => {
    const lp = `${path}.links[${i}]`;
    ctx.locations.set(lp, ctx.loc(n, lp));
    if (isScalar(n) && typeof n.value === 'string') { links.push({ target: n.value, order: i + 1 }); return; }
    const lf = fields(ctx, n, lp, ['target', 'order', 'enforced']);
    const target = str(ctx, lf, 'target', lp, true, n);
    const order = num(ctx, lf, 'order', lp);
    if (order && (!Number.isInteger(order.value) || order.value < 1)) ctx.error(C.invalidLinkOrder, `link order \`${order.value}\` must be a whole number from 1`, order.node, `${lp}.order`, 'link order 1 is the highest precedence (as in the Group Policy console)');
    const enf = lf?.get('enforced')?.value;
    const enforced = isScalar(enf) && enf.value === true;
    if (enf && !(isScalar(enf) && typeof enf.value === 'boolean')) ctx.error(C.wrongType, `\`${lp}.enforced\` must be \`true\` or \`false\``, enf, `${lp}.enforced`);
    if (target) links.push({ target, order: order?.value ?? 1, ...(enforced ? { enforced } : {}) });
  });
  const enforcement: Partial<Record<RuleCollectionType, EnforcementMode>> = {};
  const en = f.get('enforcement')?.value;
  if (en) {
    const ef = fields(ctx, en, `${path}.enforcement`, RULE_COLLECTION_TYPES);
    for (const [k, v] of ef ?? []) {
      const mode = isScalar(v.value) ? String(v.value.value) : '';
      const m = MODES.find((x) => x.toLowerCase() === mode.toLowerCase());
      if (!m) ctx.error(C.invalidMode, `unknown enforcement mode \`${mode}\` for \`${k}\``, v.value ?? v.key, `${path}.enforcement.${k}`, `use one of ${MODES.map((x) => `\`${x}\``).join(', ')}`);
      else enforcement[k as RuleCollectionType] = m;
    }
  }
  if (!name || !guid || !policy) return undefined;
  return { name, guid, policy, links, enforcement };
}

function parseThresholds(ctx: Ctx, node: YamlNode | null | undefined): ReadinessThresholds {
  if (!node) return DEFAULT_THRESHOLDS;
  const path = 'readiness';
  const f = fields(ctx, node, path, ['minDays', 'minReportingShare', 'maxApprovedBlocked', 'maxAdminBlocked', 'maxWouldBlock', 'silentDays', 'maxLostRecords', 'maxLogClears', 'plateauDays', 'plateauMaxNewFiles']);
  const get = (key: string, lo: number, hi: number, intOnly: boolean): number | undefined => {
    const v = num(ctx, f, key, path);
    if (!v) return undefined;
    if (v.value < lo || v.value > hi || (intOnly && !Number.isInteger(v.value))) {
      ctx.error(C.invalidThreshold, `\`${path}.${key}\` is \`${v.value}\`; it must be ${intOnly ? 'a whole number ' : ''}from ${lo} to ${hi}`, v.node, `${path}.${key}`, key === 'minReportingShare' ? 'a share, e.g. `0.8` for 80 %' : undefined);
      return undefined;
    }
    return v.value;
  };
  const maxWouldBlock = get('maxWouldBlock', 0, Number.MAX_SAFE_INTEGER, true) ?? DEFAULT_THRESHOLDS.maxWouldBlock;
  return {
    minDays: get('minDays', 1, 3650, true) ?? DEFAULT_THRESHOLDS.minDays,
    minReportingShare: get('minReportingShare', 0, 1, false) ?? DEFAULT_THRESHOLDS.minReportingShare,
    maxApprovedBlocked: get('maxApprovedBlocked', 0, Number.MAX_SAFE_INTEGER, true) ?? DEFAULT_THRESHOLDS.maxApprovedBlocked,
    maxAdminBlocked: get('maxAdminBlocked', 0, Number.MAX_SAFE_INTEGER, true) ?? DEFAULT_THRESHOLDS.maxAdminBlocked,
    ...(maxWouldBlock !== undefined ? { maxWouldBlock } : {}),
    silentDays: get('silentDays', 0, 3650, true) ?? DEFAULT_THRESHOLDS.silentDays,
    maxLostRecords: get('maxLostRecords', 0, Number.MAX_SAFE_INTEGER, true) ?? DEFAULT_THRESHOLDS.maxLostRecords,
    maxLogClears: get('maxLogClears', 0, Number.MAX_SAFE_INTEGER, true) ?? DEFAULT_THRESHOLDS.maxLogClears,
    plateauDays: get('plateauDays', 1, 3650, true) ?? DEFAULT_THRESHOLDS.plateauDays,
    plateauMaxNewFiles: get('plateauMaxNewFiles', 0, Number.MAX_SAFE_INTEGER, true) ?? DEFAULT_THRESHOLDS.plateauMaxNewFiles,
  };
}

function parseCollection(ctx: Ctx, node: YamlNode | null | undefined): EventCollectionPlan {
  const f = node ? fields(ctx, node, 'collection', ['channels', 'subscription', 'retentionDays']) : undefined;
  const subscription = str(ctx, f, 'subscription', 'collection', false);
  const r = num(ctx, f, 'retentionDays', 'collection');
  if (r && (r.value < 1 || !Number.isInteger(r.value))) ctx.error(C.invalidThreshold, `\`collection.retentionDays\` must be a whole number of days from 1`, r.node, 'collection.retentionDays');
  return { channels: strList(ctx, f, 'channels', 'collection'), ...(subscription ? { subscription } : {}), retentionDays: r?.value ?? 90 };
}

const TOP_KEYS = ['version', 'name', 'domain', 'store', 'inventory', 'administrators', 'principals', 'blockInheritance', 'suggest', 'groups', 'gpos', 'collection', 'readiness', 'monitor'] as const;

const ALERT_KINDS = ['threshold', 'spike', 'approved-blocked'] as const;

/** `monitor: alerts: [{ kind: threshold|spike|approved-blocked, … }]` (issue 14); missing fields take the defaults. */
function parseMonitor(ctx: Ctx, node: YamlNode | null | undefined): MonitorSettings | undefined {
  if (!node) return undefined;
  const f = fields(ctx, node, 'monitor', ['alerts']);
  const alerts: AlertRule[] = [];
  seq(ctx, f, 'alerts', 'monitor').forEach((n, i) => {
    const path = `monitor.alerts[${i}]`;
    const a = fields(ctx, n, path, ['kind', 'name', 'blocksPerDay', 'factor', 'baselineDays', 'minBlocks']);
    if (!a) return;
    const kind = str(ctx, a, 'kind', path, true, n);
    const name = str(ctx, a, 'name', path, false);
    const k = ALERT_KINDS.find((x) => x === kind);
    if (!k) {
      if (kind !== undefined) ctx.error(C.wrongType, `unknown alert kind \`${kind}\``, a.get('kind')?.value, `${path}.kind`, `use one of ${ALERT_KINDS.map((x) => `\`${x}\``).join(', ')}`);
      return;
    }
    const pos = (key: string, fallback: number, intOnly: boolean): number => {
      const v = num(ctx, a, key, path);
      if (!v) return fallback;
      if (v.value <= 0 || (intOnly && !Number.isInteger(v.value))) {
        ctx.error(C.invalidThreshold, `\`${path}.${key}\` is \`${v.value}\`; it must be ${intOnly ? 'a whole number ' : 'a number '}above 0`, v.node, `${path}.${key}`);
        return fallback;
      }
      return v.value;
    };
    const named = name ? { name } : {};
    if (k === 'threshold') alerts.push({ kind: k, ...named, blocksPerDay: pos('blocksPerDay', 50, true) });
    else if (k === 'spike') alerts.push({ kind: k, ...named, factor: pos('factor', 3, false), baselineDays: pos('baselineDays', 7, true), minBlocks: pos('minBlocks', 10, true) });
    else alerts.push({ kind: k, ...named });
  });
  return { alerts };
}

const VERSION_FLOORS: readonly VersionFloor[] = ['lowest-seen', 'exact', 'any'];

function parseSuggest(ctx: Ctx, node: YamlNode | null | undefined): SuggestOptions {
  if (!node) return DEFAULT_SUGGEST;
  const f = fields(ctx, node, 'suggest', ['versionFloor']);
  const v = str(ctx, f, 'versionFloor', 'suggest', false);
  if (v === undefined) return DEFAULT_SUGGEST;
  const m = VERSION_FLOORS.find((x) => x === v.toLowerCase());
  if (!m) {
    ctx.error(C.wrongType, `unknown version floor \`${v}\``, f?.get('versionFloor')?.value, 'suggest.versionFloor', `use one of ${VERSION_FLOORS.map((x) => `\`${x}\``).join(', ')}`);
    return DEFAULT_SUGGEST;
  }
  return { versionFloor: m };
}

/**
 * Parses and validates a workspace. `ok:false` only when no model can be built (YAML syntax, not a
 * mapping, a missing required field); warnings (unknown keys) never fail it.
 * @example parseWorkspace(readFileSync('lockstep.yaml', 'utf8'), { file: 'lockstep.yaml' })
 */
export function parseWorkspace(text: string, opts: { file?: string } = {}): Result<Workspace> {
  const lc = new LineCounter();
  const ctx = new Ctx(opts.file, lc);
  if (text.length > MAX_WORKSPACE_BYTES) {
    return fail([{ code: C.tooLarge, severity: 'error', message: `workspace file is ${text.length} bytes; the limit is ${MAX_WORKSPACE_BYTES}`, location: { kind: 'text', ...(opts.file ? { file: opts.file } : {}), line: 1, column: 1 } }]);
  }
  // The yaml library spends ~5 µs per line even on blank ones: a fuzzed file of a million empty lines took
  // 6 s (issue 12). A real lockstep.yaml has a few thousand lines at most.
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines <= MAX_WORKSPACE_LINES; i = text.indexOf('\n', i + 1)) lines++;
  if (lines > MAX_WORKSPACE_LINES) {
    return fail([{ code: C.tooLarge, severity: 'error', message: `workspace file has more than ${MAX_WORKSPACE_LINES} lines`, location: { kind: 'text', ...(opts.file ? { file: opts.file } : {}), line: MAX_WORKSPACE_LINES + 1, column: 1 }, help: 'split the plan, or remove blank lines' }]);
  }
  // maxAliasCount bounds alias expansion ("billion laughs" in YAML)
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, maxAliasCount: 100 } as Parameters<typeof parseDocument>[1]);
  for (const e of doc.errors) {
    const p = lc.linePos(e.pos[0]);
    ctx.bag.add({ code: C.yamlSyntax, severity: 'error', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').toLowerCase(), location: { kind: 'text', ...(opts.file ? { file: opts.file } : {}), line: p.line, column: p.col } });
  }
  if (doc.errors.length) return fail(ctx.bag.sorted());
  const root = doc.contents as YamlNode | null;
  const f = fields(ctx, root, '', TOP_KEYS);
  if (!f) return fail(ctx.bag.sorted());
  const versionNode = f.get('version')?.value;
  if (versionNode && !(isScalar(versionNode) && versionNode.value === 1)) {
    ctx.error(C.unsupportedVersion, `unsupported workspace version \`${isScalar(versionNode) ? String(versionNode.value) : '?'}\``, versionNode, 'version', 'this Lockstep reads `version: 1`');
  }
  const name = str(ctx, f, 'name', '', true, root) ?? '';
  const domain = str(ctx, f, 'domain', '', false);
  const store = str(ctx, f, 'store', '', false) ?? DEFAULT_STORE;
  if (f.get('store')) ctx.locations.set('store', ctx.loc(f.get('store')!.value, 'store'));
  if (f.get('inventory')) ctx.locations.set('inventory', ctx.loc(f.get('inventory')!.value, 'inventory'));
  const inventory = str(ctx, f, 'inventory', '', false);
  const administrators = strList(ctx, f, 'administrators', '');
  if (f.get('administrators')) ctx.locations.set('administrators', ctx.loc(f.get('administrators')!.value, 'administrators'));
  const principalsNode = f.get('principals')?.value;
  const principals = strList(ctx, f, 'principals', '');
  if (principalsNode) ctx.locations.set('principals', ctx.loc(principalsNode, 'principals'));
  const blockInheritance = strList(ctx, f, 'blockInheritance', '');
  const suggest = parseSuggest(ctx, f.get('suggest')?.value);
  const groups = seq(ctx, f, 'groups', '').map((n, i) => parseGroup(ctx, n, `groups[${i}]`)).filter((g): g is BusinessGroup => !!g);
  const gpos = seq(ctx, f, 'gpos', '').map((n, i) => parseGpo(ctx, n, `gpos[${i}]`)).filter((g): g is Gpo => !!g);
  const collection = parseCollection(ctx, f.get('collection')?.value);
  const readiness = parseThresholds(ctx, f.get('readiness')?.value);
  const monitor = parseMonitor(ctx, f.get('monitor')?.value);
  const ws: Workspace = {
    version: 1, name, ...(domain ? { domain } : {}), store, ...(inventory ? { inventory } : {}), administrators,
    ...(principals.length ? { principals } : {}), ...(blockInheritance.length ? { blockInheritance } : {}), ...(f.get('suggest') ? { suggest } : {}), groups, gpos, collection, readiness, ...(monitor ? { monitor } : {}), locations: ctx.locations,
  };
  ctx.bag.addAll(validateWorkspace(ws, opts.file));
  const diags = ctx.bag.sorted();
  return diags.some((d) => d.severity === 'error') ? fail(diags) : ok(ws, diags);
}

/**
 * Reads the machines inventory CSV: a header with `name` and `ou` columns (any order, case-insensitive),
 * `#` comment lines, quoted fields with `""` escapes. Every bad row is reported with its line.
 */
export function parseInventory(text: string, opts: { file?: string } = {}): Result<Machine[]> {
  const bag = new DiagnosticBag();
  const at = (line: number, column = 1): TextLocation => ({ kind: 'text', ...(opts.file ? { file: opts.file } : {}), line, column });
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  let nameIdx = -1, ouIdx = -1;
  const out: Machine[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim() || raw.trimStart().startsWith('#')) continue;
    const cells = splitCsvLine(raw);
    if (!header) {
      header = cells.map((c) => c.trim().toLowerCase());
      nameIdx = header.indexOf('name');
      ouIdx = header.indexOf('ou');
      if (nameIdx < 0 || ouIdx < 0) {
        bag.add({ code: C.inventoryHeader, severity: 'error', message: `the inventory header must name the columns \`name\` and \`ou\`; found \`${raw.trim()}\``, location: at(i + 1), help: 'first line: `name,ou`' });
        return fail(bag.sorted());
      }
      continue;
    }
    if (out.length >= MAX_INVENTORY_ROWS) {
      bag.add({ code: C.inventoryRow, severity: 'error', message: `more than ${MAX_INVENTORY_ROWS} machines; the rest are ignored`, location: at(i + 1) });
      break;
    }
    const name = cells[nameIdx]?.trim() ?? '';
    const ou = cells[ouIdx]?.trim() ?? '';
    if (!name || !ou) {
      bag.add({ code: C.inventoryRow, severity: 'error', message: `row has no ${!name ? '`name`' : '`ou`'}: \`${raw.trim()}\``, location: at(i + 1) });
      continue;
    }
    const key = name.toUpperCase();
    if (seen.has(key)) {
      bag.add({ code: C.inventoryDuplicate, severity: 'warning', message: `machine \`${name}\` is listed again (first on line ${seen.get(key)})`, location: at(i + 1) });
      continue;
    }
    seen.set(key, i + 1);
    out.push({ name, ou });
  }
  if (!header) bag.add({ code: C.inventoryHeader, severity: 'error', message: 'the inventory is empty', location: at(1), help: 'first line: `name,ou`' });
  const diags = bag.sorted();
  return header ? ok(out, diags) : fail(diags);
}

export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}
