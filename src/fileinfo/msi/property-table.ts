/**
 * The MSI `Property` table: two string columns (Property, Value) stored column-wise, each cell a 2- or
 * 3-byte string-pool reference. Used by msi/index.ts for ProductName / ProductCode / ProductVersion /
 * Manufacturer. Spec: shared/spec/formats.md §D.2.
 */
import { fail, ok, type Result } from '../../diag/index.js';
import type { StringPool } from './msi-strings.js';

/**
 * Reads the Property table rows into a Map (key → value) in file order.
 * Row count = stream size / (2 × reference size); a size that is not a whole number of rows is an error.
 */
export function parsePropertyTable(stream: Uint8Array, pool: StringPool, opts: { file?: string } = {}): Result<Map<string, string>> {
  const ref = pool.longRefs ? 3 : 2;
  const rowBytes = 2 * ref;
  if (stream.length % rowBytes !== 0) {
    return fail([{
      code: 'fileinfo.msi.bad-property-table', severity: 'error',
      message: `the Property table is ${stream.length} bytes, not a whole number of ${rowBytes}-byte rows`,
      location: { kind: 'bytes', offset: 0, field: '!Property', ...(opts.file !== undefined ? { file: opts.file } : {}) },
    }]);
  }
  const rows = stream.length / rowBytes;
  const read = (off: number): number =>
    ref === 2 ? stream[off]! | (stream[off + 1]! << 8) : stream[off]! | (stream[off + 1]! << 8) | (stream[off + 2]! << 16);
  const out = new Map<string, string>();
  let bad = 0;
  for (let r = 0; r < rows; r++) {
    const k = read(r * ref);
    const v = read(rows * ref + r * ref);
    const key = pool.strings[k];
    const value = pool.strings[v];
    if (key === undefined || value === undefined) {
      bad++;
      continue;
    }
    out.set(key, value);
  }
  const diagnostics = bad
    ? [{ code: 'fileinfo.msi.bad-string-ref', severity: 'warning' as const, message: `${bad} Property rows reference strings beyond the pool; skipped` }]
    : [];
  return ok(out, diagnostics);
}
