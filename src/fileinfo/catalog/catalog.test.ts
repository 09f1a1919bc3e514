/**
 * Catalog signatures end to end (issue 16 item 1).
 * Real data: jsign's `wineyes.cat` (ebourg/jsign, jsign-core/src/test/resources/cat/wineyes.cat — a real
 * makecat-format catalog, unsigned) lists the corpus's wineyes.exe by its Authenticode SHA-256.
 * Signed catalog: makecat does not exist on Linux, so the recipe is — take wineyes.cat's CTL (the bytes a
 * catalog signature covers), replace its SHA-256 member digest by the Authenticode SHA-256 of the mingw-built
 * hello.exe fixture (same length: the rest of the DER is untouched), and sign that CTL with
 * `openssl cms -sign -econtent_type 1.3.6.1.4.1.311.10.1` by the throw-away code-signing certificate
 * (test-support/authenticode-fixtures.ts). The result is a catalog Windows' format readers accept.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HELLO_PUBLISHER, cleanupSignedFixtures, fixtureSkipReason, hasFixtureTools, signedFixtures } from '../../../test-support/authenticode-fixtures.js';
import { runCliInProcess as run } from '../../../test-support/cli.js';
import { authenticodeSamples as S, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { generateRules } from '../../policy/index.js';
import { identifyFile } from '../identify.js';
import { buildCatalogIndex, lookupCatalog } from './index.js';

afterAll(cleanupSignedFixtures);

const WINEYES_MEMBER = '7BB369DF020CEA757619E1C1D678DBCA06B638F2CC45B740B5EACFC21E76B160';

describe.skipIf(!hasCorpus)(`a real catalog: jsign's wineyes.cat${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  it('lists wineyes.exe; the catalog is unsigned, so the file stays without a publisher and says why', async () => {
    const { index, diagnostics } = await buildCatalogIndex([{ name: 'wineyes.cat', bytes: readCorpus(S.wineyesCat) }]);
    expect(diagnostics).toEqual([]);
    expect(index).toMatchObject({ catalogs: 1, signedCatalogs: 0 });
    expect(lookupCatalog(index, { sha256: WINEYES_MEMBER.toLowerCase() })).toEqual({ catalog: 'wineyes.cat' });
    const exe = new Uint8Array(readCorpus(S.wineyes));
    const id = await identifyFile({ path: 'wineyes.exe', bytes: exe, catalogs: index });
    if (!id.ok) throw new Error('identify failed');
    expect(id.value.signature).toBe('NotSigned');
    expect(id.value.catalog).toEqual({ catalog: 'wineyes.cat' });
    expect(id.value.reasons[0]).toContain('listed in catalog `wineyes.cat`, which is not signed');
    expect(id.value.info.publisher).toBeUndefined();
  });

  it('a file that is not a catalog is reported, not thrown', async () => {
    const { index, diagnostics } = await buildCatalogIndex([{ name: 'junk.cat', bytes: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }]);
    expect(index.catalogs).toBe(0);
    expect(diagnostics[0]!.code).toBe('fileinfo.catalog.unreadable');
  });
});

describe.skipIf(!hasCorpus || !hasFixtureTools)(`a signed catalog listing a real PE${!hasCorpus ? corpusSkipReason : hasFixtureTools ? '' : ` (${fixtureSkipReason})`}`, () => {
  const make = async (): Promise<{ cat: Buffer; hello: Uint8Array; helloPath: string; dir: string }> => {
    const f = signedFixtures();
    const hello = new Uint8Array(readFileSync(f.helloExe));
    const id = await identifyFile({ path: 'hello.exe', bytes: hello });
    if (!id.ok) throw new Error('identify failed');
    const digest = Buffer.from(id.value.info.hashes.SHA256!, 'hex');
    const raw = readCorpus(S.wineyesCat);
    const ctl = Buffer.from(raw.subarray(47, 47 + 4 + ((raw[49]! << 8) | raw[50]!)));
    const old = Buffer.from(WINEYES_MEMBER, 'hex');
    let at = ctl.indexOf(old);
    let n = 0;
    while (at >= 0) {
      digest.copy(ctl, at);
      n++;
      at = ctl.indexOf(old, at + 1);
    }
    expect(n).toBe(2); // the subject identifier and the SpcIndirectDataContent digest
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-catroot-'));
    writeFileSync(join(dir, 'ctl.der'), ctl);
    execFileSync('openssl', ['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-econtent_type', '1.3.6.1.4.1.311.10.1',
      '-signer', join(f.dir, 'signer.pem'), '-inkey', join(f.dir, 'signer.key'), '-md', 'sha256', '-in', join(dir, 'ctl.der'), '-out', join(dir, 'hello.cat')], { stdio: 'pipe' });
    return { cat: readFileSync(join(dir, 'hello.cat')), hello, helloPath: f.helloExe, dir };
  };

  it('the catalog signer becomes the publisher; product, binary and version come from the file; rules generate makes a publisher rule', async () => {
    const { cat, hello } = await make();
    const { index } = await buildCatalogIndex([{ name: 'hello.cat', bytes: cat }]);
    expect(index).toMatchObject({ catalogs: 1, signedCatalogs: 1 });
    const without = await identifyFile({ path: 'hello.exe', bytes: hello });
    expect(without.ok && without.value.signature).toBe('NotSigned');
    const id = await identifyFile({ path: 'hello.exe', bytes: hello, windowsPath: 'C:\\Windows\\System32\\hello.exe', catalogs: index });
    if (!id.ok) throw new Error('identify failed');
    expect(id.value.signature).toBe('Valid');
    expect(id.value.catalog).toEqual({ catalog: 'hello.cat', publisherName: HELLO_PUBLISHER });
    expect(id.value.info.publisher).toEqual({ publisherName: HELLO_PUBLISHER, productName: 'LOCKSTEP FIXTURES', binaryName: 'HELLO.EXE', binaryVersion: '1.2.3.4' });
    const g = generateRules([{ path: 'hello.exe', info: id.value.info, signature: 'Valid' }], { ruleTypes: ['Publisher', 'Hash'], userOrGroupSid: 'S-1-1-0', optimize: false });
    expect(g.policy.ruleCollections[0]!.rules.map((r) => r.kind)).toEqual(['FilePublisherRule']);
  });

  it('a catalog whose signed content was changed gives no publisher, with a diagnostic', async () => {
    const { cat } = await make();
    const bad = Buffer.from(cat);
    const at = bad.indexOf(Buffer.from('3082', 'hex'), 60); // somewhere inside the signed CTL
    bad[at + 40] = bad[at + 40]! ^ 1;
    const { index, diagnostics } = await buildCatalogIndex([{ name: 'bad.cat', bytes: bad }]);
    expect(index.signedCatalogs).toBe(0);
    expect(diagnostics.map((d) => d.code)).toContain('fileinfo.catalog.signature-invalid');
  });

  it('CLI: fileinfo --catroot says "signed by catalog", scan --catroot counts catalog-signed files', async () => {
    const { cat, helloPath, dir } = await make();
    const catroot = join(dir, 'CatRoot', '{F750E6C3-38EE-11D1-85E5-00C04FC295EE}');
    mkdirSync(catroot, { recursive: true });
    writeFileSync(join(catroot, 'hello.cat'), cat);
    const fi = await run(['fileinfo', '--catroot', join(dir, 'CatRoot'), helloPath]);
    expect(fi.code, fi.stderr).toBe(0);
    expect(fi.stdout).toContain(`Publisher : ${HELLO_PUBLISHER}\\LOCKSTEP FIXTURES\\HELLO.EXE,1.2.3.4`);
    expect(fi.stdout).toMatch(/signature Valid \(signed by catalog .*hello\.cat\)/);
    expect(fi.stderr).toContain('catroot: 1 catalogs (1 with a verified signature)');
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'hello.exe'), readFileSync(helloPath));
    const inv = join(dir, 'inv.jsonl');
    const s = await run(['scan', tree, '--group', 'G', '--out', inv, '--workers', '0', '--catroot', join(dir, 'CatRoot'), '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ files: 1, signed: 1, catalogSigned: 1 });
    const g = await run(['rules', 'generate', '--from', inv, '--json']);
    expect((JSON.parse(g.stdout) as { rules: Array<{ kind: string }> }).rules.map((r) => r.kind)).toEqual(['FilePublisherRule']);
    // Scanned without --catroot: a hash rule; the catalogs given at generation time re-read the file → publisher rule.
    const plain = join(dir, 'plain.jsonl');
    expect((await run(['scan', tree, '--group', 'G', '--out', plain, '--workers', '0', '--json'])).code).toBe(0);
    const h = await run(['rules', 'generate', '--from', plain, '--json']);
    expect((JSON.parse(h.stdout) as { rules: Array<{ kind: string }> }).rules.map((r) => r.kind)).toEqual(['FileHashRule']);
    const c = await run(['rules', 'generate', '--from', plain, '--catroot', join(dir, 'CatRoot')]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toContain('catroot: 1 unsigned file signed by a catalog');
    expect(c.stdout).toContain(`PublisherName="${HELLO_PUBLISHER}" ProductName="LOCKSTEP FIXTURES" BinaryName="HELLO.EXE"`);
  });
});
