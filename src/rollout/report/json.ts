/**
 * The readiness report as JSON (`--json`): the ReadinessReport value with diagnostics in the shared JSON
 * shape (diag/render.ts diagnosticToJson, the same the HTTP API returns). Stable keys, plain data.
 */
import { diagnosticToJson } from '../../diag/index.js';
import type { ReadinessReport } from '../analysis/readiness.js';

/** A plain JSON-ready object; `JSON.stringify` of it is the `--json` output. */
export function readinessJson(r: ReadinessReport): Record<string, unknown> {
  return {
    workspace: r.workspace,
    verdict: r.verdict,
    generatedAt: r.generatedAt,
    window: { since: r.since, until: r.until },
    thresholds: r.thresholds,
    notes: r.notes.map(diagnosticToJson),
    ...(r.ingest ? { ingest: r.ingest } : {}),
    gpos: r.gpos.map((g) => ({
      gpo: g.gpo, guid: g.guid, collections: g.collections, verdict: g.verdict,
      ...(g.candidate ? { candidate: g.candidate } : {}),
      reasons: g.reasons.map(diagnosticToJson),
      sufficiency: g.sufficiency,
      groups: g.groups.map((x) => ({ ...x, reasons: x.reasons.map(diagnosticToJson) })),
    })),
  };
}
