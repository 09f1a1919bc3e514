/**
 * Script hashes and signatures (formats.md §C, §E): the flat SHA-256 (AppLocker's script hash, with the
 * published vector SHA-256("1")), the corpus' unsigned scripts, and PowerShell scripts signed here with
 * osslsigncode 2.9 in three encodings — our content digest must equal osslsigncode's "Calculated message
 * digest", the signer must give the AppLocker publisher, and a changed script must lose it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authenticodeSamples as S, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { HELLO_PUBLISHER, canSignScripts, fixtureSkipReason, hasFixtureTools, osslsigncodeVerify, osslsigncodeVersion, cleanupSignedFixtures, signedFixtures } from '../../../test-support/authenticode-fixtures.js';
import { AUTH_CODES } from '../authenticode/index.js';
import { readScriptSignature, SCRIPT_CODES, scriptKind } from './index.js';

afterAll(cleanupSignedFixtures);

describe('script hash and kinds', () => {
  it('flat SHA-256: AaronLocker records SHA-256("1") as the AppLocker hash of a one-byte script', async () => {
    const s = await readScriptSignature(new TextEncoder().encode('1'), '.ps1');
    expect(s.sha256).toBe('6B86B273FF34FCE19D6B804EFF5A3F5747ADA4EAA22F1D49C01E52DDB7875B4B');
    expect(s.signed).toBe(false);
  });
  it('kinds by extension; .bat cannot be signed', async () => {
    expect(['.PS1', 'psm1', '.psd1', '.vbs', '.js', '.wsf', '.cmd', '.txt'].map(scriptKind)).toEqual(['powershell', 'powershell', 'powershell', 'vbscript', 'jscript', 'wsf', 'batch', 'other']);
    const s = await readScriptSignature(new TextEncoder().encode('@echo off\r\n'), '.bat');
    expect(s.reasons.map((r) => r.code)).toEqual([SCRIPT_CODES.unsignable]);
  });
  it('a script over the text cap keeps its hash but its signature is not checked', async () => {
    const s = await readScriptSignature(new TextEncoder().encode('x'.repeat(100)), '.ps1', { maxTextBytes: 10 });
    expect([s.sha256.length, s.signed, s.reasons.map((r) => r.code)]).toEqual([64, false, [SCRIPT_CODES.tooLarge]]);
  });
  it('a block that does not decode is an error, not a throw', async () => {
    const text = 'Write-Host 1\r\n# SIG # Begin signature block\r\n# !!!!\r\n# SIG # End signature block\r\n';
    const s = await readScriptSignature(new TextEncoder().encode(text), '.ps1');
    expect(s.reasons.map((r) => r.code)).toEqual([SCRIPT_CODES.badBlock]);
    const g = await readScriptSignature(new TextEncoder().encode('x\r\n# SIG # Begin signature block\r\n# AAAA\r\n# SIG # End signature block\r\n'), '.ps1');
    expect(g.publisher).toBeUndefined();
    expect(g.reasons.map((r) => r.code)).toContain(AUTH_CODES.primaryInvalid);
  });
});

describe.skipIf(!hasCorpus)(`unsigned corpus scripts ${hasCorpus ? '' : corpusSkipReason}`, () => {
  it.each([[S.helloPs1, '.ps1'], [S.helloJs, '.js'], [S.helloVbs, '.vbs'], [S.helloWsf, '.wsf']])('%s', async (rel, ext) => {
    const bytes = readCorpus(rel);
    const s = await readScriptSignature(bytes, ext);
    expect(s.sha256).toBe(createHash('sha256').update(bytes).digest('hex').toUpperCase());
    expect([s.signed, s.publisher, s.reasons.map((r) => r.code)]).toEqual([false, undefined, [AUTH_CODES.noSignature]]);
  });
});

describe.skipIf(!hasFixtureTools || !canSignScripts)(`PowerShell scripts signed with osslsigncode ${!hasFixtureTools ? fixtureSkipReason : canSignScripts ? '' : `(osslsigncode ${osslsigncodeVersion.toFixed(2)} cannot sign scripts; 2.9 can)`}`, () => {
  const variants: Array<[string, Uint8Array]> = [
    ['ascii', Buffer.from('Write-Host "hello from lockstep"\r\nexit 0\r\n', 'latin1')],
    ['utf8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Write-Host "grüße aus Fürth"\r\n', 'utf8')])],
    ['utf16le-bom', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Write-Host "ünïcödé"\r\n', 'utf16le')])],
  ];
  it.each(variants)('%s: digest = osslsigncode, publisher, tamper → none', async (name, content) => {
    const f = signedFixtures();
    const src = join(f.dir, `script-${name}.ps1`);
    const signed = join(f.dir, `script-${name}-signed.ps1`);
    writeFileSync(src, content);
    f.sign(src, signed);
    const bytes = readFileSync(signed);
    const s = await readScriptSignature(bytes, '.ps1');
    const oracle = osslsigncodeVerify(signed, f.caPem);
    expect(oracle.calculated).toHaveLength(1);
    expect(s.signatures.map((x) => x.computedDigest)).toEqual(oracle.calculated);
    expect(s.signatures[0]).toMatchObject({ digestMatches: true, messageDigestMatches: true, signatureVerified: true, valid: true });
    expect(s.publisher).toEqual({ publisherName: HELLO_PUBLISHER });
    expect(s.sha256).toBe(createHash('sha256').update(bytes).digest('hex').toUpperCase());
    expect(s.contentDigestChecked).toBe(true);

    // Change the script body after signing: the signature still verifies, the content does not match.
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf(Buffer.from(name === 'utf16le-bom' ? 'W\0' : 'W', 'latin1'));
    tampered[at] = 0x77;
    const t = await readScriptSignature(tampered, '.ps1');
    expect(t.publisher).toBeUndefined();
    expect(t.reasons.map((r) => r.code)).toEqual(expect.arrayContaining([AUTH_CODES.primaryInvalid, AUTH_CODES.digestMismatch]));
  });

  it('git-style LF conversion breaks the signature and is reported', async () => {
    const f = signedFixtures();
    const src = join(f.dir, 'lf.ps1');
    const signed = join(f.dir, 'lf-signed.ps1');
    writeFileSync(src, 'Write-Host 1\r\n');
    f.sign(src, signed);
    const lf = Buffer.from(readFileSync(signed, 'latin1').replace(/\r\n/g, '\n'), 'latin1');
    const s = await readScriptSignature(lf, '.ps1');
    expect(s.signed).toBe(true);
    expect(s.publisher).toBeUndefined();
    expect(s.reasons.map((r) => r.code)).toEqual(expect.arrayContaining([SCRIPT_CODES.lfLineEndings, AUTH_CODES.digestMismatch]));
  });
});

describe.skipIf(!hasFixtureTools || !canSignScripts)(`script signature fuzz ${hasFixtureTools && canSignScripts ? '' : 'skipped: needs osslsigncode ≥ 2.9'}`, () => {
  it('truncations and flips of a signed .ps1 give values, never a throw', async () => {
    const f = signedFixtures();
    const src = join(f.dir, 'fuzz.ps1');
    const signed = join(f.dir, 'fuzz-signed.ps1');
    writeFileSync(src, 'Write-Host 1\r\n');
    f.sign(src, signed);
    const base = readFileSync(signed);
    let s = 12345;
    const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 0x100000000);
    for (let i = 0; i < 60; i++) {
      const b = Buffer.from(base);
      if (i % 3 === 0) {
        const cut = Math.floor(rand() * b.length);
        const r = await readScriptSignature(b.subarray(0, cut), '.ps1');
        expect(r.publisher).toBeUndefined();
        continue;
      }
      for (let k = 0; k < 1 + (i % 4); k++) {
        const at = 20 + Math.floor(rand() * (b.length - 20));
        b[at] = b[at]! ^ (1 << Math.floor(rand() * 8));
      }
      const r = await readScriptSignature(b, '.ps1');
      if (!r.publisher) expect(r.reasons.length).toBeGreaterThan(0);
    }
  });
});
