/**
 * The events room's facade (shared/design/README.md: each room's index.ts is the only import target for other
 * rooms): the normalised AppLockerEvent (applocker.md §9), the raw event shapes, the readers for every export
 * format with format detection, the AppLocker normaliser and the text writers.
 */
export * from './applocker-event.js';
export * from './raw-event.js';
export { rawEventFromElement, elementFromRawEvent, type ElementOrigin } from './raw-event-from-element.js';
export {
  normaliseAppLockerEvent,
  isAppLockerEvent,
  outcomeOf,
  collectionOf,
  normaliseGuid,
  normaliseHash,
  normaliseLogonId,
} from './normalise.js';
export * from './readers/index.js';
export * from './evtx/index.js';
export { logClearOf, type LogClear } from './log-clear.js';
