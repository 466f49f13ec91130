// The corpus reader shared by every trainer and by encode: resolves files, globs and `-`
// (stdin), then streams lines in batches without holding the corpus in memory.
// Only LF ends a line, so a CR before it stays part of the line. Invalid UTF-8 is an error
// naming file:line:byte unless the caller chooses to replace or skip. NUL bytes are ordinary
// characters (U+0000): they are counted, encoded and decoded like any other.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream, statSync, type Stats } from 'node:fs';
import { ToksmithError, UsageError } from './errors.js';
import type { Progress } from './progress.js';
import { findInvalidUtf8, formatBytes, lenientUtf8Decoder, utf8Decoder } from './utf8.js';

export const INVALID_POLICIES = ['error', 'replace', 'skip'] as const;
export type InvalidPolicy = (typeof INVALID_POLICIES)[number];

/** One input: a file, or a stream such as stdin. */
export interface InputSource {
  /** Name used in messages and provenance: the path, or `-` for stdin. */
  name: string;
  /** Size in bytes when known in advance. */
  size?: number;
  open(): AsyncIterable<Buffer | Uint8Array>;
}

/** Size and SHA-256 of an input, measured while it was read. */
export interface InputDigest {
  file: string;
  bytes: number;
  sha256: string;
}

export interface ReadOptions {
  onInvalid?: InvalidPolicy;
  progress?: Progress;
  /** Called once per source when it has been read to the end. */
  onDigest?: (digest: InputDigest) => void;
  /** Called for each line dropped by `onInvalid: 'skip'`, with its source and 1-based number. */
  onSkip?: (source: string, lineNumber: number) => void;
}

/** A batch of consecutive lines of one source, without their LF. */
export interface LineBatch {
  source: string;
  /** 1-based line number of `lines[0]`. */
  firstLineNumber: number;
  lines: string[];
}

/** Creates an input source for a file path. */
export function fileSource(path: string, size?: number): InputSource {
  return {
    name: path,
    size,
    open: () => createReadStream(path, { highWaterMark: 1 << 20 }),
  };
}

/** Creates an input source for an already open stream, such as `process.stdin`. */
export function streamSource(name: string, stream: AsyncIterable<Buffer | Uint8Array>): InputSource {
  return { name, open: () => stream };
}

/**
 * Expands command-line inputs into sources, in order and without duplicates.
 * `-` stands for `stdin`; a path that does not exist is read as a glob (fast-glob syntax).
 * Throws a one-line error for a directory, a missing file or a glob that matches nothing.
 */
