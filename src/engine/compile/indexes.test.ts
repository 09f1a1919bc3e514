/** Stages hash-index, publisher-index, path-matchers and sid-table, each on its own. */
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../policy/model.js';
import { DEFAULT_ENVIRONMENT } from '../environment.js';
import { administrator, standardUser } from '../principal.js';
import { compileRules, type CompiledRule } from './compiled-rule.js';
import { buildHashIndex, probeHashIndex } from './hash-index.js';
import { stringKey } from './path-key.js';
import { buildPathMatchers, probePathMatchers } from './path-matchers.js';
import { COMPILE_STAGES } from './pipeline.js';
import { fileContentKey, prepareFile, PreparedFileMemo } from './prepared-file.js';
import { buildPublisherIndex, probePublisherIndex } from './publisher-index.js';
import { SID_ALLOW, SID_ALLOW_EXE, SID_DENY, SidTable } from './sid-table.js';

const base = { description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow' as const };
const rules: Rule[] = [
  { ...base, id: 'h1', name: 'hash', kind: 'FileHashRule', condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: '0xAB' }, { type: 'SHA1', data: '0xcd' }] } },
  { ...base, id: 'p1', name: 'pub', kind: 'FilePublisherRule', exceptions: [], condition: { kind: 'FilePublisherCondition', publisherName: 'O=A', productName: '*', binaryName: 'X*', binaryVersionRange: { lowSection: '2.0.0.0', highSection: '*' } } },
  { ...base, id: 'p2', name: 'any signed', kind: 'FilePublisherRule', exceptions: [], condition: { kind: 'FilePublisherCondition', publisherName: '*', productName: '*', binaryName: '*' } },
  { ...base, id: 'f1', name: 'folder', kind: 'FilePathRule', exceptions: [], condition: { kind: 'FilePathCondition', path: '%PROGRAMFILES%\\App\\*' } },
  { ...base, id: 'f2', name: 'exact', kind: 'FilePathRule', exceptions: [], condition: { kind: 'FilePathCondition', path: 'C:\\X\\a.exe' } },
  { ...base, id: 'f3', name: 'generic', kind: 'FilePathRule', exceptions: [], condition: { kind: 'FilePathCondition', path: '*\\TEMP\\*' } },
  { ...base, id: 'f4', name: 'all', kind: 'FilePathRule', exceptions: [], condition: { kind: 'FilePathCondition', path: '*' } },
];
const compiled = compileRules(rules, DEFAULT_ENVIRONMENT, new SidTable(), 'Exe', []);
const ids = (out: CompiledRule[]): string[] => out.map((r) => r.decidingRule.id);

