/**
 * Every AppLocker policy in ../shared/corpus (MANIFEST §a): parses with exactly the documented diagnostics,
 * round-trips, formats idempotently, matches its golden canonical output, and differs from the original
 * file only in layout and comments (Windows' own exports come back byte-identical). The negatives fail
 * with their specific codes. Regenerate goldens with `UPDATE_GOLDEN=1 npx vitest run src/policy/xml/corpus.test.ts`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusSkipReason, hasCorpus, policies, readCorpus } from '../../../test-support/corpus.js';
import { buildXmlTree, encodePolicy, formatOptionsOf, parsePolicy, serializePolicy, type ParsedPolicy, type XmlElement } from '../index.js';

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

type Key = keyof typeof policies;

/** What each positive sample must give: root kind, encoding, rule counts per collection and diagnostic codes. */
const expected: Partial<Record<Key, { root: ParsedPolicy['root']; encoding: ParsedPolicy['encoding']; bom: boolean; collections: string; codes: Record<string, number> }>> = {
  nsaStarter: { root: 'AppLockerPolicy', encoding: 'utf-8', bom: true, collections: 'Dll:19 Exe:110 Msi:2 Script:11 Appx:1', codes: {} },
  wdacExecutable: { root: 'AppLockerPolicy', encoding: 'utf-8', bom: false, collections: 'Exe:79', codes: {} },
  wdacMsiFragment: { root: 'RuleCollection', encoding: 'utf-8', bom: false, collections: 'Msi:1', codes: {} },
  wdacAppx: { root: 'AppLockerPolicy', encoding: 'utf-8', bom: false, collections: 'Appx:3', codes: {} },
  wdacScriptFragment: { root: 'RuleCollection', encoding: 'utf-8', bom: false, collections: 'Script:10', codes: {} },
  aaronChrome: { root: 'AppLockerPolicy', encoding: 'utf-16le', bom: true, collections: 'Dll:2', codes: {} },
  aaronOldBginfo: { root: 'AppLockerPolicy', encoding: 'utf-8', bom: false, collections: 'Exe:1', codes: {} },
  aaronOneDrive1607: { root: 'AppLockerPolicy', encoding: 'utf-16le', bom: true, collections: 'Dll:7 Script:1 Exe:3', codes: {} },
  aaronOneDrive1803: { root: 'AppLockerPolicy', encoding: 'utf-16le', bom: true, collections: 'Dll:8 Exe:2 Script:1', codes: {} },
  // The template's <PLACEHOLDER_…/> elements sit where its script splices exceptions in (MANIFEST: "not loadable as-is").
  aaronTemplate: { root: 'AppLockerPolicy', encoding: 'utf-16le', bom: true, collections: 'Exe:3 Msi:3 Script:3 Dll:6 Appx:1', codes: { 'policy.validate.placeholder': 7 } },
};

const negatives: Partial<Record<Key, string[]>> = {
  wdacSiPolicy: ['policy.xml.wdac-policy'],
  // Free text before the <QueryList>: not well-formed, and recognised as an event query.
  nsaWefQuery: ['policy.xml.malformed', 'policy.xml.not-a-policy'],
  nsaMetaView: ['policy.xml.not-a-policy'],
  nsaCustomView: ['policy.xml.not-a-policy'],
};

/** Hand-edited files whose attributes are not in Windows' order (all others match line for line). */
const attributeOrderDiffers: Key[] = ['nsaStarter', 'aaronTemplate'];

/** Windows exports that `fmt` must leave byte-identical (our canonical form is theirs). */
const byteIdentical: Key[] = ['wdacAppx', 'aaronOldBginfo'];

function countCodes(ds: readonly { code: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of ds) out[d.code] = (out[d.code] ?? 0) + 1;
  return out;
}

function parseOk(bytes: Uint8Array | string, file: string): ParsedPolicy {
  const r = parsePolicy(bytes, { file });
  if (!r.ok) throw new Error(`${file}: ${r.diagnostics.map((d) => d.code).join(', ')}`);
  return r.value;
}

