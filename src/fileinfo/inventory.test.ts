/** Inventory JSONL: round trip, torn last line (an interrupted scan), bad lines, re-scan replaces. */
import { describe, expect, it } from 'vitest';
import { INVENTORY_FORMAT, formatInventoryLine, parseInventory, resumeKey, type InventoryEntry } from './inventory.js';

const e = (path: string, size: number, extra: Partial<InventoryEntry> = {}): InventoryEntry => ({
  format: INVENTORY_FORMAT, group: 'Finance', path, size, mtimeMs: 1700000000000.5, info: { path: `C:\\${path}`, hashes: { SHA256: 'AB' } }, ...extra,
});

describe('inventory JSONL', () => {
  it('round-trips and keys on path + size + whole-ms mtime', () => {
    const text = formatInventoryLine(e('a.exe', 1)) + formatInventoryLine(e('b.exe', 2));
    const r = parseInventory(text);
    expect(r.ok && r.value.map((x) => x.path)).toEqual(['a.exe', 'b.exe']);
    expect(resumeKey(e('a.exe', 1))).toBe(resumeKey({ path: 'a.exe', size: 1, mtimeMs: 1700000000000.9 }));
    expect(resumeKey(e('a.exe', 1))).not.toBe(resumeKey(e('a.exe', 2)));
  });
  it('drops a torn last line with a warning, but a bad middle line is an error with its line number', () => {
    const good = formatInventoryLine(e('a.exe', 1));
    const torn = parseInventory(good + '{"format":"lockstep.inv');
    expect(torn.ok && torn.value).toHaveLength(1);
    expect(torn.diagnostics.map((d) => d.code)).toEqual(['fileinfo.inventory.torn-line']);
    const bad = parseInventory(good + 'nonsense\n' + good);
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]).toMatchObject({ code: 'fileinfo.inventory.bad-line', location: { line: 2 } });
    const foreign = parseInventory('{"hello":1}\n');
    expect(foreign.ok).toBe(false);
  });
  it('a later line for the same file replaces the earlier one', () => {
    const r = parseInventory(formatInventoryLine(e('a.exe', 1, { signature: 'NotSigned' })) + formatInventoryLine(e('a.exe', 1, { signature: 'Valid' })));
    expect(r.ok && r.value.map((x) => x.signature)).toEqual(['Valid']);
  });
});
