/**
 * Shared types of the event readers: the formats `detectEventFormat` recognises, the item every reader
 * yields (`EventReadResult`) and the reader options (caps, per shared/design/README.md convention 5).
 * Used by every reader in this folder, by readers/index.ts (`readEvents`) and by the ingest/CLI edges.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { AppLockerEvent } from '../applocker-event.js';
import type { RawEvent } from '../raw-event.js';

/** Every export format the readers know (issue 5 item 2; formats.md §A for EVTX). */
export type EventFormat =
  | 'evtx'
  | 'event-xml'
  | 'ecs-json'
  | 'nxlog-json'
  | 'wazuh-json'
  | 'csv'
  | 'evt-legacy'
  | 'unknown';

/**
 * One record of an input: an event (with its AppLocker normalisation when it is one), or a located
 * error/warning. INVARIANT: every record of the input yields an `event` or an `error` (never silent loss);
 * warnings are extra.
 */
export type EventReadResult =
  | { readonly kind: 'event'; readonly raw: RawEvent; readonly applocker?: AppLockerEvent }
  | { readonly kind: 'error'; readonly diagnostic: Diagnostic }
  | { readonly kind: 'warning'; readonly diagnostic: Diagnostic };

export interface ReadEventsOptions {
  /** Force a format instead of detecting it. */
  readonly format?: EventFormat;
  /** Most records read from one input (default 10 000 000); the rest yields one `events.limit.exceeded`. */
  readonly maxRecords?: number;
  /** Deepest XML nesting accepted (default 64, bytes/limits.ts DEFAULT_LIMITS.maxDepth). */
  readonly maxDepth?: number;
  /** Most columns a CSV header may have (default 1024). */
  readonly maxColumns?: number;
  /** Longest single JSON line / CSV record / XML text node in characters (default 16 MiB). */
  readonly maxRecordChars?: number;
  /**
   * Called now and then with how far the reader got in its own units (EVTX: chunks; Event XML and NDJSON:
   * characters), for the CLI's progress bar. Never called for CSV or whole-document JSON.
   */
  readonly onProgress?: (done: number, total: number) => void;
  /** Skip AppLocker normalisation (dump mode): `applocker` is then never set. */
  readonly normalise?: boolean;
}

export const DEFAULT_READ_OPTIONS = {
  maxRecords: 10_000_000,
  maxDepth: 64,
  maxRecordChars: 16 * 1024 * 1024,
  maxColumns: 1024,
} as const;
