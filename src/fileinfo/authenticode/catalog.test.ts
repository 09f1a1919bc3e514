/**
 * Security catalogs (§B.8): jsign's wineyes.cat lists wineyes.exe by its Authenticode SHA-256 — an oracle
 * for our digest of an UNSIGNED PE made by other tooling — and is itself unsigned, so matched files get no
 * publisher. The same CTL signed here with `openssl cms` checks the signer path.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authenticodeSamples as S, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { HELLO_PUBLISHER, fixtureSkipReason, hasFixtureTools, cleanupSignedFixtures, signedFixtures } from '../../../test-support/authenticode-fixtures.js';
import { unwrapPe } from './test-helpers.js';
import { AUTH_CODES, authenticodeDigest, findCatalogMember, readCatalog } from './index.js';

afterAll(cleanupSignedFixtures);

const wineyesCat = S.wineyesCat;

describe.skipIf(!hasCorpus)(`catalog lookup ${hasCorpus ? '' : corpusSkipReason}`, () => {
  it('wineyes.exe is a member of wineyes.cat by its Authenticode SHA-256; the unsigned catalog gives no publisher', async () => {
    const cat = await readCatalog(readCorpus(wineyesCat));
    expect(cat.subjectAlgorithm).toBe('sha256');
    expect(cat.members.map((m) => m.subjectIdentifier)).toEqual(['7BB369DF020CEA757619E1C1D678DBCA06B638F2CC45B740B5EACFC21E76B160', 'D27EC498912807DDFC4BEC2BE4F62C42814836F3']);
    const exe = readCorpus(S.wineyes);
    const member = findCatalogMember(cat, { sha256: authenticodeDigest(exe, unwrapPe(exe)) });
    expect(member?.digests.sha256).toBe('7BB369DF020CEA757619E1C1D678DBCA06B638F2CC45B740B5EACFC21E76B160');
    expect(cat.publisher).toBeUndefined();
    expect(cat.reasons.map((r) => r.code)).toEqual([AUTH_CODES.noSignature]);
    const other = readCorpus(S.pegoatUnsigned32);
    expect(findCatalogMember(cat, { sha256: authenticodeDigest(other, unwrapPe(other)) })).toBeUndefined();
  });
  it('a PE signature is not a catalog', async () => {
    const exe = readCorpus(S.pegoatSigned32);
    const pe = unwrapPe(exe);
    const der = exe.subarray(pe.certificateTable!.offset + 8, pe.certificateTable!.offset + pe.certificateTable!.size);
    const cat = await readCatalog(der);
    expect(cat.members).toEqual([]);
    expect(cat.reasons.map((r) => r.code)).toContain(AUTH_CODES.notIndirectData);
  });
});

describe.skipIf(!hasCorpus || !hasFixtureTools)(`signed catalog ${!hasCorpus ? corpusSkipReason : hasFixtureTools ? '' : fixtureSkipReason}`, () => {
  it('wineyes CTL signed with openssl cms by the throw-away signer: publisher; a changed member: none', async () => {
    const f = signedFixtures();
    const raw = readCorpus(wineyesCat);
    // The CTL is the SEQUENCE inside [0] at offset 43 (4-byte header) of wineyes.cat: sign exactly those bytes.
    const ctl = raw.subarray(47, 47 + 4 + ((raw[49]! << 8) | raw[50]!));
    const ctlFile = join(f.dir, 'ctl.der');
    writeFileSync(ctlFile, ctl);
    const signedFile = join(f.dir, 'signed.cat');
    execFileSync('openssl', ['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-econtent_type', '1.3.6.1.4.1.311.10.1',
      '-signer', 'signer.pem', '-inkey', 'signer.key', '-md', 'sha256', '-in', ctlFile, '-out', signedFile], { cwd: f.dir, stdio: 'pipe' });
    const signed = readFileSync(signedFile);
    const cat = await readCatalog(signed);
    expect(cat.members).toHaveLength(2);
    expect(cat.signer).toMatchObject({ messageDigestMatches: true, signatureVerified: true });
    expect(cat.publisher).toEqual({ publisherName: HELLO_PUBLISHER });
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf(Buffer.from('7BB369DF', 'hex'));
    tampered[at] = tampered[at]! ^ 1;
    const bad = await readCatalog(tampered);
    expect(bad.publisher).toBeUndefined();
    expect(bad.reasons.map((r) => r.code)).toContain(AUTH_CODES.messageDigestMismatch);
  });
});
