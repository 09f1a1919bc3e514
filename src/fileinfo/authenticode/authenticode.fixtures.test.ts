/**
 * Self-signed fixtures (built in a temp dir: mingw + openssl + osslsigncode, test-support/authenticode-fixtures.ts):
 * the throw-away signer's AppLocker publisher, agreement with osslsigncode's digest, tampering after signing,
 * nested and SHA-1 signatures, the image hash surviving signing (§B.2 note 5).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELLO_PUBLISHER, fixtureSkipReason, hasFixtureTools, osslsigncodeVerify, cleanupSignedFixtures, signedFixtures } from '../../../test-support/authenticode-fixtures.js';
import { parsePe, unwrapPe } from './test-helpers.js';
import { AUTH_CODES, authenticodeDigest, readAuthenticode } from './index.js';

afterAll(cleanupSignedFixtures);

describe.skipIf(!hasFixtureTools)(`signed mingw fixture ${hasFixtureTools ? '' : fixtureSkipReason}`, () => {
  it('signed hello.exe: valid, publisher as AppLocker formats it, digest = osslsigncode', async () => {
    const f = signedFixtures();
    const bytes = readFileSync(f.helloSigned);
    const pe = unwrapPe(bytes);
    const info = await readAuthenticode(bytes, pe);
    expect(info.publisher).toEqual({ publisherName: HELLO_PUBLISHER });
    expect(info.signatures).toHaveLength(1);
    expect(info.signatures[0]).toMatchObject({ digestAlgorithm: 'sha256', digestMatches: true, messageDigestMatches: true, signatureVerified: true, verifiedBy: 'pkijs', valid: true });
    expect(info.signatures[0]!.signer?.subject).toBe('CN=Lockstep Test Code Signing, O=Lockstep Test Corp, L=Redmond, S=Washington, C=US');
    expect(info.signatures[0]!.signer?.issuer).toBe('CN=Lockstep Test Root CA, O=Lockstep Test Root, C=US');
    const oracle = osslsigncodeVerify(f.helloSigned, f.caPem);
    expect(oracle.calculated).toEqual([info.imageDigests.sha256]);
    expect(oracle.output).toContain('Signature verification: ok');
  });

  it('the Authenticode hash survives signing (unsigned and signed builds hash the same)', () => {
    const f = signedFixtures();
    const unsigned = readFileSync(f.helloExe);
    const signed = readFileSync(f.helloSigned);
    expect(unsigned.length % 8).toBe(0);
    expect(authenticodeDigest(unsigned, unwrapPe(unsigned))).toBe(authenticodeDigest(signed, unwrapPe(signed)));
  });

  it('one byte changed after signing → digest mismatch → no publisher, and says why', async () => {
    const f = signedFixtures();
    const bytes = readFileSync(f.helloTampered);
    const info = await readAuthenticode(bytes, unwrapPe(bytes));
    expect(info.publisher).toBeUndefined();
    expect(info.signatures[0]).toMatchObject({ digestMatches: false, signatureVerified: true, valid: false });
    expect(info.reasons.map((r) => r.code)).toEqual(expect.arrayContaining([AUTH_CODES.primaryInvalid, AUTH_CODES.digestMismatch]));
    expect(osslsigncodeVerify(f.helloTampered).calculated).toEqual([info.imageDigests.sha256]);
  });

  it('a changed signed attribute → messageDigest or signature check fails → no publisher', async () => {
    const f = signedFixtures();
    const bytes = Buffer.from(readFileSync(f.helloSigned));
    const pe = unwrapPe(bytes);
    // The program name "Lockstep fixture" sits in SpcSpOpusInfo, a signed attribute: change one letter.
    const at = bytes.indexOf(Buffer.from('Lockstep fixture'), pe.certificateTable!.offset);
    expect(at).toBeGreaterThan(0);
    bytes[at] = 0x6c; // 'L' → 'l'
    const info = await readAuthenticode(bytes, pe);
    expect(info.publisher).toBeUndefined();
    expect(info.signatures[0]).toMatchObject({ digestMatches: true, signatureVerified: false, valid: false });
    expect(info.reasons.map((r) => r.code)).toContain(AUTH_CODES.badSignature);
  });

  it('SHA-1 primary with a nested SHA-256 signature: both checked, both match osslsigncode', async () => {
    const f = signedFixtures();
    const sha1 = join(f.dir, 'hello-sha1.exe');
    const nested = join(f.dir, 'hello-nested.exe');
    f.sign(f.helloExe, sha1, 'sha1');
    f.signNested(sha1, nested);
    const bytes = readFileSync(nested);
    const info = await readAuthenticode(bytes, unwrapPe(bytes));
    expect(info.signatures.map((s) => [s.depth, s.digestAlgorithm, s.valid])).toEqual([[0, 'sha1', true], [1, 'sha256', true]]);
    expect(info.signatures.map((s) => s.computedDigest)).toEqual(osslsigncodeVerify(nested).calculated);
    expect(info.publisher?.publisherName).toBe(HELLO_PUBLISHER);
  });

  it('with trusted roots: the chain to the throw-away CA is checked; an unrelated root gives no publisher', async () => {
    const f = signedFixtures();
    const bytes = readFileSync(f.helloSigned);
    const pe = unwrapPe(bytes);
    const pemToDer = (pem: string): Uint8Array => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
    const ca = pemToDer(readFileSync(f.caPem, 'utf8'));
    const ok = await readAuthenticode(bytes, pe, { trustedRoots: [ca] });
    expect(ok.trust.chainChecked).toBe(true);
    expect(ok.signatures[0]).toMatchObject({ chainVerified: true, codeSigningEku: true, valid: true });
    expect(ok.publisher?.publisherName).toBe(HELLO_PUBLISHER);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '30', '-subj', '/CN=Unrelated Root'], { cwd: f.dir, stdio: 'pipe' });
    const other = pemToDer(readFileSync(join(f.dir, 'other.pem'), 'utf8'));
    const bad = await readAuthenticode(bytes, pe, { trustedRoots: [other] });
    expect(bad.signatures[0]).toMatchObject({ chainVerified: false, signatureVerified: true, valid: false });
    expect(bad.publisher).toBeUndefined();
    expect(bad.reasons.map((r) => r.code)).toContain(AUTH_CODES.chainNotTrusted);
  });

  it('a signer certificate whose EKU lacks code signing gives no publisher (A_SSLippery_Slope case)', async () => {
    const f = signedFixtures();
    const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: f.dir, stdio: 'pipe' });
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/C=US/ST=Washington/L=Redmond/O=Lockstep Test Corp/CN=tls.example']);
    writeFileSync(join(f.dir, 'tls.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
    run(['x509', '-req', '-in', 'tls.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-sha256', '-extfile', 'tls.ext', '-out', 'tls.pem']);
    const out = join(f.dir, 'hello-tls.exe');
    execFileSync('osslsigncode', ['sign', '-certs', 'tls.pem', '-key', 'tls.key', '-h', 'sha256', '-in', f.helloExe, '-out', out], { cwd: f.dir, stdio: 'pipe' });
    const bytes = readFileSync(out);
    const info = await readAuthenticode(bytes, unwrapPe(bytes));
    expect(info.signatures[0]).toMatchObject({ digestMatches: true, signatureVerified: true, codeSigningEku: false, valid: false });
    expect(info.publisher).toBeUndefined();
    expect(info.reasons.map((r) => r.code)).toContain(AUTH_CODES.noCodeSigningEku);
  });

  it('parsePe facts of the fixture', () => {
    const f = signedFixtures();
    const r = parsePe(readFileSync(f.helloSigned));
    expect(r.ok && [r.value.machineName, r.value.isDll, r.value.subsystemName]).toEqual(['amd64', false, 'windows-cui']);
  });
});
