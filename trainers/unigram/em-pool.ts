// Runs the E step and pruning's Viterbi counts over --threads threads: the calling thread
// takes one slice of the pre-tokens and worker threads (em-worker.ts) take the others. The
// lattice cache moves to shared memory once per piece set, so workers copy nothing large.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Progress } from '../../src/progress.js';
import { sumChunk, type ChunkSums, type WorkerRequest } from './em-worker.js';
import type { LatticeCache } from './lattice-cache.js';

/** Sums over all pre-tokens: expected counts or Viterbi counts per piece, and likelihood sums. */
export interface PieceSums {
  sums: Float64Array;
  logLikelihood: number;
  tokens: number;
}

function toShared(array: Float64Array): Float64Array {
  const shared = new Float64Array(new SharedArrayBuffer(array.byteLength));
  shared.set(array);
  return shared;
}

/** Splits pre-tokens into `parts` contiguous slices with about equal numbers of edges. */
function sliceBounds(cache: LatticeCache, parts: number): number[] {
  const wordCount = cache.wordEdges.length - 1;
  const totalEdges = cache.wordEdges[wordCount]!;
  const bounds = [0];
  let word = 0;
  for (let part = 1; part < parts; part++) {
    const target = (totalEdges * part) / parts;
    while (word < wordCount && cache.wordEdges[word]! < target) word++;
    bounds.push(word);
  }
  bounds.push(wordCount);
  return bounds;
}

/**
 * Pre-tokens are summed in this many fixed chunks whatever the thread count, and the chunk sums
 * are added in chunk order, so floating-point results and the vocabulary do not depend on
 * --threads. Each chunk costs one array of piece sums while a step runs.
 */
const CHUNKS = 8;

/**
 * Sums expected counts (`expected`) or Viterbi counts (`viterbi`) over all pre-tokens, on the
 * pool's threads when one is given.
 */
export async function sumPieces(
  type: 'expected' | 'viterbi',
  cache: LatticeCache,
  counts: Float64Array,
  scores: Float64Array,
  unknownScore: number,
  pool?: EStepPool,
): Promise<PieceSums> {
  const bounds = sliceBounds(cache, CHUNKS);
  const chunks: [number, number][] = [];
  for (let k = 0; k < CHUNKS; k++) chunks.push([bounds[k]!, bounds[k + 1]!]);
  const results = pool === undefined
    ? chunks.map(([first, end]) => sumChunk(type, cache, counts, scores, unknownScore, first, end))
    : await pool.run(type, cache, counts, scores, unknownScore, chunks);
  const total: PieceSums = { sums: results[0]!.sums, logLikelihood: results[0]!.logLikelihood, tokens: results[0]!.tokens };
  for (let k = 1; k < results.length; k++) {
    const sums = results[k]!.sums;
    for (let id = 0; id < sums.length; id++) total.sums[id]! += sums[id]!;
    total.logLikelihood += results[k]!.logLikelihood;
    total.tokens += results[k]!.tokens;
  }
  return total;
}

/** Worker threads for the E step; `create` returns undefined when one thread is asked for. */
export class EStepPool {
  private shared: { source: LatticeCache; counts: Float64Array } | undefined;
  private sharedCounts: { source: Float64Array; shared: Float64Array } | undefined;

  private constructor(private readonly workers: Worker[]) {}

  /** Starts `threads − 1` workers, or returns undefined for one thread or without a compiled worker. */
  static create(threads: number, progress: Progress): EStepPool | undefined {
    if (threads <= 1) return undefined;
    const url = new URL('./em-worker.js', import.meta.url);
    // NOTE: the worker exists only as compiled JavaScript (dist/); running from TypeScript
    // sources (tsx, vitest) trains on one thread.
    if (!existsSync(fileURLToPath(url))) {
      progress.notice(`--threads ${threads}: no compiled worker next to ${fileURLToPath(import.meta.url)}; training on one thread`);
      return undefined;
    }
    return new EStepPool(Array.from({ length: threads - 1 }, () => new Worker(url)));
  }

  /** Sends the lattice cache to the workers if they do not have it yet. */
  private prepare(cache: LatticeCache, counts: Float64Array): void {
    if (this.shared?.source === cache) return;
    // buildLatticeCache allocates shared memory, so posting the cache copies no edges.
    const sharedCounts = this.sharedCounts?.source === counts ? this.sharedCounts.shared : toShared(counts);
    this.sharedCounts = { source: counts, shared: sharedCounts };
    this.shared = { source: cache, counts: sharedCounts };
    const request: WorkerRequest = { type: 'cache', cache, counts: sharedCounts };
    for (const worker of this.workers) worker.postMessage(request);
  }

  /** Runs the chunks round-robin over the calling thread and the workers; returns sums in chunk order. */
  async run(
    type: 'expected' | 'viterbi',
    cache: LatticeCache,
    counts: Float64Array,
    scores: Float64Array,
    unknownScore: number,
    chunks: [number, number][],
  ): Promise<ChunkSums[]> {
    this.prepare(cache, counts);
    const threads = this.workers.length + 1;
    const replies = this.workers.map(
      (worker, k) =>
        new Promise<ChunkSums[]>((resolve, reject) => {
          const onError = (error: Error): void => reject(error);
          worker.once('error', onError);
          worker.once('message', (reply: ChunkSums[]) => {
            worker.off('error', onError);
            resolve(reply);
          });
          const request: WorkerRequest = { type, scores, unknownScore, chunks: chunks.filter((_, c) => c % threads === k + 1) };
          worker.postMessage(request);
        }),
    );
    // The calling thread takes its chunks while the workers run.
    const results = new Array<ChunkSums>(chunks.length);
    chunks.forEach(([first, end], c) => {
      if (c % threads === 0) results[c] = sumChunk(type, cache, counts, scores, unknownScore, first, end);
    });
    const workerReplies = await Promise.all(replies);
    workerReplies.forEach((reply, k) => {
      let next = 0;
      chunks.forEach((_, c) => {
        if (c % threads === k + 1) results[c] = reply[next++]!;
      });
    });
    return results;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
