/**
 * Installed packaged apps: jsign's signtool-signed MSIX (corpus, ebourg/jsign minimal-signed-by-signtool.msix)
 * extracted as Windows installs it (manifest, block map and signature beside each other) is an Appx record
 * with the manifest identity as publisher; a changed manifest or a foreign block map is refused with the reason;
 * `lockstep scan` over a WindowsApps-like tree records it and `rules generate` makes an Appx publisher rule.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { runCliInProcess as run } from '../../../test-support/cli.js';
import { corpusSkipReason, fileIdentity, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { identifyInstalledPackage } from './installed.js';

describe.skipIf(!hasCorpus)(`installed packages${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  const unpacked = (): Record<string, Uint8Array> => unzipSync(new Uint8Array(readCorpus(fileIdentity.msixSigned)));

  it('the signed package, installed: Valid, publisher = manifest identity', async () => {
    const m = unpacked();
    const r = await identifyInstalledPackage({ file: 'AppxManifest.xml', manifest: m['AppxManifest.xml']!, blockMap: m['AppxBlockMap.xml']!, signature: m['AppxSignature.p7x']! });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.reasons).toEqual([]);
    expect(r.value.signature).toBe('Valid');
    expect(r.value.info).toMatchObject({ collection: 'Appx', isPackagedApp: true, publisher: { binaryName: 'APPX' } });
    expect(r.value.info.publisher?.publisherName).toMatch(/^CN=/);
  });

  it('a changed manifest, a foreign block map, or no signature: no publisher, and why', async () => {
    const m = unpacked();
    const manifest = Buffer.from(m['AppxManifest.xml']!);
    const changed = Buffer.from(manifest.toString('utf8').replace('</Package>', '<!-- x --></Package>'));
    const a = await identifyInstalledPackage({ file: 'm', manifest: changed, blockMap: m['AppxBlockMap.xml']!, signature: m['AppxSignature.p7x']! });
    expect(a.ok && a.value.signature).toBe('Invalid');
    expect(a.ok && a.value.reasons).toEqual(['AppxManifest.xml was changed after signing (its block map hashes differ)']);
    expect(a.ok && a.value.info.publisher).toBeUndefined();
    const map = Buffer.from(m['AppxBlockMap.xml']!);
    map[map.length - 3] = map[map.length - 3]! ^ 0x20;
    const b = await identifyInstalledPackage({ file: 'm', manifest, blockMap: map, signature: m['AppxSignature.p7x']! });
    expect(b.ok && b.value.reasons).toEqual(['AppxBlockMap.xml is not the one the package signature covers']);
    const c = await identifyInstalledPackage({ file: 'm', manifest });
    expect(c.ok && c.value.signature).toBe('NotSigned');
  });

  it('scan a WindowsApps tree → Appx record → rules generate makes an Appx publisher rule', async () => {
    const m = unpacked();
    const root = mkdtempSync(join(tmpdir(), 'lockstep-windowsapps-'));
    const pkg = join(root, 'WindowsApps', 'Minimal_1.0.0.0_x64__abc');
    mkdirSync(pkg, { recursive: true });
    for (const n of ['AppxManifest.xml', 'AppxBlockMap.xml', 'AppxSignature.p7x']) writeFileSync(join(pkg, n), m[n]!);
    const inv = join(root, 'inv.jsonl');
    const s = await run(['scan', root, '--group', 'G', '--out', inv, '--workers', '0', '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ files: 1, signed: 1, byCollection: { Appx: 1 } });
    const g = await run(['rules', 'generate', '--from', inv, '--json']);
    expect(g.code, g.stderr).toBe(0);
    const out = JSON.parse(g.stdout) as { rules: Array<{ collection: string; kind: string }>; policy: string };
    expect(out.rules).toEqual([expect.objectContaining({ collection: 'Appx', kind: 'FilePublisherRule' })]);
    expect(out.policy).toMatch(/<FilePublisherCondition PublisherName="CN=[^"]+" ProductName="[^"]+" BinaryName="\*">/);
  });
});
