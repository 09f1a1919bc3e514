/**
 * Diagnostic codes of the store room (STYLE.md: dotted, stable). Messages are built where raised.
 */
export const StoreCode = {
  OpenFailed: 'store.open.failed',
  NotADatabase: 'store.open.not-a-database',
  /** No store at the path given, and the command does not create one (a typo in --store). */
  Missing: 'store.open.missing',
  /** Another application's SQLite database / PostgreSQL schema: refused, never changed. */
  Foreign: 'store.open.foreign',
  /** The store's file is damaged (SQLITE_CORRUPT, failed integrity check). */
  Damaged: 'store.integrity.damaged',
  /** The disk holding the store is full. */
  DiskFull: 'store.io.disk-full',
  /** The store is read-only (media or permissions) and the command needs to write. */
  ReadOnly: 'store.io.read-only',
  /** Another process holds the store's lock. */
  Busy: 'store.io.busy',
  /** An input/output error on the store. */
  Io: 'store.io.error',
  /** The PostgreSQL connection was lost (server shutdown 57P01, network). */
  ConnectionLost: 'store.io.connection-lost',
  SchemaTooNew: 'store.schema.too-new',
  MigrationFailed: 'store.schema.migration-failed',
  BadFilterTime: 'store.filter.bad-time',
  BadEventTime: 'store.event.bad-time',
  IngestUnreadable: 'store.ingest.unreadable',
  IngestUnknownFormat: 'store.ingest.unknown-format',
  IngestTooLarge: 'store.ingest.too-large',
  IngestAborted: 'store.ingest.aborted',
  /** A FIFO, device or socket given as an input (read only with --allow-special-files). */
  InputNotRegular: 'store.input.not-regular',
  /** A symlinked folder that leads back into the walk. */
  InputSymlinkLoop: 'store.input.symlink-loop',
  /** A walk cap (files, folder depth) was hit. */
  InputLimit: 'store.input.limit',
  /** An input file or folder that cannot be read (missing, permissions, I/O): the code ingest always used. */
  InputUnreadable: 'store.ingest.unreadable',
  /** An input file over the byte cap (the code ingest always used). */
  InputTooLarge: 'store.ingest.too-large',
  /** A reader failed on a file in a way it did not report itself; the file's remaining records were not read. */
  IngestReaderFailed: 'store.ingest.reader-failed',
} as const;
export type StoreCode = (typeof StoreCode)[keyof typeof StoreCode];
