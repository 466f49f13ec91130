// Pieces every subcommand shares: option parsers, the stdin source, progress on stderr, and an
// output writer that streams to stdout or to a file that appears only when the run succeeds.

import { Option } from 'commander';
import { openAtomicStream, type AtomicStream } from '../atomic-write.js';
import { streamSource, type InputSource } from '../corpus.js';
import { UsageError } from '../errors.js';
import { utf8Encoder } from '../utf8.js';
import type { Progress } from '../progress.js';
import { createProgressReporter, PROGRESS_MODES, type ProgressMode } from './progress-reporter.js';

/** Options every long-running command accepts. */
export interface ProgressOptions {
  quiet?: boolean;
  progress: ProgressMode;
}

/** Adds `--quiet` and `--progress` to a command. */
export function progressOptions(): Option[] {
  return [
    new Option('-q, --quiet', 'print nothing on stderr but errors'),
    new Option('--progress <mode>', 'progress display on stderr').choices(PROGRESS_MODES).default('auto'),
  ];
}

/** Creates the progress reporter chosen by `--quiet` and `--progress`. */
export function progressFor(options: ProgressOptions): Progress {
  return createProgressReporter(options.progress, options.quiet === true, process.stderr);
}

/** Creates the stdin input source, named `-`. */
export function stdinSource(): InputSource {
  return streamSource('-', process.stdin);
}

/** Parses a positive integer option value. */
export function parsePositiveInteger(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
      throw new UsageError(`invalid ${flag} '${value}'`, 'use a positive whole number');
    }
    return Number(value);
  };
}

/** Parses a number option value within [min, max]. */
export function parseNumberIn(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max) {
      throw new UsageError(`invalid ${flag} '${value}'`, `use a number from ${min} to ${max}`);
    }
    return number;
  };
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const FLUSH_BYTES = 1 << 16;

/**
 * Buffered output to stdout or to a file. A file is written under a temporary name and renamed
 * by `close`, so a failed run leaves any earlier file in place; `abort` discards it.
 */
export class OutputWriter {
  private buffer = new Uint8Array(FLUSH_BYTES * 2);
  private size = 0;
  private readonly file: AtomicStream | undefined;
  private readonly stream: NodeJS.WritableStream;

  constructor(path: string | undefined) {
    this.file = path === undefined || path === '-' ? undefined : openAtomicStream(path);
    this.stream = this.file?.stream ?? process.stdout;
  }

  /** Queues text (as UTF-8) or bytes; call `flushIfFull` regularly to bound memory. */
  write(chunk: string | Uint8Array): void {
    const maxBytes = typeof chunk === 'string' ? chunk.length * 3 : chunk.length;
    this.reserve(maxBytes);
    if (typeof chunk === 'string') {
      this.size += utf8Encoder.encodeInto(chunk, this.buffer.subarray(this.size)).written;
    } else {
      this.buffer.set(chunk, this.size);
      this.size += chunk.length;
    }
  }

  /** Queues non-negative integers as decimal text separated by single spaces, then `end`. */
  writeIntegers(values: ArrayLike<number>, end: number): void {
    this.reserve(values.length * 11 + 1);
    const buffer = this.buffer;
    let position = this.size;
    for (let k = 0; k < values.length; k++) {
      if (k > 0) buffer[position++] = 0x20;
      let value = values[k]!;
      // Write digits backwards into place, then advance past them.
      let digits = 1;
      for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
      for (let i = position + digits - 1; i >= position; i--) {
        buffer[i] = 0x30 + (value % 10);
        value = Math.floor(value / 10);
      }
      position += digits;
    }
    buffer[position++] = end;
    this.size = position;
  }

  private reserve(extraBytes: number): void {
    if (this.size + extraBytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.size + extraBytes));
    grown.set(this.buffer.subarray(0, this.size));
    this.buffer = grown;
  }

  /** Writes queued output once it passes 64 KiB, waiting when the stream pushes back. */
  async flushIfFull(): Promise<void> {
    if (this.size >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    // The stream keeps the chunk until written, so hand it over and start a new buffer.
    const chunk = this.buffer.subarray(0, this.size);
    this.buffer = new Uint8Array(FLUSH_BYTES * 2);
    this.size = 0;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
    }
  }

  /** Flushes and, for a file, renames it into place. */
  async close(): Promise<void> {
    await this.flush();
    if (this.file !== undefined) await this.file.commit();
  }

  /** Drops a partly written file; stdout output already written stays written. */
  abort(): void {
    this.file?.abort();
  }
}
