/**
 * Version resources against exiftool (Debian libimage-exiftool-perl), an oracle that is not ours: fixed file
 * and product versions and the ProductName / OriginalFilename / CompanyName strings of every corpus PE.
 * Skips with a message when exiftool is absent (the data table in pe.test.ts still pins the known values).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { corpusFiles, corpusPath, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { parsePe } from './index.js';

const hasExiftool = spawnSync('sh', ['-c', 'command -v exiftool']).status === 0;
const skip = !hasCorpus ? corpusSkipReason : hasExiftool ? '' : '(exiftool not installed: apt-get install libimage-exiftool-perl)';

describe.skipIf(!hasCorpus || !hasExiftool)(`version resources agree with exiftool ${skip}`, () => {
  const files = hasCorpus ? corpusFiles(['.exe', '.dll', '.sys']).filter((f) => parsePe(readCorpus(f)).ok) : [];
  type Row = { SourceFile: string; FileVersionNumber?: string; ProductVersionNumber?: string; ProductName?: string; OriginalFileName?: string; CompanyName?: string };
  const rows = new Map<string, Row>();
  if (files.length > 0 && hasExiftool) {
    const r = spawnSync('exiftool', ['-j', '-charset', 'UTF8', '-FileVersionNumber', '-ProductVersionNumber', '-ProductName', '-OriginalFileName', '-CompanyName', ...files.map(corpusPath)], { encoding: 'utf8', timeout: 60_000 });
    for (const row of JSON.parse(r.stdout) as Row[]) rows.set(row.SourceFile, row);
  }
  it.each(files)('%s', (rel) => {
    const want = rows.get(corpusPath(rel))!;
    const r = parsePe(readCorpus(rel));
    const v = r.ok ? r.value.versionInfo : undefined;
    // exiftool prints numbers for numeric-looking strings in JSON; compare as text.
    const s = (x: unknown): string | undefined => (x === undefined ? undefined : String(x));
    expect({
      fileVersion: v?.fileVersion,
      productVersion: v?.productVersion,
      ProductName: v?.strings.ProductName,
      OriginalFilename: v?.strings.OriginalFilename,
      CompanyName: v?.strings.CompanyName,
    }).toEqual({
      fileVersion: s(want.FileVersionNumber),
      productVersion: s(want.ProductVersionNumber),
      ProductName: s(want.ProductName),
      OriginalFilename: s(want.OriginalFileName),
      CompanyName: s(want.CompanyName),
    });
  });
});
