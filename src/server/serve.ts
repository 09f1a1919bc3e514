/**
 * Starts the server for a workspace (issue 13 item 1): resolves the workspace's store exactly as the CLI does
 * (app/workspace.ts), opens the accounts tables and a long-lived evidence store for the intake, and serves
 * `createApp` on Node (HTTP, or HTTPS with `tls`). `lockstep serve`, the browser tests and the benchmark
 * all start it through here.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { loadWorkspace, LoginThrottle, workspaceStoreTarget, type UseCaseResult, refuse, succeed } from '../app/index.js';
import type { Diagnostic } from '../diag/index.js';
import { nodeEvidenceStores, nodePromotionLogs, nodeWorkspaceFiles, openAccountStore, openStore, redactTarget, storeIntakeSink, systemClock } from '../store/index.js';
import { createApp, type ServerLimits } from './app.js';

/** dist/web from dist/server/serve.js and from src/server/serve.ts alike. */
export const DEFAULT_WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');

export interface ServeOptions {
  readonly workspace: string;
  readonly store?: string;
  /** `host:port`; port 0 picks a free one. */
  readonly listen: string;
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly env: (name: string) => string | undefined;
  readonly webRoot?: string;
  readonly limits?: Partial<ServerLimits>;
  readonly checkResponses?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly store: string;
  close(): Promise<void>;
}

function parseListen(listen: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  return port <= 65535 ? { host: m[1] ?? m[2]!, port } : undefined;
}

export async function startServer(o: ServeOptions): Promise<UseCaseResult<RunningServer>> {
  const where = parseListen(o.listen);
  if (!where) return refuse('usage', [{ code: 'server.listen.bad', severity: 'error', message: `\`${o.listen}\` is not host:port`, help: 'e.g. `--listen 127.0.0.1:8080`' }]);
  const files = nodeWorkspaceFiles(o.workspace);
  const l = await loadWorkspace(files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const t = workspaceStoreTarget(l.value, files, o.store, o.env);
  if (!t.ok) return refuse('usage', t.diagnostics);
  const target = t.value;
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (o.tls) {
    try {
      tls = { cert: readFileSync(o.tls.cert), key: readFileSync(o.tls.key) };
    } catch (e) {
      return refuse('usage', [{ code: 'server.tls.unreadable', severity: 'error', message: `cannot read the TLS certificate or key: ${(e as Error).message}` }]);
    }
  }
  let evidence;
  let accounts;
  try {
    evidence = await openStore(target, { create: true });
    accounts = await openAccountStore(target);
  } catch (e) {
    await evidence?.close();
    const ds = (e as { diagnostics?: Diagnostic[] }).diagnostics;
    return refuse('unavailable', ds ?? [{ code: 'app.store.unavailable', severity: 'error', message: `cannot open the evidence store \`${redactTarget(target)}\`: ${(e as Error).message}` }]);
  }
  const app = createApp({
    deps: {
      ports: { files, stores: nodeEvidenceStores, logs: nodePromotionLogs, clock: systemClock, env: o.env },
      accounts, intake: storeIntakeSink(evidence), throttle: new LoginThrottle(),
      ...(o.store ? { store: o.store } : {}), tls: !!tls, ...(o.checkResponses ? { checkResponses: true } : {}),
    },
    webRoot: o.webRoot ?? DEFAULT_WEB_ROOT,
    ...(o.limits ? { limits: o.limits } : {}),
  });
  const server = await new Promise<ReturnType<typeof serve>>((res, rej) => {
    const s = serve({
      fetch: app.fetch, hostname: where.host, port: where.port,
      ...(tls ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } } : {}),
    }, () => res(s));
    s.once('error', rej);
  }).catch((e: Error) => e);
  if (server instanceof Error) {
    await evidence.close();
    await accounts.close();
    return refuse('unavailable', [{ code: 'server.listen.failed', severity: 'error', message: `cannot listen on \`${o.listen}\`: ${server.message.toLowerCase()}` }]);
  }
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return succeed({
    url: `${tls ? 'https' : 'http'}://${host}:${addr.port}`,
    store: redactTarget(target),
    close: async () => {
      await new Promise<void>((res) => {
        server.close(() => res());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await evidence.close();
      await accounts.close();
    },
  });
}

