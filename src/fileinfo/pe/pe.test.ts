/**
 * parsePe on the corpus (exact expectations per file, version resources against a data table of values read
 * with other tools — exiftool is not installed here, so the table is the oracle; see formats.md §B.7 for
 * kernel32/putty), on the self-built mingw fixture, and on hand-made broken headers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { authenticodeSamples as S, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { HELLO_VERSION, fixtureSkipReason, hasFixtureTools, cleanupSignedFixtures, signedFixtures } from '../../../test-support/authenticode-fixtures.js';
import { parsePe, PE_CODES, type PeImage } from './index.js';

afterAll(cleanupSignedFixtures);

function pe(rel: string): PeImage {
  const r = parsePe(readCorpus(rel), { file: rel });
  if (!r.ok) throw new Error(`${rel}: ${JSON.stringify(r.diagnostics)}`);
  return r.value;
}

describe.skipIf(!hasCorpus)(`PE headers and version resources on the corpus ${hasCorpus ? '' : corpusSkipReason}`, () => {
  // file, format, machine, isDll, subsystem, isDotNet, fileVersion, string table key, ProductName, OriginalFilename
  const table: Array<[keyof typeof S, 'PE32' | 'PE32+', string, boolean, string, boolean, string | undefined, string | undefined, string | undefined, string | undefined]> = [
    ['kernel32', 'PE32+', 'amd64', true, 'windows-cui', false, '10.0.19041.1348', '040904B0', 'Microsoft® Windows® Operating System', 'kernel32'],
    ['putty', 'PE32+', 'amd64', false, 'windows-gui', false, '0.73.0.0', '080904B0', 'PuTTY suite', 'PuTTY'],
    ['whois', 'PE32', 'i386', false, 'windows-cui', false, '1.21.0.0', '040904b0', 'Sysinternals Whois', 'whois.exe'],
    ['mscorlib', 'PE32', 'i386', true, 'windows-cui', true, '5.0.20.51904', '000004b0', 'Microsoft® .NET', 'mscorlib.dll'],
    ['pciide', 'PE32+', 'amd64', false, 'native', false, '6.1.7600.16385', '040904B0', 'Microsoft® Windows® Operating System', 'pciide.sys'],
    ['amdxata', 'PE32+', 'amd64', false, 'native', false, '1.1.3.277', '000004B0', 'Storage Filter Driver', 'amdxata.sys'],
    ['wdBoot', 'PE32+', 'amd64', false, 'native', false, '4.18.1906.3', '040904B0', 'Microsoft® Windows® Operating System', 'WdBoot.sys'],
    ['appleSoftwareUpdate', 'PE32', 'i386', false, 'windows-gui', false, '2.1.1.116', '040904b0', 'Apple Software Update', 'SoftwareUpdate.exe'],
    ['kdbazis', 'PE32+', 'amd64', true, 'native', false, '2021.0.0.0', '000904b0', 'VirtualKD-Redux', 'kdvm.dll'],
    ['sevenZipCurveBall', 'PE32', 'i386', false, 'windows-gui', false, '19.0.0.0', '040904b0', '7-Zip', '7zipInstall.exe'],
    ['shimeng', 'PE32+', 'amd64', true, 'windows-gui', false, '10.0.17763.1', '040904B0', 'Microsoft® Windows® Operating System', 'Shim Engine DLL (IAT)'],
    ['liblzo2', 'PE32+', 'amd64', true, 'windows-cui', false, undefined, undefined, undefined, undefined],
    ['wineyes', 'PE32', 'i386', false, 'windows-gui', false, undefined, undefined, undefined, undefined],
    ['pegoatUnsigned32', 'PE32', 'i386', false, 'windows-cui', false, undefined, undefined, undefined, undefined],
    ['pegoatSigned64', 'PE32+', 'amd64', false, 'windows-cui', false, undefined, undefined, undefined, undefined],
    ['impbyord', 'PE32', 'i386', false, 'windows-cui', false, undefined, undefined, undefined, undefined],
  ];
  it.each(table)('%s', (name, format, machine, isDll, subsystem, isDotNet, fileVersion, key, product, original) => {
    const v = pe(S[name]);
    expect([v.format, v.machineName, v.isDll, v.subsystemName, v.isDotNet]).toEqual([format, machine, isDll, subsystem, isDotNet]);
    expect(v.versionInfo?.fileVersion).toBe(fileVersion);
    expect(v.versionInfo?.stringTableKey).toBe(key);
    expect(v.versionInfo?.strings.ProductName).toBe(product);
    expect(v.versionInfo?.strings.OriginalFilename).toBe(original);
    expect(v.anomalies.filter((a) => a.severity === 'error')).toEqual([]);
  });

  it('kernel32: the FileVersion string is not the fixed version AppLocker uses', () => {
    const v = pe(S.kernel32).versionInfo!;
    expect(v.strings.FileVersion).toBe('10.0.19041.1348 (WinBuild.160101.0800)');
    expect(v.fileVersion).toBe('10.0.19041.1348');
    expect(v.translations[0]).toEqual({ language: 0x409, codePage: 0x4b0 });
  });

  it('putty: British English table, string values with ©', () => {
    const v = pe(S.putty).versionInfo!;
    expect(v.strings.CompanyName).toBe('Simon Tatham');
    expect(v.strings.LegalCopyright).toBe('Copyright © 1997-2019 Simon Tatham.');
  });

  it('MZ-only and NE files are not PE, clearly', () => {
    for (const [rel, kind] of [[S.dosMore, 'MZ-only DOS program'], [S.neSetupDll, '16-bit NE executable']] as const) {
      const r = parsePe(readCorpus(rel), { file: rel });
      expect(r.ok).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toEqual([PE_CODES.notPe]);
      expect(r.diagnostics[0]!.message).toContain(kind);
    }
  });

  it('certificate table location and anomalies on signed files', () => {
    expect(pe(S.putty).certificateTable).toEqual({ offset: 1163264, size: 15760 });
    expect(pe(S.wineyes).certificateTable).toBeUndefined();
    for (const name of ['kernel32', 'putty', 'whois', 'pciide', 'liblzo2'] as const) expect(pe(S[name]).anomalies.filter((a) => a.severity !== 'info')).toEqual([]);
  });
});

describe.skipIf(!hasFixtureTools)(`PE fixture built with mingw ${hasFixtureTools ? '' : fixtureSkipReason}`, () => {
  it('hello.exe reads back its VERSIONINFO', () => {
    const f = signedFixtures();
    for (const file of [f.helloExe, f.helloSigned]) {
      const r = parsePe(readFileSync(file));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.format).toBe('PE32+');
      expect(r.value.versionInfo?.fileVersion).toBe(HELLO_VERSION.fileVersion);
      expect(r.value.versionInfo?.productVersion).toBe(HELLO_VERSION.productVersion);
      expect(r.value.versionInfo?.strings.OriginalFilename).toBe(HELLO_VERSION.OriginalFilename);
      expect(r.value.versionInfo?.strings.ProductName).toBe(HELLO_VERSION.ProductName);
    }
  });
});

/** A minimal valid PE32+ image: headers (0x200) + one 0x200-byte section. */
function minimalPe(): Uint8Array {
  const b = new Uint8Array(0x400);
  const dv = new DataView(b.buffer);
  b[0] = 0x4d; b[1] = 0x5a;
  dv.setUint32(0x3c, 0x40, true);
  dv.setUint32(0x40, 0x00004550, true);
  dv.setUint16(0x44, 0x8664, true); // Machine
  dv.setUint16(0x46, 1, true); // NumberOfSections
  dv.setUint16(0x54, 240, true); // SizeOfOptionalHeader
  dv.setUint16(0x56, 0x0022, true); // Characteristics
  const opt = 0x58;
  dv.setUint16(opt, 0x20b, true);
  dv.setUint32(opt + 32, 0x1000, true);
  dv.setUint32(opt + 36, 0x200, true);
  dv.setUint32(opt + 56, 0x2000, true);
  dv.setUint32(opt + 60, 0x200, true); // SizeOfHeaders
  dv.setUint16(opt + 68, 3, true); // Subsystem
  dv.setUint32(opt + 108, 16, true); // NumberOfRvaAndSizes
  const sec = opt + 240;
  b.set([0x2e, 0x74, 0x65, 0x78, 0x74], sec);
  dv.setUint32(sec + 8, 0x10, true);
  dv.setUint32(sec + 12, 0x1000, true);
  dv.setUint32(sec + 16, 0x200, true);
  dv.setUint32(sec + 20, 0x200, true);
  return b;
}

