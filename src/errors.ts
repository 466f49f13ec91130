// Error types shared by every command: one base class carrying an exit code and a hint.
// Input errors (bad files, bad data, bad arguments) are expected and print one line; anything
// else is a bug and the CLI prints its stack.

/** Process exit codes. Commands may add their own codes above `internal`. */
export const ExitCode = {
  ok: 0,
  /** Bad input or data: a missing or invalid file, invalid UTF-8, an empty corpus. */
  badInput: 1,
  /** Bad command-line usage: an unknown option value, a missing required option. */
  usage: 2,
  /** A bug in toksmith: an invariant failed. */
  internal: 3,
} as const;

export interface ToksmithErrorOptions {
  /** Advice for the user, appended after the message. */
  hint?: string;
  exitCode?: number;
  cause?: unknown;
}

/** An expected failure caused by input, reported as one line without a stack trace. */
export class ToksmithError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: ToksmithErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ToksmithError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.badInput;
  }

  /** Formats the message and hint as the single line the CLI prints. */
  toLine(): string {
    return this.hint === undefined ? this.message : `${this.message}; ${this.hint}`;
  }
}

/** A command-line usage error (exit code 2). */
export class UsageError extends ToksmithError {
  constructor(message: string, hint?: string) {
    super(message, { hint, exitCode: ExitCode.usage });
    this.name = 'UsageError';
  }
}

/** Throws an internal error when an invariant does not hold. Failures are bugs, never input errors. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(`internal invariant failed: ${message}`);
  }
}
