/**
 * Diagnostic codes of the store room (STYLE.md: dotted, stable). Messages are built where raised.
 */
export const StoreCode = {
  OpenFailed: 'store.open.failed',
  NotADatabase: 'store.open.not-a-database',
  SchemaTooNew: 'store.schema.too-new',
  MigrationFailed: 'store.schema.migration-failed',
  BadFilterTime: 'store.filter.bad-time',
  BadEventTime: 'store.event.bad-time',
  IngestUnreadable: 'store.ingest.unreadable',
  IngestUnknownFormat: 'store.ingest.unknown-format',
  IngestTooLarge: 'store.ingest.too-large',
  IngestAborted: 'store.ingest.aborted',
} as const;
export type StoreCode = (typeof StoreCode)[keyof typeof StoreCode];
