/**
 * AppX/MSIX reader on the corpus packages: identity vs the manifest text (read here with a regex, a separate
 * path from saxes), signer = the jsign test certificate, PublisherId test vectors from formats.md §F.3.
 */
import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { corpusFiles, fileIdentity, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { parseManifestIdentity, publisherId, readAppx } from './index.js';

describe('PublisherId (§F.3 test vectors)', () => {
  it('matches the package-family-name crate vectors', () => {
    expect(publisherId('Publisher Software')).toBe('zj75k085cmj1a');
    expect(publisherId('CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US')).toBe('8wekyb3d8bbwe');
  });
});

describe('manifest identity', () => {
  it('reads a bundle manifest and rejects broken XML with a typed error', () => {
    const b = parseManifestIdentity('<Bundle xmlns="http://schemas.microsoft.com/appx/2013/bundle"><Identity Name="A.B" Publisher="CN=X" Version="1.2.3.4"/></Bundle>');
    expect(b.ok && b.value).toEqual({ name: 'A.B', publisher: 'CN=X', version: '1.2.3.4' });
    const bad = parseManifestIdentity('<Package><Identity Name="x"');
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]?.code).toMatch(/^fileinfo\.appx\./);
    const nested = parseManifestIdentity('<Package><Dependencies><Identity Name="a" Publisher="b" Version="1"/></Dependencies></Package>');
    expect(nested.ok).toBe(false);
  });
});

describe.skipIf(!hasCorpus)('every corpus MSIX/Appx', () => {
  const files = corpusFiles(['.msix', '.appx', '.msixbundle', '.appxbundle']);
  it('finds them', () => expect(files.length).toBeGreaterThanOrEqual(2));
  for (const rel of files) {
    it(`${rel}: identity equals the manifest's Identity attributes`, async () => {
      const bytes = readCorpus(rel);
      const text = Buffer.from(unzipSync(bytes, { filter: (f) => f.name === 'AppxManifest.xml' })['AppxManifest.xml']!).toString('utf8');
      const tag = /<Identity\b[^>]*>/.exec(text)![0];
      const attr = (n: string): string => new RegExp(`\\b${n}="([^"]*)"`).exec(tag)![1]!;
      const r = await readAppx(bytes, { file: rel });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.identity.name).toBe(attr('Name'));
      expect(r.value.identity.publisher).toBe(attr('Publisher'));
      expect(r.value.identity.version).toBe(attr('Version'));
    });
  }
  it('unsigned package: identity, no publisher, says why', async () => {
    const r = await readAppx(readCorpus(fileIdentity.msixUnsigned));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.identity.name).toBe('minimal');
    expect(r.value.publisher).toBeUndefined();
    expect(r.value.reasons).toEqual(['the package is not signed (no AppxSignature.p7x)']);
  });
  it('signed package: signer is the jsign 2022 RSA test certificate; publisher fields per §F.3', async () => {
    const r = await readAppx(readCorpus(fileIdentity.msixSigned));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.signerSubject).toBe('CN=Jsign Code Signing Test Certificate 2022 (RSA)');
    expect(r.value.signerPublisherName).toBe('CN=JSIGN CODE SIGNING TEST CERTIFICATE 2022 (RSA)');
    expect(r.value.reasons).toEqual([]);
    // The package digest of section F.1 computed here equals the one signtool signed.
    expect(r.value.signer?.digestMatches && r.value.signer.valid).toBe(true);
    expect(r.value.signer?.computedDigest).toMatch(/^41505058/); // the tag APPX
    expect(r.value.publisher).toEqual({
      publisherName: 'CN=Jsign Code Signing Test Certificate 2022 (RSA)',
      productName: 'minimal',
      binaryName: 'APPX',
      binaryVersion: '1.0.0.0',
    });
    expect(r.value.packageFamilyName).toBe(`minimal_${publisherId('CN=Jsign Code Signing Test Certificate 2022 (RSA)')}`);
  });
});

describe.skipIf(!hasCorpus)('tampered packages', () => {
  it('one changed byte in a stored member (after signing): package digest mismatch, no publisher', async () => {
    const b = new Uint8Array(readCorpus(fileIdentity.msixSigned));
    // Registry.dat is the first local entry; a byte well inside its data changes AXPC only.
    b[0x200] = b[0x200]! ^ 0xff;
    const r = await readAppx(b);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.signer?.digestMatches).toBe(false);
    expect(r.value.publisher).toBeUndefined();
    expect(r.value.reasons.join(' ')).toMatch(/changed after signing/);
  });
  it('a changed byte in the signer\'s signed attributes drops the publisher and says why', async () => {
    const { zipSync } = await import('fflate');
    const members = unzipSync(readCorpus(fileIdentity.msixSigned));
    const p7x = new Uint8Array(members['AppxSignature.p7x']!);
    // The last bytes of the SignedData are the RSA signature value: flip one.
    p7x[p7x.length - 5] = p7x[p7x.length - 5]! ^ 0xff;
    const r = await readAppx(zipSync({ ...members, 'AppxSignature.p7x': p7x }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.signatureValid).toBe(false);
    expect(r.value.publisher).toBeUndefined();
    expect(r.value.reasons.length).toBeGreaterThan(0);
  });
});
