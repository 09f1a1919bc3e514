/**
 * File facts in every format admins have. The Get-AppLockerFileInformation shapes are written from the
 * cmdlet's documented object model (FileInformation.Path.Path, Publisher.PublisherName/ProductName/
 * BinaryName/BinaryVersion, Hash.HashDataString/SourceFileName/SourceFileLength, AppX — AaronLocker scripts
 * and the AppLocker PowerShell module use exactly these properties) and its display strings (formats.md §C,
 * the moonpoint.com example reproduced there); no Windows output is stored in this repository.
 */
import { describe, expect, it } from 'vitest';
import { authenticodeSamples, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { identifyFile } from '../identify.js';
import { formatInventoryLine, inventoryEntry } from '../inventory.js';
import { readFileFacts } from './index.js';

const H = 'C9C0B33CC19DFFC150486BC2B652CDEE1874486908A5533A4F886D7C559140E8';
const PUB = 'O=BITZ & PIXELZ BV, L=AMSTERDAM, S=NOORD-HOLLAND, C=NL';
const PATH = '%OSDRIVE%\\USERS\\LISA\\DOCUMENTS\\BOOKCOLLECTORSETUP16311.EXE';

const utf16le = (s: string, bom = true): Uint8Array => {
  const b = Buffer.from(s, 'utf16le');
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), b]) : b;
};
const utf16be = (s: string): Uint8Array => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};
const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

describe('Get-AppLockerFileInformation | ConvertTo-Json', () => {
  it('reads nested Path, Publisher (BinaryVersion as object or string) and Hash objects', () => {
    const json = JSON.stringify([
      {
        Path: { Path: PATH },
        Publisher: { PublisherName: PUB, ProductName: 'BOOK COLLECTOR', BinaryName: 'BOOKCOLLECTORSETUP16311.EXE', BinaryVersion: { VersionNumber: '16.3.1.1', Major: 16, Minor: 3, Build: 1, Revision: 1 } },
        Hash: { HashType: 0, HashDataString: `0x${H}`, SourceFileName: 'bookcollectorsetup16311.exe', SourceFileLength: 48234496 },
        AppX: false,
      },
      { Path: { Path: '%SYSTEM32%\\X.PS1' }, Publisher: null, Hash: { HashDataString: `0x${'A'.repeat(64)}`, SourceFileName: 'x.ps1', SourceFileLength: 10 }, AppX: false },
      { Path: { Path: '%OSDRIVE%\\A\\B.EXE' }, Publisher: { PublisherName: PUB, ProductName: 'P', BinaryName: 'B.EXE', BinaryVersion: '1.2.3.4' }, Hash: `SHA256 0x${'B'.repeat(64)}`, AppX: false },
    ], null, 4);
    const r = readFileFacts(utf8(json), { file: 'alfi.json' });
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    if (!r.ok) return;
    expect(r.value.format).toBe('alfi-json');
    const [a, b, c] = r.value.records;
    expect(a!.info).toEqual({
      path: PATH, hashes: { SHA256: H }, collection: 'Exe',
      publisher: { publisherName: PUB, productName: 'BOOK COLLECTOR', binaryName: 'BOOKCOLLECTORSETUP16311.EXE', binaryVersion: '16.3.1.1' },
    });
    expect(a!.size).toBe(48234496);
    expect(b!.info.publisher).toBeUndefined();
    expect(b!.info.collection).toBe('Script');
    expect(c!.info.publisher?.binaryVersion).toBe('1.2.3.4');
  });

  it('reads a single object (one file piped to ConvertTo-Json) and a Major/Minor/Build/Revision version', () => {
    const one = { Path: { Path: PATH }, Publisher: { PublisherName: PUB, ProductName: 'P', BinaryName: 'B', BinaryVersion: { Major: 1, Minor: 0, Build: 0, Revision: 7 } }, Hash: { HashType: 'SHA256', HashDataString: `0x${H}` }, AppX: false };
    const r = readFileFacts(utf8(JSON.stringify(one)));
    expect(r.ok && r.value.records[0]!.info.publisher?.binaryVersion).toBe('1.0.0.7');
  });

  it('a packaged app (AppX true) is an Appx record with its publisher and no hash', () => {
    const r = readFileFacts(utf8(JSON.stringify({ Path: { Path: 'Microsoft.WindowsCalculator' }, Publisher: { PublisherName: 'CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US', ProductName: 'Microsoft.WindowsCalculator', BinaryName: 'APPX', BinaryVersion: '10.2103.8.0' }, Hash: null, AppX: true })));
    expect(r.ok && r.value.records[0]!.info).toMatchObject({ isPackagedApp: true, collection: 'Appx', hashes: {} });
  });

  it('a bad hash is an error located at its record', () => {
    const r = readFileFacts(utf8(JSON.stringify([{ Path: { Path: PATH }, Hash: { HashDataString: '0xNOTHEX' } }])), { file: 'x.json' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'fileinfo.facts.bad-hash', location: { file: 'x.json', path: '[0]' } });
  });

  it('broken JSON is located by line and column', () => {
    const r = readFileFacts(utf8('[\n  {"Path": "a.exe",\n  oops\n]'), { file: 'b.json' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.code).toBe('fileinfo.facts.bad-json');
    expect(r.diagnostics[0]!.location).toMatchObject({ file: 'b.json', line: 3 });
  });
});

describe('Get-AppLockerFileInformation | Export-Csv', () => {
  const csv = (typeLine: boolean): string => [
    ...(typeLine ? ['#TYPE Microsoft.Security.ApplicationId.PolicyManagement.PolicyModel.FileInformation'] : []),
    '"Path","Publisher","Hash","AppX"',
    `"${PATH}","${PUB}\\BOOK COLLECTOR\\,0.0.0.0","SHA256 0x${H}","False"`,
    `"%SYSTEM32%\\X.PS1","","SHA256 0x${'A'.repeat(64)}","False"`,
  ].join('\r\n') + '\r\n';

  for (const [name, bytes] of [
    ['UTF-16LE with BOM and #TYPE (PowerShell 5 `-Encoding Unicode`)', utf16le(csv(true))],
    ['UTF-16LE without BOM', utf16le(csv(true), false)],
    ['UTF-16BE with BOM', utf16be(csv(false))],
    ['UTF-8 with BOM, no #TYPE (PowerShell 7)', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(csv(false))])],
    ['UTF-8 without BOM, with #TYPE', utf8(csv(true))],
  ] as const) {
    it(name, () => {
      const r = readFileFacts(bytes, { file: 'alfi.csv' });
      expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
      if (!r.ok) return;
      expect(r.value.format).toBe('alfi-csv');
      expect(r.value.records.map((x) => x.info)).toEqual([
        { path: PATH, hashes: { SHA256: H }, collection: 'Exe', publisher: { publisherName: PUB, productName: 'BOOK COLLECTOR', binaryName: '', binaryVersion: '0.0.0.0' } },
        { path: '%SYSTEM32%\\X.PS1', hashes: { SHA256: 'A'.repeat(64) }, collection: 'Script' },
      ]);
    });
  }

  it('a CSV without a Path column says so, located at the header', () => {
    const r = readFileFacts(utf8('#TYPE x\nName,Hash\na,b\n'), { file: 'c.csv' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'fileinfo.facts.no-path-column', location: { line: 2 } });
  });

  it('a bad hash cell is located at its line', () => {
    const r = readFileFacts(utf8('Path,Publisher,Hash\n"C:\\a.exe","","MD5 0x00"\n'), { file: 'd.csv' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'fileinfo.facts.bad-hash', location: { file: 'd.csv', line: 2 } });
  });
});

