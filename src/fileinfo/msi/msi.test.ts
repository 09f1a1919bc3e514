/**
 * MSI reader against independent oracles: every corpus .msi's Property table vs `msiinfo export F Property`
 * (Debian msitools), the signed MSI's digests vs `osslsigncode verify`, and its signer vs the jsign test
 * certificate as AppLocker formats it (formats.md §B.6, §D).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { corpusFiles, corpusPath, corpusSkipReason, fileIdentity, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { decodeMsiStreamName, normaliseMsiVersion, parseCompoundFile, readMsi } from './index.js';
import { compareRawNames, msiDigest, msiPrehash } from './signature.js';

function hasTool(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const hasMsiinfo = hasTool('msiinfo');
const hasOsslsigncode = hasTool('osslsigncode');
if (!hasMsiinfo) process.stderr.write('NOTE: msiinfo (Debian msitools) not installed: MSI Property oracle tests skipped\n');
if (!hasCorpus) process.stderr.write(`NOTE: ${corpusSkipReason}\n`);

const msis = corpusFiles(['.msi']);

describe('MSI stream names and versions (§D.2, §D.4)', () => {
  it('decodes compressed table names', () => {
    // '!_Tables' as msitools encodes it: 0x4840 prefix, then pairs packed into 0x3800–0x47FF.
    const enc = String.fromCharCode(0x4840, 0x3f7f, 0x4164, 0x422f, 0x4836);
    expect(decodeMsiStreamName(enc)).toBe('!_Tables');
    expect(decodeMsiStreamName('\u0005SummaryInformation')).toBe('\u0005SummaryInformation');
  });
  it('normalises ProductVersion to four numbers', () => {
    expect(normaliseMsiVersion('020.000.1621')).toBe('20.0.1621.0');
    expect(normaliseMsiVersion('1.0.0')).toBe('1.0.0.0');
    expect(normaliseMsiVersion('1.x')).toBeUndefined();
  });
  it('orders raw names byte-wise, shorter first on a common prefix', () => {
    expect(compareRawNames(new Uint8Array([1, 0]), new Uint8Array([1, 0, 0]))).toBeLessThan(0);
    expect(compareRawNames(new Uint8Array([2]), new Uint8Array([1, 9]))).toBeGreaterThan(0);
  });
  it('rejects a non-compound file with a typed error', () => {
    const r = parseCompoundFile(new Uint8Array(600), { file: 'x.msi' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.code).toBe('fileinfo.cfb.bad-signature');
  });
});

describe.skipIf(!hasCorpus)('hostile compound files (§D.1: cycles, out-of-range sectors)', () => {
  const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  it('a directory sibling pointing at itself ends the walk (no hang), entries stay unique', () => {
    const b = new Uint8Array(readCorpus(fileIdentity.msiUnsigned));
    const ss = 1 << dv(b).getUint16(30, true); // minimal.msi is a v4 file: 4096-byte sectors
    const dirSector = dv(b).getUint32(48, true);
    const entry1 = (dirSector + 1) * ss + 128;
    dv(b).setUint32(entry1 + 68, 1, true); // entry 1's left sibling = entry 1
    dv(b).setUint32(entry1 + 72, 1, true); // and its right sibling
    const r = parseCompoundFile(b);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(new Set(r.value.root.children).size).toBe(r.value.root.children.length);
  });
  it('a FAT chain that loops is a typed error', () => {
    const b = new Uint8Array(readCorpus(fileIdentity.msiUnsigned));
    const dirSector = dv(b).getUint32(48, true);
    const fatSector = dv(b).getUint32(76, true);
    const ss = 1 << dv(b).getUint16(30, true);
    dv(b).setUint32((fatSector + 1) * ss + dirSector * 4, dirSector, true); // directory chain: sector → itself
    const r = parseCompoundFile(b);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.code).toBe('fileinfo.cfb.bad-chain');
  });
  it('a FAT sector number beyond the file is a typed error', () => {
    const b = new Uint8Array(readCorpus(fileIdentity.msiUnsigned));
    dv(b).setUint32(76, 0x00ffffff, true);
    const r = parseCompoundFile(b);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.code).toBe('fileinfo.cfb.sector-out-of-range');
  });
});

describe.skipIf(!hasCorpus || !hasMsiinfo)('every corpus MSI: Property table vs msiinfo export', () => {
  it('finds the corpus MSIs', () => expect(msis.length).toBeGreaterThanOrEqual(2));
  for (const rel of msis) {
    it(rel, async () => {
      const text = execFileSync('msiinfo', ['export', corpusPath(rel), 'Property'], { encoding: 'utf8' });
      // msiinfo prints a 3-line header (names, types, table name) then `key\tvalue` rows.
      const want = new Map(text.split(/\r?\n/).slice(3).filter(Boolean).map((l) => {
        const i = l.indexOf('\t');
        return [l.slice(0, i), l.slice(i + 1)] as const;
      }));
      const r = await readMsi(readCorpus(rel), { file: rel });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(Object.fromEntries(r.value.properties)).toEqual(Object.fromEntries(want));
      for (const k of ['ProductName', 'ProductVersion', 'ProductCode', 'Manufacturer']) expect(want.has(k)).toBe(true);
      expect(r.value.productName).toBe(want.get('ProductName'));
      expect(r.value.productCode).toBe(want.get('ProductCode'));
    });
  }
});

describe.skipIf(!hasCorpus)('signed and unsigned MSI (§D.3, §D.4)', () => {
  it('unsigned: no publisher, hashes present', async () => {
    const r = await readMsi(readCorpus(fileIdentity.msiUnsigned));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.signature).toBeUndefined();
    expect(r.value.publisher).toBeUndefined();
    expect(r.value.binaryVersion).toBe('1.0.0.0');
    expect(r.value.hashes.SHA256).toMatch(/^[0-9A-F]{64}$/);
  });
  it('signed: signer is the jsign test certificate as AppLocker formats it, digest matches', async () => {
    const r = await readMsi(readCorpus(fileIdentity.msiSigned));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.signature?.reasons).toEqual([]);
    expect(r.value.signature?.valid).toBe(true);
    // Subject has only CN, so §B.6 step 4: the full subject, upper-cased.
    expect(r.value.publisher).toEqual({
      publisherName: 'CN=JSIGN CODE SIGNING TEST CERTIFICATE',
      productName: 'MINIMAL MSI PACKAGE FOR JSIGN TESTS',
      binaryName: '{24E06469-048F-47B0-ADDF-E6D930C6DDE2}',
      binaryVersion: '1.0.0.0',
    });
    // Signing adds only the signature streams, so the content digest is the unsigned file's.
    const u = await readMsi(readCorpus(fileIdentity.msiUnsigned));
    expect(u.ok && u.value.hashes.SHA256).toBe(r.value.hashes.SHA256);
  });
  it.skipIf(!hasOsslsigncode)('digests agree with osslsigncode verify', async () => {
    let text = '';
    try {
      text = execFileSync('osslsigncode', ['verify', '-in', corpusPath(fileIdentity.msiSigned)], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      // osslsigncode exits non-zero offline (chain not trusted); its digests are still printed.
      text = String((e as { stdout?: string }).stdout ?? '');
    }
    const ex = /Calculated MsiDigitalSignatureEx\s*:\s*([0-9A-F]+)/.exec(text)?.[1];
    const ds = /Calculated DigitalSignature\s*:\s*([0-9A-F]+)/.exec(text)?.[1];
    expect(ex).toBeDefined();
    const cf = parseCompoundFile(readCorpus(fileIdentity.msiSigned));
    expect(cf.ok).toBe(true);
    if (!cf.ok) return;
    expect(Buffer.from(msiPrehash(cf.value, 'sha1')).toString('hex').toUpperCase()).toBe(ex);
    const d = msiDigest(cf.value, 'sha1', { withPrehash: true });
    expect(d.ok && Buffer.from(d.value).toString('hex').toUpperCase()).toBe(ds);
    const r = await readMsi(readCorpus(fileIdentity.msiSigned));
    expect(r.ok && r.value.signature?.calculatedDigest).toBe(ds);
  });
  it('a tampered stream byte makes the signature invalid (no publisher, says why)', async () => {
    const bytes = new Uint8Array(readCorpus(fileIdentity.msiSigned));
    // Change every copy of the product name (string data and summary information) by one byte.
    const needle = Buffer.from('Minimal MSI package');
    let at = Buffer.from(bytes).indexOf(needle);
    expect(at).toBeGreaterThan(0);
    while (at >= 0) {
      bytes[at] = 'N'.charCodeAt(0);
      at = Buffer.from(bytes).indexOf(needle, at + 1);
    }
    const r = await readMsi(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.productName).toBe('Ninimal MSI package for Jsign tests');
    expect(r.value.signature?.valid).toBe(false);
    expect(r.value.signature?.reasons.join(' ')).toMatch(/changed after signing/);
    expect(r.value.publisher).toBeUndefined();
  });
});
