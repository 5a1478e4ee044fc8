// What every CLI command module exports, and the error for user mistakes (one line, exit code 2).

export interface Command {
  /** Full help text for `handshake-lab <command> --help`. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** A mistake of the user's (bad option, missing file): printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
