/** The bytes room: a bounded, named cursor over Uint8Array, text decoding and the caps parsers use. */
export * from './cursor.js';
export * from './limits.js';