export async function resolveInputs(patterns: readonly string[], stdin: InputSource): Promise<InputSource[]> {
  const sources: InputSource[] = [];
  const seen = new Set<string>();
  const add = (source: InputSource): void => {
    if (seen.has(source.name)) return;
    seen.add(source.name);
    sources.push(source);
  };
  for (const pattern of patterns) {
    if (pattern === '-') {
      add(stdin);
      continue;
    }
    const stats = statOrUndefined(pattern);
    if (stats?.isDirectory()) {
      throw new ToksmithError(`${pattern}: is a directory, not a text file`, {
        hint: `pass its files or a glob such as '${pattern.replace(/\/$/, '')}/**/*.txt'`,
      });
    }
    if (stats !== undefined) {
      add(fileSource(pattern, stats.size));
      continue;
    }
    // fast-glob is loaded only for patterns: importing it costs tens of milliseconds per run.
    if (!/[*?[\]{}()!]/.test(pattern)) {
      throw new ToksmithError(`${pattern}: input file not found`, { hint: 'check the path' });
    }
    const { default: fastGlob } = await import('fast-glob');
    if (!fastGlob.isDynamicPattern(pattern)) {
      throw new ToksmithError(`${pattern}: input file not found`, { hint: 'check the path' });
    }
    const matches = (await fastGlob(pattern, { onlyFiles: true, unique: true })).sort();
    if (matches.length === 0) {
      throw new ToksmithError(`no files match '${pattern}'`, { hint: 'check the pattern, and quote it so the shell does not expand it' });
    }
    for (const match of matches) add(fileSource(match, statOrUndefined(match)?.size));
  }
  return sources;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Parses an `--on-invalid` value. */
export function parseInvalidPolicy(value: string): InvalidPolicy {
  if (!(INVALID_POLICIES as readonly string[]).includes(value)) {
    throw new UsageError(`invalid --on-invalid value '${value}'`, `use one of: ${INVALID_POLICIES.join(', ')}`);
  }
  return value as InvalidPolicy;
}

function invalidUtf8Error(source: string, lineNumber: number, line: Uint8Array, offset: number, length: number): ToksmithError {
  return new ToksmithError(
    `${source}:${lineNumber}:${offset + 1}: invalid UTF-8 (${formatBytes(line.subarray(offset, offset + length))})`,
    { hint: 're-encode the file as UTF-8 or pass --on-invalid replace (or skip)' },
  );
}

/** Reading state of one source: line numbering, digest and progress. */
class SourceReader {
  private lineNumber = 1;
  private bytesRead = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(
    private readonly source: InputSource,
    private readonly options: ReadOptions,
  ) {}

  /** Decodes complete lines (`region` ends with LF) into a batch. */
  decodeRegion(region: Uint8Array): LineBatch {
    const batch: LineBatch = { source: this.source.name, firstLineNumber: this.lineNumber, lines: [] };
    let text: string | undefined;
    try {
      text = utf8Decoder.decode(region);
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      batch.lines = text.split('\n');
      batch.lines.pop();
      this.lineNumber += batch.lines.length;
      return batch;
    }
    // Slow path: some line is invalid, so handle the region line by line.
    let start = 0;
    while (start < region.length) {
      const end = region.indexOf(0x0a, start);
      const line = region.subarray(start, end);
      batch.lines.push(...this.decodeInvalidLine(line, batch));
      start = end + 1;
      this.lineNumber++;
    }
    return batch;
  }

  private decodeInvalidLine(line: Uint8Array, batch: LineBatch): string[] {
    const invalid = findInvalidUtf8(line);
    if (invalid === undefined) return [utf8Decoder.decode(line)];
    const policy = this.options.onInvalid ?? 'error';
    if (policy === 'error') throw invalidUtf8Error(this.source.name, this.lineNumber, line, invalid.offset, invalid.length);
    if (policy === 'replace') return [lenientUtf8Decoder.decode(line)];
    this.options.onSkip?.(this.source.name, this.lineNumber);
    // A skipped line leaves a gap, so the batch's line numbers no longer run consecutively.
    if (batch.lines.length === 0) batch.firstLineNumber = this.lineNumber + 1;
    return [];
  }

  /** Decodes the last line when the source does not end with LF. */
  decodeTail(tail: Uint8Array): LineBatch {
    const batch: LineBatch = { source: this.source.name, firstLineNumber: this.lineNumber, lines: [] };
    batch.lines = this.decodeInvalidLine(tail, batch);
    this.lineNumber++;
    return batch;
  }

  consumed(chunk: Uint8Array): void {
    this.bytesRead += chunk.length;
    this.hash.update(chunk);
  }

  get bytes(): number {
    return this.bytesRead;
  }

  digest(): InputDigest {
    return { file: this.source.name, bytes: this.bytesRead, sha256: this.hash.digest('hex') };
  }
}

/**
 * Streams the lines of each source in order, in batches of about one read chunk.
 * Memory stays bounded by the chunk size and the longest line.
 */
export async function* readLineBatches(sources: readonly InputSource[], options: ReadOptions = {}): AsyncGenerator<LineBatch> {
  const totalBytes = sources.every((source) => source.size !== undefined)
    ? sources.reduce((sum, source) => sum + source.size!, 0)
    : undefined;
  options.progress?.start('read', totalBytes, 'bytes');
  let doneBytes = 0;
  for (const source of sources) {
    const reader = new SourceReader(source, options);
    // Chunks after the last LF seen; joined only once a line ends, so a long line costs one copy.
    let pending: Uint8Array[] = [];
    for await (const chunk of source.open()) {
      reader.consumed(chunk);
      doneBytes += chunk.length;
      options.progress?.update(doneBytes);
      const lastLineFeed = chunk.lastIndexOf(0x0a);
      if (lastLineFeed < 0) {
        pending.push(chunk);
        continue;
      }
      const head = chunk.subarray(0, lastLineFeed + 1);
      const region = pending.length === 0 ? head : Buffer.concat([...pending, head]);
      // Copy the remainder so the chunk's buffer can be freed.
      pending = lastLineFeed + 1 < chunk.length ? [Uint8Array.prototype.slice.call(chunk, lastLineFeed + 1)] : [];
      yield reader.decodeRegion(region);
    }
    if (pending.length > 0) yield reader.decodeTail(Buffer.concat(pending));
    options.onDigest?.(reader.digest());
  }
  options.progress?.finish({ bytes: doneBytes });
}

/**
 * Yields each source whole, as one document. Memory grows with the largest single document.
 * A document dropped by `onInvalid: 'skip'` is reported to `onSkip` with line number 0.
 */
export async function* readDocuments(sources: readonly InputSource[], options: ReadOptions = {}): AsyncGenerator<{ source: string; text: string }> {
  for (const source of sources) {
    const reader = new SourceReader(source, options);
    const chunks: Uint8Array[] = [];
    for await (const chunk of source.open()) {
      reader.consumed(chunk);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    options.onDigest?.(reader.digest());
    const invalid = findInvalidUtf8(bytes);
    if (invalid === undefined) {
      yield { source: source.name, text: utf8Decoder.decode(bytes) };
      continue;
    }
    const policy = options.onInvalid ?? 'error';
    if (policy === 'error') {
      const lineStart = bytes.lastIndexOf(0x0a, invalid.offset - 1) + 1;
      let lineNumber = 1;
      for (let i = bytes.indexOf(0x0a); i >= 0 && i < lineStart; i = bytes.indexOf(0x0a, i + 1)) lineNumber++;
      throw invalidUtf8Error(source.name, lineNumber, bytes.subarray(lineStart), invalid.offset - lineStart, invalid.length);
    }
    if (policy === 'replace') {
      yield { source: source.name, text: lenientUtf8Decoder.decode(bytes) };
      continue;
    }
    options.onSkip?.(source.name, 0);
  }
}
