/**
 * The `IntakeSink` port (app/intake.ts) over an open evidence store: the store's one ingest path,
 * `ingestBytes`, for a batch received over HTTP. Issue 13 item 4.
 */
import type { IntakeSink, IntakeSummary } from '../app/intake.js';
import { ingestBytes } from './ingest.js';
import type { EvidenceStore } from './types.js';

/** Diagnostics kept per batch: one per rejected `_bulk` item must survive (Winlogbeat batches ≤ 1600 by default). */
const MAX_DIAGNOSTICS = 20_000;

export function storeIntakeSink(store: EvidenceStore): IntakeSink {
  return {
    async ingest(source): Promise<IntakeSummary> {
      const s = await ingestBytes(store, [source], { maxDiagnosticsPerFile: MAX_DIAGNOSTICS });
      const f = s.files[0];
      const diagnostics = [...s.diagnostics, ...(f?.diagnostics ?? [])];
      if (!f) return { stored: 0, duplicates: 0, ignored: 0, rejected: diagnostics.length, diagnostics };
      // A replayed batch has the same source row; its counters are this run's, as the row restarts at zero.
      return { stored: f.eventsStored, duplicates: f.duplicates, ignored: f.nonAppLocker, rejected: f.errors, diagnostics };
    },
  };
}