describe('compile stages', () => {
  it('are listed in spec order', () => {
    expect(COMPILE_STAGES).toEqual(['sid-table', 'rules', 'path-variables', 'hash-index', 'publisher-index', 'path-matchers']);
  });

  it('hash-index finds a rule under each of its hashes, per type, ignoring case and 0x', () => {
    const idx = buildHashIndex(rules, compiled);
    expect(idx.size).toBe(2);
    const out: CompiledRule[] = [];
    probeHashIndex(idx, prepareFile({ path: 'C:\\a.exe', hashes: { SHA1: 'CD' } }, DEFAULT_ENVIRONMENT), out);
    probeHashIndex(idx, prepareFile({ path: 'C:\\a.exe', hashes: { SHA256: 'ab' } }, DEFAULT_ENVIRONMENT), out);
    probeHashIndex(idx, prepareFile({ path: 'C:\\a.exe', hashes: { SHA256Flat: 'AB' } }, DEFAULT_ENVIRONMENT), out);
    expect(ids(out)).toEqual(['h1', 'h1']);
  });

  it('publisher-index keys by publisher and confirms product, binary and version', () => {
    const idx = buildPublisherIndex(rules, compiled, 'Exe', []);
    expect([...idx.byName.keys()]).toEqual(['O=A']);
    const probe = (binaryVersion: string, binaryName = 'XYZ.EXE'): string[] => {
      const out: CompiledRule[] = [];
      probePublisherIndex(idx, prepareFile({ path: 'C:\\a.exe', hashes: {}, publisher: { publisherName: 'o=a', productName: 'P', binaryName, binaryVersion } }, DEFAULT_ENVIRONMENT), out);
      return ids(out);
    };
    expect(probe('2.0.0.0')).toEqual(['p1', 'p2']);
    expect(probe('1.9.0.0')).toEqual(['p2']);
    expect(probe('3.0.0.0', 'Y.EXE')).toEqual(['p2']);
  });

  it('publisher-index reports an unparsable bound and the rule never matches', () => {
    const diags: import('../../diag/index.js').Diagnostic[] = [];
    const bad: Rule[] = [{ ...base, id: 'b', name: 'bad', kind: 'FilePublisherRule', exceptions: [], condition: { kind: 'FilePublisherCondition', publisherName: '*', productName: '*', binaryName: '*', binaryVersionRange: { lowSection: '1.2.x', highSection: '*' } } }];
    const idx = buildPublisherIndex(bad, compileRules(bad, DEFAULT_ENVIRONMENT, new SidTable(), 'Exe', []), 'Exe', diags);
    expect(diags.map((d) => d.code)).toEqual(['engine.compile.invalid-version']);
    const out: CompiledRule[] = [];
    probePublisherIndex(idx, prepareFile({ path: 'C:\\a.exe', hashes: {}, publisher: { publisherName: 'O', productName: 'P', binaryName: 'B', binaryVersion: '1.0.0.0' } }, DEFAULT_ENVIRONMENT), out);
    expect(out).toEqual([]);
  });

  it('path-matchers sorts patterns into exact, directory and segment indexes', () => {
    const m = buildPathMatchers(rules, compiled, DEFAULT_ENVIRONMENT);
    expect([...m.exact.keys()]).toEqual(['C:\\X\\A.EXE'].map(stringKey));
    expect([...m.byDir.keys()]).toEqual(['C:\\PROGRAM FILES\\APP\\', 'C:\\PROGRAM FILES (X86)\\APP\\'].map(stringKey));
    expect([...m.bySegment.keys()]).toEqual(['TEMP'].map(stringKey));
    expect(m.generic.length).toBe(0);
    expect(m.everything.length).toBe(1);
    const probe = (path: string): string[] => {
      const out: CompiledRule[] = [];
      probePathMatchers(m, prepareFile({ path, hashes: {} }, DEFAULT_ENVIRONMENT), out);
      return ids(out).sort();
    };
    expect(probe('C:\\Program Files (x86)\\App\\sub\\a.exe')).toEqual(['f1', 'f4']);
    expect(probe('c:\\x\\A.exe')).toEqual(['f2', 'f4']);
    expect(probe('D:\\Temp\\a.exe')).toEqual(['f3', 'f4']);
  });

  it('sid-table flags allow/deny applicability per principal, Exe using the elevated token', () => {
    const t = new SidTable();
    const admins = t.intern('s-1-5-32-544');
    const users = t.intern('S-1-5-32-545');
    const unelevated = administrator(undefined, [], { elevated: false });
    const f = t.flagsFor(unelevated);
    expect(f[users]! & SID_ALLOW).toBeTruthy();
    expect(f[admins]! & SID_ALLOW).toBe(0);
    expect(f[admins]! & SID_DENY).toBeTruthy();
    expect(f[admins]! & SID_ALLOW_EXE).toBeTruthy();
    expect(t.flagsFor(standardUser())[admins]).toBe(0);
    expect(t.flagsFor(unelevated)).toBe(f);
  });
});

describe('prepared-file memo and principal SID-set ids (runtime caches)', () => {
  it('keys files by every field the engine reads, so different content never shares a prepared form', () => {
    const a = { path: 'C:\\A\\b.exe', hashes: { SHA256: 'AA' }, publisher: { publisherName: 'O=X', productName: 'P', binaryName: 'B.EXE', binaryVersion: '1.0.0.0' } };
    const variants = [
      { ...a, path: 'C:\\A\\c.exe' }, { ...a, uncPath: '\\\\S\\A\\b.exe' }, { ...a, hashes: { SHA256: 'AB' } }, { ...a, hashes: { SHA1: 'AA' } },
      { ...a, publisher: { ...a.publisher, binaryVersion: '1.0.0.1' } }, { ...a, publisher: { ...a.publisher, productName: 'PB' } },
      { path: a.path, hashes: a.hashes }, { ...a, collection: 'Dll' as const }, { ...a, isPackagedApp: true }, { ...a, isPackagedApp: false },
      { ...a, packagedAppActivity: 'Deployment' as const },
      // Field boundaries cannot be forged by moving text between fields.
      { ...a, publisher: { ...a.publisher, publisherName: 'O=XP', productName: '' } },
    ];
    const keys = new Set(variants.map(fileContentKey));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(fileContentKey(a))).toBe(false);
    const memo = new PreparedFileMemo(DEFAULT_ENVIRONMENT, 4);
    const p1 = memo.prepare(a);
    expect(memo.prepare(structuredClone(a))).toBe(p1);
    for (const v of variants) expect(memo.prepare(v)).not.toBe(p1);
    expect(memo.hits).toBe(1);
    // The memo keeps its own copy of the fields: a caller mutating its object gets a fresh preparation.
    const m = structuredClone(a) as { path: string };
    const before = memo.prepare(m as typeof a);
    m.path = 'C:\\Other\\b.exe';
    const after = memo.prepare(m as typeof a);
    expect(after).not.toBe(before);
    expect(after.path).toBe('C:\\OTHER\\B.EXE');
  });

  it('gives principals with the same applicability the same SID-set id', () => {
    const t = new SidTable();
    t.intern('S-1-1-0');
    t.intern('S-1-5-32-544');
    const a = t.resolve(standardUser());
    expect(t.resolve(standardUser('S-1-5-21-9-9-9-1234')).id).toBe(a.id);
    expect(t.resolve(administrator()).id).not.toBe(a.id);
  });
});
