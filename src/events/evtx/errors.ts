/**
 * Diagnostic codes of the EVTX reader (formats.md §A), one place so callers and tests can match on them.
 * Every record-level problem carries a ByteLocation with the chunk and record in `context`.
 */
import type { ByteLocation, Diagnostic, Severity } from '../../diag/index.js';

export const EvtxCode = {
  notEvtx: 'events.evtx.not-evtx',
  legacyEvt: 'events.evtx.legacy-evt',
  headerTruncated: 'events.evtx.header-truncated',
  headerCrc: 'events.evtx.header-crc',
  headerInconsistent: 'events.evtx.header-inconsistent',
  dirty: 'events.evtx.dirty',
  chunkBadMagic: 'events.evtx.chunk-bad-magic',
  chunkTruncated: 'events.evtx.chunk-truncated',
  chunkHeaderCrc: 'events.evtx.chunk-header-crc',
  chunkDataCrc: 'events.evtx.chunk-data-crc',
  chunkFreeSpace: 'events.evtx.chunk-free-space',
  recordBadMagic: 'events.evtx.record-bad-magic',
  recordSize: 'events.evtx.record-size',
  recordSizeCopy: 'events.evtx.record-size-copy',
  recordEmpty: 'events.evtx.record-empty',
  recoveredRejected: 'events.evtx.recovered-rejected',
  unknownToken: 'events.evtx.binxml.unknown-token',
  structure: 'events.evtx.binxml.structure',
  badName: 'events.evtx.binxml.bad-name',
  templateOffset: 'events.evtx.binxml.template-offset',
  depth: 'events.evtx.binxml.depth',
  tooMany: 'events.evtx.binxml.too-many',
  valueType: 'events.evtx.binxml.value-type',
  valueSize: 'events.evtx.binxml.value-size',
} as const;

export type EvtxDiagnosticCode = (typeof EvtxCode)[keyof typeof EvtxCode];

export function evtxDiagnostic(
  code: string,
  severity: Severity,
  message: string,
  location?: Omit<ByteLocation, 'kind'>,
  help?: string,
): Diagnostic {
  return {
    code,
    severity,
    message,
    ...(location ? { location: { kind: 'bytes', ...location } } : {}),
    ...(help !== undefined ? { help } : {}),
  };
}

/** Thrown inside the BinXml parser and caught at the record boundary (record.ts); never escapes the module. */
export class BinXmlError extends Error {
  constructor(readonly code: string, message: string, readonly offset: number, readonly field?: string) {
    super(message);
    this.name = 'BinXmlError';
  }
}
