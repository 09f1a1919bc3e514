/**
 * Self-made MSI fixtures: a v3 (512-byte sector) compound file built with `msibuild` (Debian msitools) with a
 * Property table, signed with SHA-256 by osslsigncode and the throw-away certificate of
 * test-support/authenticode-fixtures.ts. Checks: Property values vs `msiinfo`, §D.4 version normalisation,
 * the signer as AppLocker formats an O/L/S/C subject (§B.6), the MSI digest vs osslsigncode's
 * "Calculated DigitalSignature", and a tampered copy losing its publisher. Skips when a tool is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HELLO_PUBLISHER, cleanupSignedFixtures, fixtureSkipReason, hasFixtureTools, signedFixtures } from '../../../test-support/authenticode-fixtures.js';
import { parseCompoundFile, readMsi } from './index.js';

const hasMsibuild = spawnSync('sh', ['-c', 'command -v msibuild && command -v msiinfo'], { encoding: 'utf8' }).status === 0;
const skip = !hasFixtureTools || !hasMsibuild;
if (skip) process.stderr.write(`NOTE: MSI fixture tests skipped: ${!hasMsibuild ? 'msibuild/msiinfo (apt msitools) missing' : fixtureSkipReason}\n`);

afterAll(() => cleanupSignedFixtures());

describe.skipIf(skip)('self-made MSI (msibuild + osslsigncode)', () => {
  let built: { unsigned: string; signed: string } | undefined;
  const build = (): { unsigned: string; signed: string } => {
    if (built) return built;
    const f = signedFixtures();
    const idt = 'Property\tValue\r\ns72\tl0\r\nProperty\tProperty\r\nProductName\tLockstep Fixture Installer\r\n'
      + 'ProductCode\t{11111111-2222-3333-4444-555555555555}\r\nProductVersion\t020.000.1621\r\nManufacturer\tLockstep Test Corp\r\n';
    writeFileSync(join(f.dir, 'Property.idt'), idt);
    const unsigned = join(f.dir, 'fixture.msi');
    execFileSync('msibuild', [unsigned, '-i', join(f.dir, 'Property.idt')], { cwd: f.dir, stdio: 'pipe' });
    const signed = join(f.dir, 'fixture-signed.msi');
    f.sign(unsigned, signed, 'sha256');
    built = { unsigned, signed };
    return built;
  };

  it('reads a v3 compound file, signs, verifies, formats the publisher, and agrees with osslsigncode', async () => {
    const { unsigned, signed } = build();
    const cf = parseCompoundFile(readFileSync(unsigned));
    expect(cf.ok && cf.value.majorVersion).toBe(3);
    const props = execFileSync('msiinfo', ['export', signed, 'Property'], { encoding: 'utf8' });
    expect(props).toContain('ProductVersion\t020.000.1621');
    const r = await readMsi(readFileSync(signed));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.productVersion).toBe('020.000.1621');
    expect(r.value.signature?.reasons).toEqual([]);
    expect(r.value.publisher).toEqual({
      publisherName: HELLO_PUBLISHER,
      productName: 'LOCKSTEP FIXTURE INSTALLER',
      binaryName: '{11111111-2222-3333-4444-555555555555}',
      binaryVersion: '20.0.1621.0',
    });
    const v = spawnSync('osslsigncode', ['verify', '-in', signed], { encoding: 'utf8' });
    const calc = /Calculated DigitalSignature\s*:\s*([0-9A-F]+)/.exec(`${v.stdout}\n${v.stderr}`)?.[1];
    expect(calc).toBeDefined();
    expect(r.value.signature?.calculatedDigest).toBe(calc);
    // osslsigncode signs without MsiDigitalSignatureEx, so the signed digest is the content digest: the hash
    // identify reports for the MSI (formats.md §C) equals it, and the unsigned file has the same one.
    expect(r.value.hashes.SHA256).toBe(calc);
    const u = await readMsi(readFileSync(unsigned));
    expect(u.ok && u.value.hashes.SHA256).toBe(calc);
  });

  it('a changed property value after signing: digest mismatch, no publisher, says why', async () => {
    const { signed } = build();
    const b = readFileSync(signed);
    const at = b.indexOf(Buffer.from('Lockstep Fixture Installer'));
    expect(at).toBeGreaterThan(0);
    b[at] = 'X'.charCodeAt(0);
    const r = await readMsi(b);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.productName).toBe('Xockstep Fixture Installer');
    expect(r.value.signature?.valid).toBe(false);
    expect(r.value.publisher).toBeUndefined();
    expect(r.value.signature?.reasons.join(' ')).toMatch(/changed after signing/);
  });
});
