// Worker thread of the Unigram trainer: runs the E step and the Viterbi counts of pruning on
// a slice of the pre-tokens. The lattice cache and the counts arrive once per piece set in
// shared memory; each request carries only the current scores.

import { parentPort } from 'node:worker_threads';
import { addExpectedCounts, addViterbiCounts, type LatticeCache } from './lattice-cache.js';

/** A request from the trainer to a worker. */
export type WorkerRequest =
  | { type: 'cache'; cache: LatticeCache; counts: Float64Array }
  | { type: 'expected' | 'viterbi'; scores: Float64Array; unknownScore: number; chunks: [number, number][] };

/** Piece sums over one chunk of pre-tokens, and for the E step the likelihood sums. */
export interface ChunkSums {
  sums: Float64Array;
  logLikelihood: number;
  tokens: number;
}

let cache: LatticeCache | undefined;
let counts: Float64Array | undefined;

parentPort?.on('message', (request: WorkerRequest) => {
  if (request.type === 'cache') {
    cache = request.cache;
    counts = request.counts;
    return;
  }
  const replies = request.chunks.map(([firstWord, endWord]) => sumChunk(request.type, cache!, counts!, request.scores, request.unknownScore, firstWord, endWord));
  parentPort!.postMessage(replies, replies.map((reply) => reply.sums.buffer as ArrayBuffer));
});

/** Sums expected counts (`expected`) or Viterbi counts (`viterbi`) over pre-tokens [firstWord, endWord). */
export function sumChunk(
  type: 'expected' | 'viterbi',
  cache: LatticeCache,
  counts: Float64Array,
  scores: Float64Array,
  unknownScore: number,
  firstWord: number,
  endWord: number,
): ChunkSums {
  const sums = new Float64Array(scores.length);
  if (type === 'viterbi') {
    addViterbiCounts(cache, counts, scores, unknownScore, sums, firstWord, endWord);
    return { sums, logLikelihood: 0, tokens: 0 };
  }
  const result = addExpectedCounts(cache, counts, scores, unknownScore, sums, firstWord, endWord);
  return { sums, logLikelihood: result.logLikelihood, tokens: result.tokens };
}
