/**
 * Streamed hashing gives the same AppLocker hash as the in-memory path, for a PE (Authenticode ranges from
 * the headers only) and for any other file — on generated inputs here; the 4 GB figure is in the notes
 * (`lockstep fileinfo` on a sparse 4 GiB file, RSS measured with /usr/bin/time).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authenticodeDigest, flatSha256, parsePe } from '../fileinfo/index.js';
import { authenticodeSamples, corpusPath, hasCorpus } from '../../test-support/corpus.js';
import { streamHash } from './large-file.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streamHash', () => {
  it('hashes a non-PE file flat, in chunks, like the in-memory hash', () => {
    const p = join(dir, 'data.bin');
    const bytes = new Uint8Array(3 * 1024 * 1024 + 12345).map((_, i) => (i * 31 + (i >> 9)) & 0xff);
    writeFileSync(p, bytes);
    expect(streamHash(p)).toEqual({ kind: 'Other', hashType: 'SHA256Flat', hash: flatSha256(bytes), size: bytes.length });
  });

  it.skipIf(!hasCorpus).each([authenticodeSamples.wineyes, authenticodeSamples.sevenZipCurveBall])('hashes the PE %s by its Authenticode ranges like the in-memory digest, with data appended past 1 MiB', (rel) => {
    const base = new Uint8Array(readFileSync(corpusPath(rel)));
    // Overlay data after the image (as installers carry): the streamed ranges must reach it too.
    const big = new Uint8Array(base.length + 2 * 1024 * 1024 + 3);
    big.set(base);
    big.fill(0x5a, base.length);
    const pe = parsePe(big);
    if (!pe.ok) throw new Error('corpus PE must parse');
    const p = join(dir, 'big.exe');
    writeFileSync(p, big);
    expect(streamHash(p)).toMatchObject({ kind: 'PE', hashType: 'SHA256', hash: authenticodeDigest(big, pe.value) });
  });
});
