/**
 * The signature parse/verify caches (pkcs7.ts parseSignedDataCached, signer.ts verification cache) must be
 * invisible in results: a byte-identical signature gives the same answer as a fresh parse, a tampered file
 * carrying a cached signature still fails its digest, diagnostics carry the current file's name and offset,
 * and parses with diagnostics are never reused. Spec: formats.md §B.4 (what is checked per file).
 */
import { describe, expect, it } from 'vitest';
import { authenticodeSamples as S, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { unwrapPe } from './test-helpers.js';
import { AUTH_CODES, readAuthenticode, readCertificateTable } from './index.js';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { clearSignatureParseCache, parseSignedData, parseSignedDataCached } from './pkcs7.js';
import { summariseCertificate } from './signer.js';
import type { Diagnostic } from '../../diag/index.js';

describe.skipIf(!hasCorpus)(`signature caches ${hasCorpus ? '' : corpusSkipReason}`, () => {
  it('byte-identical DER: the second parse is the same object, and equals a fresh uncached parse', () => {
    const bytes = readCorpus(S.pegoatSigned32);
    const der = readCertificateTable(bytes, unwrapPe(bytes), [])[0]!.certificate;
    const d1: Diagnostic[] = [];
    const d2: Diagnostic[] = [];
    const a = parseSignedDataCached(der, { file: 'a.exe' }, d1);
    const b = parseSignedDataCached(new Uint8Array(der), { file: 'b.exe' }, d2);
    expect(a).toBeDefined();
    expect(b?.signedData).toBe(a?.signedData);
    expect(d1).toEqual([]);
    expect(d2).toEqual([]);
    const fresh = parseSignedData(der, {}, []);
    expect(b?.derLength).toBe(fresh?.derLength);
    expect(Buffer.from(b!.trailing)).toEqual(Buffer.from(fresh!.trailing));
    expect(b?.signedData.signerInfos[0]?.signature.valueBlock.valueHexView).toEqual(fresh?.signedData.signerInfos[0]?.signature.valueBlock.valueHexView);
  });

  it('certificates are mapped once: a new parse of the same signature shares them and equals a fresh mapping', () => {
    const bytes = readCorpus(S.pegoatSigned32);
    const der = readCertificateTable(bytes, unwrapPe(bytes), [])[0]!.certificate;
    clearSignatureParseCache();
    const a = parseSignedData(der, {}, []);
    const b = parseSignedData(der, {}, []);
    expect(a?.signedData.certificates).toHaveLength(1);
    expect(b?.signedData.certificates?.[0]).toBe(a?.signedData.certificates?.[0]);
    // The same certificate mapped by pkijs' own CertificateSet path (the whole SignedData schema).
    const asn = asn1js.fromBER(new Uint8Array(der));
    const viaPkijs = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn.result }).content });
    const mine = a!.signedData.certificates![0] as pkijs.Certificate;
    const theirs = viaPkijs.certificates![0] as pkijs.Certificate;
    expect(Buffer.from(mine.toSchema().toBER())).toEqual(Buffer.from(theirs.toSchema().toBER()));
    expect(summariseCertificate(mine)).toEqual(summariseCertificate(theirs));
    expect(Object.keys(a!.signedData).sort()).toEqual(Object.keys(viaPkijs).sort());
  });

  it('a parse with diagnostics (signature stuffing) is not reused: every call reports it at its own offset', () => {
    const bytes = readCorpus(S.pegoatSigned32);
    const der = readCertificateTable(bytes, unwrapPe(bytes), [])[0]!.certificate;
    const stuffed = new Uint8Array(der.length + 8);
    stuffed.set(der);
    stuffed.fill(0x41, der.length);
    for (const [file, offset] of [['x.exe', 100], ['y.exe', 200]] as const) {
      const diags: Diagnostic[] = [];
      expect(parseSignedDataCached(stuffed, { file, offset }, diags)).toBeDefined();
      const stuffing = diags.find((d) => d.code === AUTH_CODES.trailingBytes);
      expect(stuffing?.location).toMatchObject({ file });
      expect(JSON.stringify(stuffing?.location)).toContain(String(offset + der.length));
    }
  });

  it('repeated files give results equal to the first; a tampered copy with the same signature is still invalid', async () => {
    const bytes = readCorpus(S.pegoatSigned32);
    const pe = unwrapPe(bytes);
    const first = await readAuthenticode(bytes, pe, { file: 'one.exe' });
    const again = await readAuthenticode(new Uint8Array(bytes), pe, { file: 'one.exe' });
    expect(first.publisher).toBeDefined();
    expect(again).toEqual(first);
    // Change one byte inside the first section: same WIN_CERTIFICATE bytes (a cache hit), different image hash.
    const tampered = new Uint8Array(bytes);
    const at = pe.sections.find((s) => s.sizeOfRawData > 0)!.pointerToRawData + 1;
    tampered[at] = tampered[at]! ^ 0xff;
    const bad = await readAuthenticode(tampered, unwrapPe(tampered), { file: 'two.exe' });
    expect(bad.publisher).toBeUndefined();
    expect(bad.signatures[0]).toMatchObject({ digestMatches: false, signatureVerified: true, valid: false });
    const mismatch = bad.reasons.find((d) => d.code === AUTH_CODES.digestMismatch);
    expect(mismatch?.location).toMatchObject({ file: 'two.exe' });
    // And the untouched file is still valid after the tampered one went through the same cache entry.
    expect(await readAuthenticode(bytes, pe, { file: 'one.exe' })).toEqual(first);
  });
});
