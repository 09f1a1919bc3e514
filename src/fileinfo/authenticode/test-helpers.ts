/**
 * Small helpers shared by this folder's tests (not part of the public API).
 */
import { unwrap } from '../../diag/index.js';
import { parsePe, type PeImage } from '../pe/index.js';

export { parsePe };

/** parsePe or throw (tests only). */
export function unwrapPe(bytes: Uint8Array): PeImage {
  return unwrap(parsePe(bytes));
}
