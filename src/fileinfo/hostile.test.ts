/**
 * Issue 12 regressions for fileinfo, from generated inputs: an MSIX whose manifest nests 200k deep (> 150 s
 * before: saxes resolves namespaces up the open-tag stack) ends at the depth cap; asn1js throwing on an
 * undecodable time value comes back as a value.
 */
import { zipSync } from 'fflate';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../test-support/cli.js';
import { readAppx } from './appx/index.js';
import { fromBerSafe } from './authenticode/asn1.js';

describe('hostile packages and DER', () => {
  it('stops a 200k-deep MSIX manifest at the depth cap with a located error', async () => {
    const n = 200_000;
    const manifest = '<?xml version="1.0"?><Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10">' +
      '<a>'.repeat(n) + '</a>'.repeat(n) + '</Package>';
    const zip = zipSync({ 'AppxManifest.xml': new TextEncoder().encode(manifest) });
    const r = await readAppx(zip, { file: 'deep.msix' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'fileinfo.appx.manifest-too-deep', location: { file: 'deep.msix', line: 1 } });
  });

  it('turns asn1js\' thrown decode errors into an undecodable result', () => {
    // SEQUENCE { GeneralizedTime "2x230101000000Z" }: asn1js throws "Wrong input string for conversion".
    const time = new TextEncoder().encode('2x230101000000Z');
    const der = new Uint8Array([0x30, time.length + 2, 0x18, time.length, ...time]);
    const r = fromBerSafe(der);
    expect(r.offset).toBe(-1);
    expect((r.result as { error?: string }).error).toMatch(/undecodable value/);
  });
});

describe('lockstep fileinfo on a batch with a hostile file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-fileinfo-hostile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the bad file, goes on with the next and exits 1 because an error was printed', async () => {
    const bad = join(dir, 'deep.msix');
    writeFileSync(bad, zipSync({ 'AppxManifest.xml': new TextEncoder().encode('<Package>' + '<a>'.repeat(5000) + '</a>'.repeat(5000) + '</Package>') }));
    const good = join(dir, 'tool.ps1');
    writeFileSync(good, 'Write-Output "hello"\r\n');
    const r = await runCliInProcess(['fileinfo', bad, good, '/dev/zero']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toMatch(/`\/dev\/zero` is a character device/);
    expect(r.stdout).toMatch(/Hash {6}: SHA256 0x[0-9A-F]{64}/);
  });
});
