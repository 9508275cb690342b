/** Exit codes of the CLI (a contract: scripts and CI depend on them). */
export const EXIT = {
  /** Pack written and nothing at or above the `--fail-on` level (verify: pack intact). */
  ok: 0,
  /** Pack written with findings at or above the `--fail-on` level (verify: pack does not verify). */
  findings: 1,
  /** Usage or config error; nothing written. */
  usage: 2,
  /** The pack could not be produced. */
  failed: 3,
} as const;

/** An error the CLI reports without a stack trace, with a given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Extra lines shown under the message (e.g. each config problem). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad flags or arguments: exit 2, nothing written. */
export function usageError(message: string, details: string[] = []): CliError {
  return new CliError(message, EXIT.usage, details);
}
