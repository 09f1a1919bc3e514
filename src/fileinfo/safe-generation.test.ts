/**
 * Safe generation on real binaries (issue 16 item 4): a CurveBall-spoofed 7-Zip (ralphje/signify corpus),
 * a duplicated certificate table (trailofbits/uthenticode) and a real Microsoft-signed whois.exe stuffed with
 * bytes after its signature (the MS13-098 pattern; the Authenticode hash does not cover the certificate
 * table, so the signature still verifies) are identified, recorded in an inventory and refused by rule
 * generation; the clean whois.exe gets a publisher rule.
 */
import { describe, expect, it } from 'vitest';
import { authenticodeSamples, corpusSkipReason, hasCorpus, readCorpus } from '../../test-support/corpus.js';
import { generateRules } from '../policy/index.js';
import { identifyFile } from './identify.js';
import { inventoryEntry, parseInventory, formatInventoryLine } from './inventory.js';

/** Appends `n` bytes of 0x41 inside the PE's certificate table (WIN_CERTIFICATE.dwLength and the data directory grow). */
function stuff(pe: Uint8Array, n: number): Uint8Array {
  const v = new DataView(pe.buffer, pe.byteOffset, pe.byteLength);
  const nt = v.getUint32(0x3c, true);
  const magic = v.getUint16(nt + 24, true);
  const dir = nt + 24 + (magic === 0x20b ? 0x70 : 0x60) + 4 * 8; // IMAGE_DIRECTORY_ENTRY_SECURITY
  const off = v.getUint32(dir, true);
  const size = v.getUint32(dir + 4, true);
  if (off + size !== pe.length) throw new Error('certificate table is not at the end of the file');
  const out = new Uint8Array(pe.length + n);
  out.set(pe);
  out.fill(0x41, pe.length);
  const w = new DataView(out.buffer);
  w.setUint32(dir + 4, size + n, true);
  w.setUint32(off, w.getUint32(off, true) + n, true); // WIN_CERTIFICATE.dwLength
  return out;
}

async function entry(name: string, bytes: Uint8Array) {
  const r = await identifyFile({ path: `/img/${name}`, bytes, windowsPath: `C:\\Program Files\\App\\${name}` });
  if (!r.ok) throw new Error(`identify failed for ${name}`);
  // Through the inventory's JSONL, as `lockstep scan` writes it and `rules generate` reads it.
  const inv = parseInventory(formatInventoryLine(inventoryEntry('g', `/img/${name}`, bytes.length, 0, r.value, `C:\\Program Files\\App\\${name}`)));
  if (!inv.ok) throw new Error('inventory does not parse');
  return inv.value[0]!;
}

describe.skipIf(!hasCorpus)(`safe generation on real binaries${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  it('refuses the CurveBall spoof, the duplicated table and a stuffed signature; allows the clean file by publisher', async () => {
    const whois = new Uint8Array(readCorpus(authenticodeSamples.whois));
    const files = [
      await entry('7z.exe', new Uint8Array(readCorpus(authenticodeSamples.sevenZipCurveBall))),
      await entry('pegoat.exe', new Uint8Array(readCorpus(authenticodeSamples.pegoatDuplicated32))),
      await entry('whois-stuffed.exe', stuff(whois, 16)),
      await entry('whois.exe', whois),
    ];
    expect(files[2]!.signature).toBe('Valid');
    expect(files[2]!.signatureAnomalies?.map((a) => a.code)).toContain('fileinfo.authenticode.signature-stuffing');
    const g = generateRules(files, { ruleTypes: ['Publisher', 'Hash', 'Path'], userOrGroupSid: 'S-1-1-0', optimize: false });
    expect(g.refused.map((r) => [r.source, r.why])).toEqual([
      ['/img/7z.exe', 'invalid-signature'],
      ['/img/pegoat.exe', 'damaged-signature'],
      ['/img/whois-stuffed.exe', 'damaged-signature'],
    ]);
    const rules = g.policy.ruleCollections.flatMap((c) => c.rules);
    expect(rules.map((r) => r.kind)).toEqual(['FilePublisherRule']);
    expect([...g.trace.values()].flat()).toEqual(['/img/whois.exe']);
  });
});
