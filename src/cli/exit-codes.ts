/** Exit codes carry the domain answer (shared/design/README.md convention 10). */
export const ExitCode = {
  Ok: 0,
  /** The tool itself failed: unreadable file, bad arguments, internal error. */
  ToolFailure: 1,
  /** The answer is "something would be blocked" / "not ready". */
  WouldBlock: 2,
  /** The input policy (or workspace) is invalid. */
  InvalidPolicy: 3,
  /** Readiness: nothing would be blocked as far as the evidence shows, but the evidence is not enough. */
  InsufficientEvidence: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown by a command to end with a specific exit code after printing its own output. */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
