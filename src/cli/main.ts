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
    .showHelpAfterError()
    .exitOverride();
  const names = only && Object.hasOwn(commandModules, only) ? [only] : Object.keys(commandModules);
  for (const name of names) (await commandModules[name]!()).register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
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
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      err(`error: ${(e as Error).message}`);
      return ExitCode.ToolFailure;
    }
    err(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    return ExitCode.ToolFailure;
  }
}
