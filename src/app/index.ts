/**
 * The use-case room (shared/design/app-layer.md): each use case is `(ports, input) → Promise<UseCaseResult>`,
 * prints nothing, reads no environment. The CLI and the server are thin adapters over these.
 */
export * from './ports.js';
export * from './result.js';
export * from './workspace.js';
export * from './readiness.js';
export * from './lint.js';
export * from './history.js';
export * from './accept.js';
export * from './promote.js';
export * from './rollback.js';
export * from './export.js';
export * from './import.js';
export * from './keys.js';
export * from './accounts.js';
export * from './intake.js';
export * from './views.js';
export * from './approval.js';
export * from './access-request.js';
export * from './monitor.js';