describe.skipIf(!hasCorpus)(`lockstep's own formats, from a real signed binary${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  it('scan inventory JSONL and fileinfo --json records carry the full facts and the signature status', async () => {
    const bytes = new Uint8Array(readCorpus(authenticodeSamples.whois));
    const id = await identifyFile({ path: '/img/whois.exe', bytes, windowsPath: 'C:\\Tools\\whois.exe' });
    if (!id.ok) throw new Error('identify failed');
    const line = formatInventoryLine(inventoryEntry('Finance', '/img/whois.exe', bytes.length, 1, id.value, 'C:\\Tools\\whois.exe'));
    const bad = JSON.stringify({ format: 'lockstep.inventory/1', group: 'Finance', path: '/img/x', size: 1, mtimeMs: 1, error: { reason: 'EACCES', message: 'denied' } }) + '\n';
    const inv = readFileFacts(utf8(line + bad), { file: 'inv.jsonl' });
    expect(inv.ok && inv.value.format).toBe('inventory');
    if (!inv.ok) return;
    expect(inv.value.skipped).toBe(1);
    expect(inv.value.records[0]!.info).toEqual(id.value.info);
    expect(inv.value.records[0]!.signature).toBe('Valid');
    expect(inv.value.records[0]!.group).toBe('Finance');
    // `lockstep fileinfo --json` shape (cli/commands/fileinfo.ts fileIdentityJson)
    const fj = JSON.stringify([{ path: '/img/whois.exe', Path: id.value.displayPath, Publisher: id.value.displayPublisher, Hash: id.value.displayHash, AppX: false, signature: id.value.signature, reasons: [], info: id.value.info, diagnostics: [] },
      { path: '/img/gone.exe', error: { reason: 'ENOENT', message: 'gone' } }]);
    const fi = readFileFacts(utf8(fj));
    expect(fi.ok && fi.value.format).toBe('fileinfo-json');
    expect(fi.ok && fi.value.records[0]!.info.publisher?.publisherName).toBe('O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US');
    expect(fi.ok && fi.value.skipped).toBe(1);
  });
});
