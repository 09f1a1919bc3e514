/**
 * The store room's public facade (an edge room: it does I/O). Everything other rooms and the CLI use.
 */
export { openStore, isPostgresUrl, redactTarget, storeTarget, storeFailureDiagnostic, DEFAULT_STORE_PATH, type OpenStoreOptions } from './open.js';
export { InputFileError, MAX_READ_BYTES, readInputFile, walkInputs, type InputLimits, type WalkOptions, type WalkResult } from './input-files.js';
export { ingestPaths, ingestBytes, type ByteSource, type IngestOptions, type IngestProgress, type IngestSummary, type FileIngestSummary } from './ingest.js';
export type {
  EvidenceStore, StoreCheck, StoreCheckFinding, IngestSource, InsertResult, SourceProgress, SourceRecord, SourceStatus, StoreInfo, AppliedMigration,
} from './types.js';
export { StoreCode } from './errors.js';
export { normalizeTime } from './time.js';
export { nodeWorkspaceFiles, nodeEvidenceStores, nodePromotionLogs, systemClock, writeFileAtomic } from './node-ports.js';
export type { RuleCount } from './query.js';
export { openAccountStore } from './accounts-store.js';
export { storeIntakeSink } from './intake-sink.js';
export { openRequestStore, nodeAccessRequestLogs, type RequestStore } from './requests.js';
