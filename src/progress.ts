// Progress reporting interface for long-running library code (counting, training, encoding).
// Library code only calls these methods; the CLI decides whether they draw a bar, print
// throttled key=value lines, print JSON lines, or nothing, and always on stderr.

/** Extra figures reported with a progress update, such as a rate or a vocabulary size. */
export type ProgressFields = Record<string, string | number>;

/** Receiver of progress events. Every method must be cheap: callers may call `update` often. */
export interface Progress {
  /** Starts a named stage; `total` is in the stage's unit (`bytes`, `lines`, `merges`), if known. */
  start(stage: string, total?: number, unit?: string): void;
  /** Reports the amount done so far in the current stage. */
  update(done: number, fields?: ProgressFields): void;
  /** Ends the current stage with its final figures. */
  finish(fields?: ProgressFields): void;
  /** Reports a one-line notice, such as a sampling decision or a skipped input line. */
  notice(message: string): void;
}

/** A progress receiver that ignores every event. */
export const silentProgress: Progress = {
  start() {},
  update() {},
  finish() {},
  notice() {},
};
