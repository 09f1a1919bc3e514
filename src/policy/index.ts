/**
 * The policy room's public facade (design README: each room's index.ts is the only import target for
 * other rooms). The AppLocker model and its facts, the XML reader/writer, validation and path variables.
 * Spec: shared/spec/applocker.md §1, §4.1, §11.
 */
export * from './model.js';
export * from './file-information.js';
export * from './fqbn.js';
export * from './file-types.js';
export * from './path-variables.js';
export * from './xml/index.js';
export * from './validate/index.js';
export * from './merge.js';
export * from './diff.js';
export * from './defaults.js';
export * from './generate.js';
export * from './user-writable.js';
export * from './lint/index.js';
