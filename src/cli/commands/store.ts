/**
 * `lockstep store migrate|info|check`: the evidence store's schema and contents (issue 6 item 2). Opening a
 * store runs its pending migrations (numbered, forward-only), so `migrate` is "open and report".
 * Exit codes: 0 ok, 1 the store cannot be opened (or its schema is newer than this lockstep).
 */
import type { Command } from 'commander';
import { openStore, storeTarget, type StoreInfo } from '../../store/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { out, outJson } from '../output.js';

interface Options {
  store?: string;
  json?: boolean;
}

async function withInfo(o: Options, create: boolean): Promise<StoreInfo> {
  const store = await openStore(storeTarget(o.store), { create });
  try {
    return await store.info();
  } finally {
    await store.close();
  }
}

const storeOption = ['--store <target>', 'SQLite file or postgres:// URL (default: $LOCKSTEP_STORE or .lockstep/evidence.db)'] as const;

export function register(program: Command): void {
  const store = program.command('store').description('create, migrate and inspect the evidence store');

  store
    .command('migrate')
    .description('create the store if needed and apply pending schema migrations')
    .option(...storeOption)
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Examples:
  $ lockstep store migrate
  $ lockstep store migrate --store postgres://lockstep@db.example/lockstep
Exit: 0 up to date, 1 cannot open or the schema is newer than this lockstep.`)
    .action(async (o: Options) => {
      const info = await withInfo(o, true);
      if (o.json) outJson({ target: info.target, kind: info.kind, schemaVersion: info.schemaVersion, migrations: info.migrations });
      else {
        for (const m of info.migrations) out(`${String(m.version).padStart(4, '0')} ${m.name}  applied ${m.appliedAt}`);
        out(`${info.kind} store ${info.target}: schema version ${info.schemaVersion}, up to date`);
      }
    });

  store
    .command('info')
    .description('schema version and what the store holds')
    .option(...storeOption)
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Examples:
  $ lockstep store info
  $ lockstep store info --store /srv/lockstep/evidence.db --json
Exit: 0 ok, 1 cannot open.`)
    .action(async (o: Options) => {
      const info = await withInfo(o, false);
      if (o.json) outJson(info);
      else {
        out(`store:          ${info.target} (${info.kind})`);
        out(`schema version: ${info.schemaVersion}`);
        out(`events:         ${info.events}`);
        out(`sources:        ${info.sources}`);
        out(`computers:      ${info.computers}`);
        out(`distinct files: ${info.files}`);
        out(`rollup rows:    ${info.rollupRows}`);
      }
    });

  store
    .command('check')
    .description('run the integrity checks: the lockstep mark and schema, the database\'s own checks, the rollup against the events')
    .option(...storeOption)
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Reads only: a store on read-only media can be checked. A foreign or damaged file is refused unchanged.
Examples:
  $ lockstep store check --store .lockstep/evidence.db
  $ lockstep store check --store postgres://lockstep@db.example/lockstep --json
Exit: 0 every check passed, 1 cannot open, 2 a check failed.`)
    .action(async (o: Options) => {
      const target = storeTarget(o.store);
      const store = await openStore(target, { readOnly: !/^postgres/i.test(target) });
      let result;
      try {
        result = await store.check();
      } finally {
        await store.close();
      }
      if (o.json) outJson({ target: store.target, kind: store.kind, ...result });
      else {
        for (const f of result.findings) out(`${f.ok ? 'ok  ' : 'FAIL'}  ${f.check.padEnd(12)} ${f.detail}`);
        out(`${store.kind} store ${store.target}: ${result.ok ? 'every check passed' : `${result.findings.filter((f) => !f.ok).length} check(s) failed`}`);
      }
      if (!result.ok) throw new CliExit(ExitCode.WouldBlock);
    });
}