describe('PE header errors and anomalies (hand-made)', () => {
  it('the minimal image parses cleanly', () => {
    const r = parsePe(minimalPe());
    expect(r.ok && [r.value.format, r.value.machineName, r.value.subsystemName, r.value.sections.length, r.value.anomalies.length]).toEqual(['PE32+', 'amd64', 'windows-cui', 1, 0]);
  });
  it('no MZ → not-pe; short file → not-pe', () => {
    expect(parsePe(new Uint8Array([1, 2, 3])).diagnostics[0]?.code).toBe(PE_CODES.notPe);
    expect(parsePe(new Uint8Array([0x4d, 0x5a, 0, 0])).diagnostics[0]?.code).toBe(PE_CODES.notPe);
  });
  it('bad optional magic is located at the field', () => {
    const b = minimalPe();
    b[0x58] = 0x99;
    const r = parsePe(b, { file: 'x.exe' });
    expect(r.diagnostics[0]).toMatchObject({ code: PE_CODES.badOptionalMagic, location: { kind: 'bytes', offset: 0x58, field: 'IMAGE_OPTIONAL_HEADER.Magic', file: 'x.exe' } });
  });
  it('SizeOfOptionalHeader below the CheckSum is fatal', () => {
    const b = minimalPe();
    new DataView(b.buffer).setUint16(0x54, 40, true);
    expect(parsePe(b).diagnostics[0]?.code).toBe(PE_CODES.optionalHeaderTooSmall);
  });
  it('a huge NumberOfSections is refused before allocating', () => {
    const b = minimalPe();
    new DataView(b.buffer).setUint16(0x46, 0xffff, true);
    expect(parsePe(b).diagnostics[0]?.code).toBe(PE_CODES.tooManySections);
  });
  it('a section table past EOF is a located truncation', () => {
    const b = minimalPe().subarray(0, 0x160);
    const r = parsePe(b);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: PE_CODES.truncated, location: { field: expect.stringContaining('IMAGE_SECTION_HEADER') } });
  });
  it('section past EOF and unaligned trailing data are anomalies, not errors', () => {
    const b = minimalPe();
    new DataView(b.buffer).setUint32(0x58 + 240 + 16, 0x1000, true);
    const r = parsePe(b);
    expect(r.ok && r.value.anomalies.map((a) => a.code)).toEqual([PE_CODES.sectionBeyondEof]);
    const c = new Uint8Array(0x403);
    c.set(minimalPe());
    const r2 = parsePe(c);
    expect(r2.ok && r2.value.anomalies.map((a) => a.code)).toEqual([PE_CODES.unalignedTrailingData]);
  });
});
