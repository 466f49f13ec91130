// BPE statistics step: normalize each line, split it into pre-tokens and count distinct
// pre-tokens, in this thread or in worker threads (count-worker.ts). The counts are a
// CountTable of unit `pre-tokens`, so shards can be saved and merged before training.
// Reading and UTF-8 decoding stay on the main thread; workers normalize, split and count.

import type { Worker } from 'node:worker_threads';
import { readLineBatches, type InputSource, type ReadOptions } from '../../src/corpus.js';
import { ToksmithError } from '../../src/errors.js';
import { createNormalizer, type NormalizerName } from '../../src/normalizers.js';
import { createPreTokenizer, DEFAULT_CHUNK_CHARS, splitIntoChunks, type PreTokenizerSpec } from '../../src/pre-tokenizers.js';
import type { Progress } from '../../src/progress.js';
import { mulberry32 } from '../../src/random.js';
import { startSiblingWorker } from '../../src/worker-start.js';
import { CountTable } from '../counting.js';

export const PRE_TOKEN_UNIT = 'pre-tokens';

/** Text settings of the statistics step; equal settings give equal counts. */
export interface PreTokenCountSettings {
  normalizer: NormalizerName;
  preTokenizer: PreTokenizerSpec;
  /** Seeds the chunk lengths of the `chunks` pre-tokenizer; other pre-tokenizers ignore it. */
  seed: number;
}

/**
 * Counts of pre-tokens while counting. A boxed count costs one Map lookup per repeated
 * pre-token where `map.set(key, map.get(key) + 1)` costs two.
 */
export type PreTokenCounts = Map<string, { count: number }>;

/** Adds the pre-tokens of lines to `counts`. */
export type LineCounter = (lines: readonly string[], source: string, firstLineNumber: number, counts: PreTokenCounts) => void;

function addPreToken(counts: PreTokenCounts, preToken: string): void {
  const entry = counts.get(preToken);
  if (entry === undefined) counts.set(preToken, { count: 1 });
  else entry.count++;
}

/** Converts boxed counts to plain numbers. */
export function unboxCounts(counts: PreTokenCounts): Map<string, number> {
  const plain = new Map<string, number>();
  for (const [key, entry] of counts) plain.set(key, entry.count);
  return plain;
}

/**
 * Creates the per-line counting function. With `chunks`, each line's chunk lengths come from a
 * random generator seeded by (seed, source name, line number), so they do not depend on how
 * lines are spread over threads.
 */
export function createLineCounter(settings: PreTokenCountSettings): LineCounter {
  const normalizer = createNormalizer(settings.normalizer);
  const preTokenizer = createPreTokenizer(settings.preTokenizer);
  const chunkChars = settings.preTokenizer.type === 'chunks' ? (settings.preTokenizer.chunkChars ?? DEFAULT_CHUNK_CHARS) : undefined;
  const ranges: number[] = [];
  return (lines, source, firstLineNumber, counts) => {
    const sourceHash = hashString(source);
    for (let k = 0; k < lines.length; k++) {
      let text = normalizer.normalize(lines[k]!, false).text;
      if (preTokenizer.prefixSpace && text.length > 0) text = ' ' + text;
      const pattern = preTokenizer.pattern;
      if (pattern !== undefined && chunkChars === undefined) {
        // Counting the matched strings directly skips a slice per pre-token.
        pattern.lastIndex = 0;
        for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
          addPreToken(counts, match[0]);
        }
        continue;
      }
      ranges.length = 0;
      if (chunkChars !== undefined) {
        const random = mulberry32(settings.seed ^ sourceHash ^ Math.imul(firstLineNumber + k, 0x9e3779b1));
        splitIntoChunks(text, chunkChars, random, ranges);
      } else {
        preTokenizer.split(text, ranges);
      }
      for (let r = 0; r < ranges.length; r += 2) {
        addPreToken(counts, text.slice(ranges[r]!, ranges[r + 1]!));
      }
    }
  };
}

/**
 * Counts the distinct pre-tokens of `sources`. With `threads` > 1 the lines are counted in
 * this thread and `threads - 1` worker threads; the merged counts are the same for any count.
 */
