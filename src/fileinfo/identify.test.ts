/**
 * identifyFile on every corpus file AppLocker governs: the collection by extension (applocker.md §2.3),
 * scripts' flat SHA-256 vs `sha256sum`, the displayed path form (§4.3), and the Get-AppLockerFileInformation
 * display strings for MSI/MSIX.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { APPLOCKER_EXTENSIONS, collectionForPath } from '../policy/file-types.js';
import { corpusFiles, corpusPath, fileIdentity, hasCorpus, readCorpus } from '../../test-support/corpus.js';
import { appLockerDisplayPath, identifyFile, windowsPathUnder } from './identify.js';

describe('displayed path form (§4.3)', () => {
  it.each([
    ['C:\\Windows\\System32\\cscript.exe', '%SYSTEM32%\\CSCRIPT.EXE'],
    ['C:\\Windows\\SysWOW64\\a.dll', '%SYSTEM32%\\A.DLL'],
    ['C:\\Windows\\notepad.exe', '%WINDIR%\\NOTEPAD.EXE'],
    ['C:\\Program Files\\Google\\Chrome\\chrome.exe', '%PROGRAMFILES%\\GOOGLE\\CHROME\\CHROME.EXE'],
    ['C:\\Program Files (x86)\\App\\a.exe', '%PROGRAMFILES%\\APP\\A.EXE'],
    ['C:\\Users\\jdoe\\x.exe', '%OSDRIVE%\\USERS\\JDOE\\X.EXE'],
    ['C:\\WindowsApps\\x.exe', '%OSDRIVE%\\WINDOWSAPPS\\X.EXE'],
    ['D:\\Tools\\x.exe', 'D:\\TOOLS\\X.EXE'],
  ])('%s → %s', (win, shown) => expect(appLockerDisplayPath(win)).toBe(shown));
  it('maps host paths under an OS root', () => {
    expect(windowsPathUnder('/mnt/win/Program Files/a b/x.exe', '/mnt/win/')).toBe('C:\\Program Files\\a b\\x.exe');
    expect(windowsPathUnder('/mnt/other/x.exe', '/mnt/win')).toBeUndefined();
    expect(windowsPathUnder('/mnt/window/x.exe', '/mnt/win')).toBeUndefined();
  });
});

describe.skipIf(!hasCorpus)('every corpus file AppLocker governs', () => {
  const files = corpusFiles(APPLOCKER_EXTENSIONS);
  it('finds PE, MSI, MSIX and script files', () => {
    const kinds = new Set(files.map((f) => collectionForPath(f)));
    for (const c of ['Exe', 'Msi', 'Appx', 'Script']) expect(kinds.has(c as never)).toBe(true);
  });
  for (const rel of files) {
    it(`${rel}: collection by extension, a typed result, a hash`, async () => {
      const bytes = readCorpus(rel);
      const r = await identifyFile({ path: rel, bytes, windowsPath: `C:\\Program Files\\Corpus\\${rel.split('/').pop()}` });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.collection).toBe(collectionForPath(rel));
      expect(r.value.displayPath.startsWith('%PROGRAMFILES%\\CORPUS\\')).toBe(true);
      if (r.value.collection === 'Appx') expect(r.value.info.hashes.SHA256Flat).toMatch(/^[0-9A-F]{64}$/);
      else expect(r.value.displayHash).toMatch(/^SHA256 0x[0-9A-F]{64}$/);
    });
  }
  const scripts = files.filter((f) => collectionForPath(f) === 'Script');
  it('has scripts', () => expect(scripts.length).toBeGreaterThanOrEqual(4));
  for (const rel of scripts) {
    it(`${rel}: AppLocker hash = flat SHA-256 = sha256sum`, async () => {
      const want = execFileSync('sha256sum', [corpusPath(rel)], { encoding: 'utf8' }).split(' ')[0]!.toUpperCase();
      const r = await identifyFile({ path: rel, bytes: readCorpus(rel) });
      expect(r.ok && r.value.info.hashes.SHA256).toBe(want);
      expect(r.ok && r.value.kind).toBe('Script');
    });
  }
  it('signed MSI: Publisher printed as PUB\\PROD\\BIN,VERSION', async () => {
    const r = await identifyFile({ path: 'x.msi', bytes: readCorpus(fileIdentity.msiSigned), windowsPath: 'C:\\Windows\\Installer\\x.msi' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.displayPath).toBe('%WINDIR%\\INSTALLER\\X.MSI');
    expect(r.value.displayPublisher).toBe('CN=JSIGN CODE SIGNING TEST CERTIFICATE\\MINIMAL MSI PACKAGE FOR JSIGN TESTS\\{24E06469-048F-47B0-ADDF-E6D930C6DDE2},1.0.0.0');
    expect(r.value.signature).toBe('Valid');
  });
  it('signed MSIX: packaged app with the manifest identity', async () => {
    const r = await identifyFile({ path: 'm.msix', bytes: readCorpus(fileIdentity.msixSigned) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.info.isPackagedApp).toBe(true);
    expect(r.value.displayPublisher).toBe('CN=Jsign Code Signing Test Certificate 2022 (RSA)\\minimal\\APPX,1.0.0.0');
  });
  it('MZ-only DOS program named .EXE: Exe collection, flat hash, no crash', async () => {
    const bytes = readCorpus(fileIdentity.moreExe);
    const r = await identifyFile({ path: 'MORE.EXE', bytes });
    expect(r.ok).toBe(true);
    const want = execFileSync('sha256sum', [corpusPath(fileIdentity.moreExe)], { encoding: 'utf8' }).split(' ')[0]!.toUpperCase();
    expect(r.ok && r.value.info.hashes.SHA256).toBe(want);
    expect(r.ok && r.value.kind).toBe('Other');
  });
  it('unsigned PE: Exe, no publisher', async () => {
    const r = await identifyFile({ path: 'wineyes.exe', bytes: readCorpus(fileIdentity.wineyes) });
    expect(r.ok && r.value.kind).toBe('PE');
    expect(r.ok && r.value.signature).toBe('NotSigned');
    expect(r.ok && r.value.displayPublisher).toBe('');
  });
  it('sniffs packages and installers without their extension, and leaves plain ZIP/CFB files alone', async () => {
    const msix = await identifyFile({ path: 'download.bin', bytes: readCorpus(fileIdentity.msixSigned) });
    expect(msix.ok && [msix.value.kind, msix.value.collection, msix.value.info.isPackagedApp]).toEqual(['Appx', undefined, true]);
    const msi = await identifyFile({ path: 'download.bin', bytes: readCorpus(fileIdentity.msiUnsigned) });
    expect(msi.ok && msi.value.kind).toBe('MSI');
    const { zipSync } = await import('fflate');
    const zip = await identifyFile({ path: 'notes.zip', bytes: zipSync({ 'a.txt': new Uint8Array([1, 2, 3]) }) });
    expect(zip.ok && [zip.value.kind, zip.diagnostics.length]).toEqual(['Other', 0]);
  });
  it('zero-length file: no hash, a warning', async () => {
    const r = await identifyFile({ path: 'empty.ps1', bytes: new Uint8Array(0) });
    expect(r.ok && r.value.displayHash).toBe('');
    expect(r.diagnostics.map((d) => d.code)).toContain('fileinfo.identify.empty-file');
  });
});
