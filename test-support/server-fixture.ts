/**
 * A seeded workspace for the server's tests: the demo (SYNTHETIC fleet, its simulated evidence ingested into
 * a SQLite store) in a temporary folder, made through the real CLI in-process, plus the server's dependencies
 * over it with a clock the test can move. Used by src/server/*.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAccount, FAST_TEST_KDF, LoginThrottle, type AccountStore, type Role } from '../src/app/index.js';
import type { ServerDeps } from '../src/server/index.js';
import { nodeEvidenceStores, nodePromotionLogs, nodeWorkspaceFiles, openAccountStore, openStore, storeIntakeSink, type EvidenceStore } from '../src/store/index.js';
import { runCliInProcess } from './cli.js';

export interface SeededWorkspace {
  readonly dir: string;
  readonly store: string;
  /** The demo's `report readiness --json`, as the CLI printed it. */
  readonly readinessJson: Record<string, unknown>;
  cleanup(): void;
}

export async function seededWorkspace(o: { machines?: number; days?: number } = {}): Promise<SeededWorkspace> {
  const root = mkdtempSync(join(tmpdir(), 'lockstep-server-'));
  const dir = join(root, 'ws');
  const r = await runCliInProcess(['demo', dir, '--json', '--machines', String(o.machines ?? 12), '--days', String(o.days ?? 15)]);
  if (r.code !== 0) throw new Error(`demo failed (${r.code}): ${r.stderr}`);
  return { dir, store: join(dir, '.lockstep', 'evidence.db'), readinessJson: JSON.parse(r.stdout) as Record<string, unknown>, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface TestDeps {
  readonly deps: ServerDeps;
  readonly clock: { now(): Date; advance(ms: number): void };
  readonly accounts: AccountStore;
  readonly evidence: EvidenceStore;
  /** Adds an account with password `password-of-NAME` (a fast KDF: tests only). */
  addUser(name: string, role: Role): Promise<void>;
  close(): Promise<void>;
}

export async function testDeps(ws: SeededWorkspace): Promise<TestDeps> {
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset), advance: (ms: number) => { offset += ms; } };
  const accounts = await openAccountStore(ws.store);
  const evidence = await openStore(ws.store);
  const deps: ServerDeps = {
    ports: { files: nodeWorkspaceFiles(ws.dir), stores: nodeEvidenceStores, logs: nodePromotionLogs, clock, env: () => undefined },
    accounts, intake: storeIntakeSink(evidence), throttle: new LoginThrottle(), tls: false, checkResponses: true,
  };
  return {
    deps, clock, accounts, evidence,
    addUser: async (name, role) => {
      const r = await addAccount({ accounts, clock }, { name, role, password: `password-of-${name}`, actor: 'test', kdf: FAST_TEST_KDF });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    },
    close: async () => {
      await accounts.close();
      await evidence.close();
    },
  };
}