export async function countPreTokens(
  sources: readonly InputSource[],
  readOptions: ReadOptions,
  settings: PreTokenCountSettings,
  threads: number,
  progress: Progress,
): Promise<CountTable> {
  const table = new CountTable({ unit: PRE_TOKEN_UNIT, normalizer: settings.normalizer, preTokenizer: createPreTokenizer(settings.preTokenizer).spec });
  const batches = readLineBatches(sources, { ...readOptions, progress });
  if (threads <= 1) {
    const count = createLineCounter(settings);
    const counts: PreTokenCounts = new Map();
    for await (const batch of batches) count(batch.lines, batch.source, batch.firstLineNumber, counts);
    for (const [key, entry] of counts) table.counts.set(key, entry.count);
    return table;
  }

  // The main thread reads, and counts a batch itself whenever every worker is busy, so
  // `threads` counts the main thread too: --threads 2 is one worker plus this thread.
  const count = createLineCounter(settings);
  const counts: PreTokenCounts = new Map();
  const pool = new CountingPool(threads - 1, settings);
  try {
    for await (const batch of batches) {
      const worker = pool.idleWorker();
      if (worker >= 0) pool.submit(worker, batch.lines.join('\n'), batch.source, batch.firstLineNumber);
      else count(batch.lines, batch.source, batch.firstLineNumber, counts);
    }
    for (const [key, entry] of counts) table.counts.set(key, entry.count);
    for (const workerCounts of await pool.finish()) {
      for (const [key, workerCount] of workerCounts) table.add(key, workerCount);
    }
  } finally {
    await pool.terminate();
  }
  return table;
}

/** Messages from the main thread to a counting worker. */
export type WorkerRequest =
  | { type: 'lines'; text: string; source: string; firstLineNumber: number }
  | { type: 'finish' };

/** Messages from a counting worker: a batch done, the final counts, or a failure. */
export type WorkerReply = { type: 'done' } | { type: 'counts'; counts: Map<string, number> } | { type: 'error'; message: string };

/** Batches sent but not yet counted, per worker; more would only pile up in memory. */
const MAX_PENDING_BATCHES = 2;

/** Worker threads that count line batches, each with a bounded queue. */
class CountingPool {
  private readonly workers: Worker[] = [];
  private readonly pending: number[] = [];
  private readonly results: (Map<string, number> | undefined)[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private terminating = false;

  constructor(threads: number, settings: PreTokenCountSettings) {
    for (let i = 0; i < threads; i++) {
      const worker = startCountWorker(settings);
      this.pending.push(0);
      this.results.push(undefined);
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'done') this.pending[i]!--;
        else if (reply.type === 'counts') this.results[i] = reply.counts;
        else this.failure ??= new ToksmithError(`counting thread ${i + 1} failed: ${reply.message}`, { hint: 'rerun with --threads 1' });
        this.notify();
      });
      worker.on('error', (error) => {
        this.failure ??= new ToksmithError(`counting thread ${i + 1} failed: ${error.message}`, { hint: 'rerun with --threads 1', cause: error });
        this.notify();
      });
      worker.on('exit', (exitCode) => {
        if (this.results[i] !== undefined || this.terminating) return;
        this.failure ??= new ToksmithError(`counting thread ${i + 1} exited early with code ${exitCode}`, { hint: 'rerun with --threads 1' });
        this.notify();
      });
      this.workers.push(worker);
    }
  }

  /** Returns the least busy worker with room in its queue, or -1 when every queue is full. */
  idleWorker(): number {
    if (this.failure !== undefined) throw this.failure;
    let best = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.pending[i]! < this.pending[best]!) best = i;
    return this.pending[best]! < MAX_PENDING_BATCHES ? best : -1;
  }

  /** Sends LF-joined lines to `worker`. */
  submit(worker: number, text: string, source: string, firstLineNumber: number): void {
    this.pending[worker]!++;
    const request: WorkerRequest = { type: 'lines', text, source, firstLineNumber };
    this.workers[worker]!.postMessage(request);
  }

  /** Asks every worker for its counts and returns them once all have replied. */
  async finish(): Promise<Map<string, number>[]> {
    const request: WorkerRequest = { type: 'finish' };
    for (const worker of this.workers) worker.postMessage(request);
    while (this.results.some((result) => result === undefined)) {
      if (this.failure !== undefined) throw this.failure;
      await this.waitForMessage();
    }
    return this.results as Map<string, number>[];
  }

  async terminate(): Promise<void> {
    this.terminating = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private waitForMessage(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function startCountWorker(settings: PreTokenCountSettings): Worker {
  return startSiblingWorker(import.meta.url, 'count-worker', settings);
}

/** FNV-1a over UTF-16 code units. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
