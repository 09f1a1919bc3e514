/**
 * The `lockstep` CLI entry point: parses argv with commander and dispatches to commands/*. Returns the
 * exit code instead of calling process.exit, so tests can run it in-process.
 */
import { Command, CommanderError } from 'commander';
import { DiagnosticError } from '../diag/index.js';
import { commandModules } from './commands/index.js';
import { CliExit, ExitCode } from './exit-codes.js';
import { err, reportDiagnostics } from './output.js';

export { CliExit };

/** Builds the program with every command, or only `only` when the command being run is known. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('lockstep')
    .description('Take AppLocker from Audit only to Enforce rules, one business group at a time')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage and examples)')
    .exitOverride();
  const names = only && Object.hasOwn(commandModules, only) ? [only] : Object.keys(commandModules);
  for (const name of names) (await commandModules[name]!()).register(program);
  return program;
}

const FS_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory; a file was expected',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
};

/** A file-system error as a person reads it: the path in backticks and what is wrong, no errno jargon. */
function describeFsError(e: unknown): string | undefined {
  const x = e as NodeJS.ErrnoException;
  const what = x?.code ? FS_ERRORS[x.code] : undefined;
  if (!what) return undefined;
  return x.path ? `\`${x.path}\`: ${what}` : what;
}

/** Output piped into `head` closes early: that is the reader's choice, not an error (no EPIPE stack trace). */
const guarded = new WeakSet<NodeJS.WriteStream>();
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  // once per stream: main() runs many times in one process in the tests
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const program = await buildProgram(argv[0]);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    if (e instanceof CommanderError) {
      // help and version are "errors" to commander; their exit code is 0
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.ToolFailure;
    }
    if (e instanceof DiagnosticError) {
      reportDiagnostics(e.diagnostics);
      return ExitCode.ToolFailure;
    }
    // A store failure (disk full, damaged file, PostgreSQL shutdown 57P01…) reaching here still gets a
    // coded message, not a stack; the store module is loaded only then (start-up stays lean).
    const code = String((e as { code?: unknown })?.code ?? '');
    if (/^SQLITE_|^[0-9A-Z]{5}$/.test(code)) {
      const { storeFailureDiagnostic } = await import('../store/index.js');
      const d = storeFailureDiagnostic(e);
      if (d) {
        reportDiagnostics([d]);
        return ExitCode.ToolFailure;
      }
    }
    const fsMessage = describeFsError(e);
    if (fsMessage) {
      err(`error: ${fsMessage}`);
      return ExitCode.ToolFailure;
    }
    err(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    return ExitCode.ToolFailure;
  }
}
