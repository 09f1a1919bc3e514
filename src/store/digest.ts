/**
 * An order-independent content digest of a store (types.ts `EvidenceStore.digest`): the sum modulo 2^256
 * of SHA-256 over each row's values, plus the row count. Rows are hashed by content (names, not internal
 * ids), so two stores that hold the same events and rollups agree whatever order they were written in.
 * Used by the kill test to compare an interrupted-and-resumed ingest with a clean one.
 */
import { createHash } from 'node:crypto';

const MOD = 1n << 256n;

export function digestAccumulator(): { add(kind: string, row: Record<string, unknown>): void; done(): string } {
  let sum = 0n;
  let count = 0;
  return {
    add(kind, row) {
      // Numbers and numeric strings (pg BIGINT) hash alike; null and absent alike.
      const text = kind + '\u001e' + Object.keys(row).sort().map((k) => `${k}=${row[k] === null || row[k] === undefined ? '' : String(row[k])}`).join('\u001f');
      sum = (sum + BigInt('0x' + createHash('sha256').update(text).digest('hex'))) % MOD;
      count++;
    },
    done() {
      return `${count}:${sum.toString(16).padStart(64, '0')}`;
    },
  };
}
