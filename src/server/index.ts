/**
 * The server room's facade (an edge: HTTP). `startServer` for `lockstep serve`, tests and benchmarks;
 * `createApp` for in-process tests; the route table for the authorization matrix.
 */
export { startServer, DEFAULT_WEB_ROOT, type ServeOptions, type RunningServer } from './serve.js';
export { createApp, IntakeGate, DEFAULT_LIMITS, SESSION_COOKIE, CSRF_HEADER, type ServerLimits, type CreateAppOptions } from './app.js';
export { routes, specialRoutes, type Route, type ServerDeps } from './routes.js';
