/**
 * Authenticode against oracles that are not ours: `osslsigncode verify` ("Current/Calculated message
 * digest", one per signature, Debian package) on every signed corpus PE, signify's fingerprint_results.json
 * for its files, and the publisher names of the corpus signers as AppLocker formats them (§B.6).
 */
import { describe, expect, it } from 'vitest';
import { authenticodeSamples as S, corpusFiles, corpusPath, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { hasOsslsigncode, osslsigncodeVerify } from '../../../test-support/authenticode-fixtures.js';
import { parsePe, type PeImage } from '../pe/index.js';
import { AUTH_CODES, authenticodeDigest, readAuthenticode } from './index.js';

function load(rel: string): { bytes: Buffer; pe: PeImage } {
  const bytes = readCorpus(rel);
  const r = parsePe(bytes, { file: rel });
  if (!r.ok) throw new Error(`${rel} does not parse`);
  return { bytes, pe: r.value };
}

const pes = hasCorpus ? corpusFiles(['.exe', '.dll', '.sys']).filter((f) => parsePe(readCorpus(f)).ok) : [];

describe.skipIf(!hasCorpus || !hasOsslsigncode)(`osslsigncode verify agrees on every signed corpus PE ${!hasCorpus ? corpusSkipReason : hasOsslsigncode ? '' : '(osslsigncode not installed: apt-get install osslsigncode)'}`, () => {
  it.each(pes)('%s', async (rel) => {
    const { bytes, pe } = load(rel);
    const info = await readAuthenticode(bytes, pe, { file: rel });
    const oracle = osslsigncodeVerify(corpusPath(rel));
    if (rel === S.pegoatDuplicated32) {
      // osslsigncode refuses the duplicated table ("Corrupted attribute certificate table") and prints no
      // digest; both of our entries carry the same signed digest, which equals our computed one.
      expect(oracle.output).toContain('Corrupted attribute certificate table');
      expect(info.signatures.map((s) => s.computedDigest)).toEqual([info.signatures[0]!.signedDigest, info.signatures[0]!.signedDigest]);
      expect(info.reasons.map((r) => r.code)).toEqual([AUTH_CODES.duplicateEntry, AUTH_CODES.extraEntries]);
      return;
    }
    expect(info.signatures.map((s) => s.signedDigest)).toEqual(oracle.current);
    expect(info.signatures.map((s) => s.computedDigest)).toEqual(oracle.calculated);
    expect(info.signed).toBe(oracle.current.length > 0);
  });
});

describe.skipIf(!hasCorpus)(`signify fingerprint_results.json authentihashes ${hasCorpus ? '' : corpusSkipReason}`, () => {
  type Fp = Record<string, { authentihash: { md5: string; sha1: string; sha256: string } }>;
  const fps: Fp = hasCorpus ? (JSON.parse(readCorpus(S.signifyFingerprints).toString('utf8')) as Fp) : {};
  const files = [S.sevenZipCurveBall, S.appleSoftwareUpdate, S.kdbazis, S.pciide, S.whois];
  it.each(files)('%s', (rel) => {
    const { bytes, pe } = load(rel);
    const want = fps[rel.split('/').pop()!]!.authentihash;
    expect(authenticodeDigest(bytes, pe, 'sha256')).toBe(want.sha256.toUpperCase());
    expect(authenticodeDigest(bytes, pe, 'sha1')).toBe(want.sha1.toUpperCase());
    expect(authenticodeDigest(bytes, pe, 'md5')).toBe(want.md5.toUpperCase());
  });
});

describe.skipIf(!hasCorpus)(`AppLocker publisher names of the corpus signers ${hasCorpus ? '' : corpusSkipReason}`, () => {
  const MS = 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US';
  const table: Array<[keyof typeof S, string | undefined, string]> = [
    ['kernel32', MS, 'pkijs'],
    ['whois', MS, 'pkijs'],
    ['mscorlib', MS, 'pkijs'],
    ['pciide', MS, 'pkijs'],
    ['wdBoot', MS, 'pkijs'],
    ['amdxata', MS, 'pkijs'],
    ['putty', 'O=SIMON TATHAM, L=CAMBRIDGE, S=CAMBRIDGESHIRE, C=GB', 'pkijs'],
    // MD5 signature: webcrypto cannot, node:crypto verifies the same bytes.
    ['appleSoftwareUpdate', 'O=APPLE INC., L=CUPERTINO, S=CALIFORNIA, C=US', 'node:crypto'],
    // postalCode and street in the subject are not part of the AppLocker name.
    ['liblzo2', 'O=EXPRESS VPN LLC, L=NEWARK, S=DE, C=US', 'pkijs'],
    // CN-only subjects: the X.500 fallback, upper-cased.
    ['kdbazis', 'CN=VIRTUALKD-REDUX SPC', 'pkijs'],
    ['pegoatSigned32', 'CN=CONTACT@TRAILOFBITS.COM', 'pkijs'],
    ['pegoatNested64', 'CN=A SHA-1 CERT', 'pkijs'],
  ];
  it.each(table)('%s → %s', async (name, publisher, verifiedBy) => {
    const { bytes, pe } = load(S[name]);
    const info = await readAuthenticode(bytes, pe);
    expect(info.publisher?.publisherName).toBe(publisher);
    expect(info.signatures[0]?.verifiedBy).toBe(verifiedBy);
    expect(info.signatures[0]).toMatchObject({ digestMatches: true, messageDigestMatches: true, signatureVerified: true, valid: true });
    expect(info.trust.chainChecked).toBe(false);
  });

  it('nested signatures are all read and checked; the publisher comes from the primary', async () => {
    const { bytes, pe } = load(S.pegoatNested32);
    const info = await readAuthenticode(bytes, pe);
    expect(info.signatures.map((s) => [s.index, s.depth, s.digestAlgorithm, s.signer?.publisherName, s.valid])).toEqual([
      [0, 0, 'sha1', 'CN=A SHA-1 CERT', true],
      [1, 1, 'sha256', 'CN=A SHA-256 CERT', true],
    ]);
    expect(info.publisher?.publisherName).toBe('CN=A SHA-1 CERT');
  });

  it('CurveBall (CVE-2020-0601) 7-Zip: digest matches but no trusted publisher, and says why', async () => {
    const { bytes, pe } = load(S.sevenZipCurveBall);
    const info = await readAuthenticode(bytes, pe);
    expect(info.signatures[0]).toMatchObject({ digestMatches: true, signatureVerified: false, valid: false });
    expect(info.publisher).toBeUndefined();
    expect(info.reasons.map((r) => r.code)).toEqual(expect.arrayContaining([AUTH_CODES.primaryInvalid, AUTH_CODES.explicitEcc]));
  });

  it('unsigned and catalog-signed files: no publisher, an info reason', async () => {
    for (const name of ['shimeng', 'wineyes', 'pegoatUnsigned32', 'impbyord'] as const) {
      const { bytes, pe } = load(S[name]);
      const info = await readAuthenticode(bytes, pe);
      expect(info.signed).toBe(false);
      expect(info.publisher).toBeUndefined();
      expect(info.reasons.map((r) => r.code)).toEqual([AUTH_CODES.noSignature]);
    }
  });
});
