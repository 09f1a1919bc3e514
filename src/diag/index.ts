/** The diag room's public facade: coded, located diagnostics, a collecting bag, and renderers. */
export * from './diagnostic.js';
export * from './bag.js';
export * from './render.js';
