// Atomic file output: everything is written to a temporary file beside the target and renamed
// over it only when complete, so an interrupted or failed run leaves the earlier file intact.

import { createWriteStream, openSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ToksmithError } from './errors.js';

function temporaryPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `contents` to `target` through a temporary file and a rename. */
export function writeFileAtomic(target: string, contents: Uint8Array | string): void {
  const temporary = temporaryPath(target);
  try {
    writeFileSync(temporary, contents);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ToksmithError(`cannot write ${target}: ${(error as Error).message}`, {
      hint: 'check that the folder exists and is writable',
      cause: error,
    });
  }
}

/** A streamed output file that appears under its name only after `commit`. */
export interface AtomicStream {
  stream: WriteStream;
  /** Flushes, closes and renames the file into place. */
  commit(): Promise<void>;
  /** Closes and deletes the temporary file; the target is left as it was. */
  abort(): void;
}

/** Opens a streamed output that replaces `target` only when committed. */
export function openAtomicStream(target: string): AtomicStream {
  const temporary = temporaryPath(target);
  let fd: number;
  try {
    fd = openSync(temporary, 'w');
  } catch (error) {
    throw new ToksmithError(`cannot write ${target}: ${(error as Error).message}`, {
      hint: 'check that the folder exists and is writable',
      cause: error,
    });
  }
  const stream = createWriteStream(temporary, { fd });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    stream,
    async commit() {
      await new Promise<void>((resolve, reject) => {
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      }).catch((error: Error) => {
        failure = error;
      });
      if (failure !== undefined) {
        rmSync(temporary, { force: true });
        throw new ToksmithError(`cannot write ${target}: ${failure.message}`, {
          hint: 'check that the folder exists and is writable',
          cause: failure,
        });
      }
      renameSync(temporary, target);
    },
    abort() {
      stream.destroy();
      rmSync(temporary, { force: true });
    },
  };
}