/** The file's lines without comments, indentation or blank lines: what is left when layout is ignored. */
function contentLines(xml: string): string[] {
  return xml.replace(/^\uFEFF/, '').replace(/<!--[\s\S]*?-->/g, '').replace(/^<\?xml[^>]*\?>/, '')
    .split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

/** Elements in document order with sorted attributes (saxes' view of the file), minus template placeholders. */
function flatten(xml: string): string[] {
  const out: string[] = [];
  const walk = (el: XmlElement): void => {
    if (el.name.startsWith('PLACEHOLDER_')) return;
    const kids = el.children.filter((c) => !c.name.startsWith('PLACEHOLDER_'));
    if (el.name === 'Exceptions' && kids.length === 0) return;
    out.push(`<${el.name}${[...el.attributes].sort((a, b) => a.name.localeCompare(b.name)).map((a) => ` ${a.name}=${JSON.stringify(a.value)}`).join('')}>${el.text.trim()}`);
    kids.forEach(walk);
  };
  const t = buildXmlTree(xml.replace(/^\uFEFF/, ''));
  if (t.root) walk(t.root);
  return out;
}

function decode(bytes: Uint8Array, p: ParsedPolicy): string {
  return new TextDecoder(p.encoding).decode(bytes);
}

describe.skipIf(!hasCorpus)(`corpus policies${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  for (const [key, want] of Object.entries(expected) as [Key, NonNullable<(typeof expected)[Key]>][]) {
    describe(key, () => {
      const bytes = readCorpus(policies[key]);
      const parsed = parseOk(bytes, key);

      it('parses with exactly the documented diagnostics', () => {
        expect(parsed.root).toBe(want.root);
        expect(parsed.encoding).toBe(want.encoding);
        expect(parsed.bom).toBe(want.bom);
        expect(parsed.policy.ruleCollections.map((c) => `${c.type}:${c.rules.length}`).join(' ')).toBe(want.collections);
        const r = parsePolicy(bytes, { file: key });
        expect(countCodes(r.diagnostics)).toEqual(want.codes);
        for (const d of r.diagnostics) {
          expect(d.location?.kind === 'text' && d.location.file === key && d.location.line > 0 && !!d.location.path).toBe(true);
          expect(d.help).toBeTruthy();
        }
      });

      it('round-trips: parse(serialize(parse(x))) deep-equals parse(x)', () => {
        for (const style of ['pretty', 'compact'] as const) {
          const text = serializePolicy(parsed.policy, { style, root: parsed.root });
          expect(parseOk(text, key).policy).toEqual(parsed.policy);
        }
        const bytes2 = encodePolicy(parsed.policy, formatOptionsOf(parsed));
        const again = parseOk(bytes2, key);
        expect(again.policy).toEqual(parsed.policy);
        expect([again.root, again.encoding, again.bom, again.newline]).toEqual([parsed.root, parsed.encoding, parsed.bom, parsed.newline]);
      });

      it('fmt is idempotent and byte-faithful', () => {
        const once = encodePolicy(parsed.policy, formatOptionsOf(parsed));
        const p2 = parseOk(once, key);
        const twice = encodePolicy(p2.policy, formatOptionsOf(p2));
        expect(Buffer.from(twice).equals(Buffer.from(once))).toBe(true);
      });

      it('differs from the original only in layout, comments and attribute order', () => {
        const canonical = serializePolicy(parsed.policy, { root: parsed.root, newline: parsed.newline });
        // AaronLocker's template placeholders are dropped from the model (reported as errors instead),
        // which leaves their <Exceptions> empty, and an empty <Exceptions> is not written.
        expect(flatten(canonical)).toEqual(flatten(decode(bytes, parsed)));
        if (!attributeOrderDiffers.includes(key)) expect(contentLines(canonical)).toEqual(contentLines(decode(bytes, parsed)));
        if (byteIdentical.includes(key)) expect(Buffer.from(encodePolicy(parsed.policy, formatOptionsOf(parsed))).equals(bytes)).toBe(true);
      });

      it('matches its golden canonical output', () => {
        const golden = join(goldenDir, `${key}.xml.golden`);
        const text = serializePolicy(parsed.policy, { root: parsed.root, newline: 'lf' }) + '\n';
        if (update || !existsSync(golden)) {
          if (!update) throw new Error(`missing golden ${golden}: run with UPDATE_GOLDEN=1 and review it`);
          mkdirSync(goldenDir, { recursive: true });
          writeFileSync(golden, text);
        }
        expect(text).toBe(readFileSync(golden, 'utf8'));
      });
    });
  }

  for (const [key, codes] of Object.entries(negatives) as [Key, string[]][]) {
    it(`${key} is refused with ${codes.join(' + ')}`, () => {
      const r = parsePolicy(readCorpus(policies[key]), { file: key });
      expect(r.ok).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toEqual(codes);
      const last = r.diagnostics[r.diagnostics.length - 1]!;
      expect(last.message).toMatch(key === 'wdacSiPolicy' ? /WDAC App Control policy/ : key === 'nsaWefQuery' ? /event query/ : /Event Viewer custom view/);
    });
  }

  it('covers every policy accessor', () => {
    expect(Object.keys(policies).sort()).toEqual([...Object.keys(expected), ...Object.keys(negatives)].sort());
  });
});
