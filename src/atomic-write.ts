// Atomic file output: everything is written to a temporary file beside the target and renamed
// over it only when complete, so an interrupted or failed run leaves the earlier file intact.

import { createWriteStream, openSync, renameSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ToksmithError } from './errors.js';

function temporaryPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Checks that `target` can be an output file: not a directory, in a folder that exists.
 * Commands call this before any work, so a bad -o fails at once.
 */
export function checkOutputPath(target: string, flag = '-o'): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(target).isDirectory();
  } catch {
    // A missing target is normal: it is about to be created.
  }
  if (isDirectory) {
    throw new ToksmithError(`${flag} ${target}: is a directory`, { hint: `pass a file path for ${flag}` });
  }
  const folder = dirname(target);
  let folderExists = false;
  try {
    folderExists = statSync(folder).isDirectory();
  } catch {
    folderExists = false;
  }
  if (!folderExists) {
    throw new ToksmithError(`${flag} ${target}: folder ${folder} not found`, { hint: 'create the folder first or pass another path' });
  }
}

/** Writes `contents` to `target` through a temporary file and a rename. */
export function writeFileAtomic(target: string, contents: Uint8Array | string): void {
  checkOutputPath(target, 'output');
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
  checkOutputPath(target, 'output');
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
      try {
        renameSync(temporary, target);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw new ToksmithError(`cannot write ${target}: ${(error as Error).message}`, { hint: 'check that the path is a writable file', cause: error });
      }
    },
    abort() {
      stream.destroy();
      rmSync(temporary, { force: true });
    },
  };
}
