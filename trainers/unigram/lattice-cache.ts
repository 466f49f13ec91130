// The lattices of every distinct pre-token, built once per piece set and reused by every EM
// iteration and by pruning. Piece matches do not change between two prunings, because the M
// step only rescores pieces or drops them (score -Infinity), so the trie is searched once per
// pruning round instead of once per iteration. Before the cache, a `node --cpu-prof` profile
// of training on tr-news-starlang (5 MB) spent about 40% of the E step building lattices.
// An edge is stored as its id and byte length only: edges are grouped by start position and
// each group ends with the position's unknown edge, so readers recover the start positions by
// walking the groups. Storing 16-bit start and end positions as well cost 8 bytes an edge
// instead of 5: 78 MB against 49 MB for the 9.76M edges of the first EM round on the tr train
// files at 32k.

import type { ByteTrie } from '../../src/trie.js';
import { utf8SequenceLength } from '../../src/utf8.js';
import { LINEAR_SPACE_LIMIT, logAddExp } from './lattice.js';

/** Distinct pre-tokens as UTF-8, with their counts. */
export interface PreTokenBytes {
  bytes: Uint8Array;
  /** Start of pre-token k is `starts[k]`, its end `starts[k + 1]`. */
  starts: Int32Array;
  counts: Float64Array;
}

/** An unknown edge with no single-character piece at its position: always present. */
const UNKNOWN_ALWAYS = -1;
/**
 * The edges of all pre-token lattices in flat arrays. The edges of a pre-token are sorted by
 * start position, and the last edge at each position is its unknown edge (a negative id).
 */
export interface LatticeCache {
  /** Edges of pre-token k are [wordEdges[k], wordEdges[k + 1]). */
  wordEdges: Int32Array;
  /** Characters of each pre-token (the most edges a path can have). */
  wordCharacters: Int32Array;
  /** UTF-8 length of each pre-token in bytes. */
  wordBytes: Int32Array;
  /** Byte length of each edge: 8-bit unless a piece is 256 bytes or longer. */
  edgeLength: Uint8Array | Uint16Array | Int32Array;
  /**
   * Piece id, or an unknown edge: -1 when no single-character piece starts there, else
   * -2 − id of that piece, so the edge exists only once the M step has dropped the piece.
   */
  edgeId: Int32Array;
}

/**
 * Finds every piece match in every pre-token. One pass over the trie counts the edges and a
 * second stores them, so the arrays are allocated once at their exact size, or taken from
 * `spare`. They live in shared memory, which costs nothing on one thread and lets worker
 * threads read them in place.
 */
export function buildLatticeCache(trie: ByteTrie, words: PreTokenBytes, spare?: LatticeCache): LatticeCache {
  const wordCount = words.counts.length;
  const prefixIds = new Int32Array(Math.max(1, trie.maxPieceBytes));
  const prefixLengths = new Int32Array(Math.max(1, trie.maxPieceBytes));
  const bytes = words.bytes;

  // 1. Count the edges of each pre-token: its piece matches plus one unknown edge per character.
  const reuse = spare !== undefined && spare.wordCharacters.length === wordCount;
  const wordEdges = reuse ? spare.wordEdges : sharedInt32(wordCount + 1);
  const wordCharacters = reuse ? spare.wordCharacters : sharedInt32(wordCount);
  const wordBytes = reuse ? spare.wordBytes : sharedInt32(wordCount);
  let edgeCount = 0;
  for (let w = 0; w < wordCount; w++) {
    wordEdges[w] = edgeCount;
    const start = words.starts[w]!;
    const end = words.starts[w + 1]!;
    wordBytes[w] = end - start;
    let characters = 0;
    for (let position = start; position < end; characters++) {
      edgeCount += trie.prefixes(bytes, position, end, prefixIds, prefixLengths) + 1;
      position += Math.min(utf8SequenceLength(bytes[position]!), end - position);
    }
    wordCharacters[w] = characters;
  }
  wordEdges[wordCount] = edgeCount;

  // 2. Store them, in the spare cache's buffers when they are large enough.
  const lengthBytes = edgeLengthBytes(trie.maxPieceBytes);
  let edgeLength: Uint8Array | Uint16Array | Int32Array;
  let edgeId: Int32Array;
  if (reuse && spare.edgeId.length >= edgeCount && spare.edgeLength.BYTES_PER_ELEMENT === lengthBytes) {
    edgeLength = spare.edgeLength.subarray(0, edgeCount);
    edgeId = spare.edgeId.subarray(0, edgeCount);
  } else {
    edgeLength = sharedLengths(edgeCount, lengthBytes);
    edgeId = sharedInt32(edgeCount);
  }
  let e = 0;
  for (let w = 0; w < wordCount; w++) {
    const end = words.starts[w + 1]!;
    for (let position = words.starts[w]!; position < end; ) {
      const characterLength = Math.min(utf8SequenceLength(bytes[position]!), end - position);
      const found = trie.prefixes(bytes, position, end, prefixIds, prefixLengths);
      let unknownId = UNKNOWN_ALWAYS;
      for (let k = 0; k < found; k++) {
        if (prefixLengths[k] === characterLength) unknownId = -2 - prefixIds[k]!;
        edgeLength[e] = prefixLengths[k]!;
        edgeId[e] = prefixIds[k]!;
        e++;
      }
      // The unknown edge comes last, and so closes the position's group of edges.
      edgeLength[e] = characterLength;
      edgeId[e] = unknownId;
      e++;
      position += characterLength;
    }
  }
  return { wordEdges, wordCharacters, wordBytes, edgeLength, edgeId };
}

function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

/** Returns the bytes per stored edge length that fit a piece of `maxPieceBytes`. */
function edgeLengthBytes(maxPieceBytes: number): 1 | 2 | 4 {
  if (maxPieceBytes < 0x100) return 1;
  if (maxPieceBytes < 0x10000) return 2;
  return 4;
}

function sharedLengths(length: number, bytes: 1 | 2 | 4): Uint8Array | Uint16Array | Int32Array {
  const buffer = new SharedArrayBuffer(length * bytes);
  if (bytes === 1) return new Uint8Array(buffer);
  if (bytes === 2) return new Uint16Array(buffer);
  return new Int32Array(buffer);
}

/** Score of an edge under the current scores: -Infinity when the edge does not exist. */
function edgeLogProbability(id: number, scores: Float64Array, unknownScore: number): number {
  if (id >= 0) return scores[id]!;
  if (id === UNKNOWN_ALWAYS) return unknownScore;
  return scores[-2 - id] === -Infinity ? unknownScore : -Infinity;
}

/** Sums of one E step over a range of pre-tokens. */
export interface ExpectedCounts {
  /** Σ count × log Z over the pre-tokens. */
  logLikelihood: number;
  /** Σ count × tokens of the Viterbi path. */
  tokens: number;
}

/**
 * Adds each pre-token's count × posterior expected piece counts to `expected`, for pre-tokens
 * [firstWord, endWord). Works in probability space, or in log space for pre-tokens so long
 * that a path probability could underflow.
 */
export function addExpectedCounts(
  cache: LatticeCache,
  counts: Float64Array,
  scores: Float64Array,
  unknownScore: number,
  expected: Float64Array,
  firstWord = 0,
  endWord = counts.length,
): ExpectedCounts {
  const { wordEdges, wordCharacters, wordBytes, edgeLength, edgeId } = cache;
  const probabilities = Float64Array.from(scores, Math.exp);
  const unknownProbability = Math.exp(unknownScore);
  let positions = 64;
  let alpha = new Float64Array(positions);
  let beta = new Float64Array(positions);
  let best = new Float64Array(positions);
  let bestTokens = new Int32Array(positions);
  let edgeProbability = new Float64Array(1024);
  let logLikelihood = 0;
  let tokens = 0;

  for (let w = firstWord; w < endWord; w++) {
    const first = wordEdges[w]!;
    const last = wordEdges[w + 1]!;
    const length = wordBytes[w]!;
    const count = counts[w]!;
    if (length + 1 > positions) {
      positions = length * 2 + 1;
      alpha = new Float64Array(positions);
      beta = new Float64Array(positions);
      best = new Float64Array(positions);
      bestTokens = new Int32Array(positions);
    }
    if (last - first > edgeProbability.length) edgeProbability = new Float64Array((last - first) * 2);

    if (wordCharacters[w]! * -unknownScore >= LINEAR_SPACE_LIMIT) {
      const logZ = addExpectedCountsLog(cache, first, last, length, count, scores, unknownScore, expected, alpha, beta, best, bestTokens);
      logLikelihood += count * logZ;
      tokens += count * bestTokens[length]!;
      continue;
    }

    // 1. Forward sums and the Viterbi path's token count, in probability space.
    alpha.fill(0, 0, length + 1);
    best.fill(-1, 0, length + 1);
    alpha[0] = 1;
    best[0] = 1;
    bestTokens[0] = 0;
    let from = 0;
    for (let e = first; e < last; e++) {
      const id = edgeId[e]!;
      const to = from + edgeLength[e]!;
      let probability: number;
      if (id >= 0) probability = probabilities[id]!;
      else if (id === UNKNOWN_ALWAYS || scores[-2 - id] === -Infinity) probability = unknownProbability;
      else probability = 0;
      edgeProbability[e - first] = probability;
      if (probability !== 0) {
        alpha[to]! += alpha[from]! * probability;
        const candidate = best[from]! * probability;
        if (candidate > best[to]!) {
          best[to] = candidate;
          bestTokens[to] = bestTokens[from]! + 1;
        }
      }
      if (id < 0) from = to;
    }

    // 2. Backward sums: edges are sorted by start, so in reverse each beta[to] is final.
    beta.fill(0, 0, length + 1);
    beta[length] = 1;
    from = length;
    for (let e = last - 1; e >= first; e--) {
      if (edgeId[e]! < 0) from -= edgeLength[e]!;
      const probability = edgeProbability[e - first]!;
      if (probability !== 0) beta[from]! += probability * beta[from + edgeLength[e]!]!;
    }

    // 3. Posterior of each piece edge, weighted by the pre-token's count.
    const z = alpha[length]!;
    const scale = count / z;
    from = 0;
    for (let e = first; e < last; e++) {
      const id = edgeId[e]!;
      if (id < 0) {
        from += edgeLength[e]!;
        continue;
      }
      const probability = edgeProbability[e - first]!;
      if (probability !== 0) expected[id]! += scale * alpha[from]! * probability * beta[from + edgeLength[e]!]!;
    }
    logLikelihood += count * Math.log(z);
    tokens += count * bestTokens[length]!;
  }
  return { logLikelihood, tokens };
}

/** The log-space version of one pre-token's E step; returns log Z. */
function addExpectedCountsLog(
  cache: LatticeCache,
  first: number,
  last: number,
  length: number,
  count: number,
  scores: Float64Array,
  unknownScore: number,
  expected: Float64Array,
  alpha: Float64Array,
  beta: Float64Array,
  best: Float64Array,
  bestTokens: Int32Array,
): number {
  const { edgeLength, edgeId } = cache;

  // 1. Forward sums and the Viterbi path's token count.
  alpha.fill(-Infinity, 0, length + 1);
  best.fill(-Infinity, 0, length + 1);
  alpha[0] = 0;
  best[0] = 0;
  bestTokens[0] = 0;
  let from = 0;
  for (let e = first; e < last; e++) {
    const id = edgeId[e]!;
    const to = from + edgeLength[e]!;
    const score = edgeLogProbability(id, scores, unknownScore);
    if (score !== -Infinity) {
      alpha[to] = logAddExp(alpha[to]!, alpha[from]! + score);
      if (best[from]! + score > best[to]!) {
        best[to] = best[from]! + score;
        bestTokens[to] = bestTokens[from]! + 1;
      }
    }
    if (id < 0) from = to;
  }

  // 2. Backward sums.
  beta.fill(-Infinity, 0, length + 1);
  beta[length] = 0;
  from = length;
  for (let e = last - 1; e >= first; e--) {
    const id = edgeId[e]!;
    if (id < 0) from -= edgeLength[e]!;
    const score = edgeLogProbability(id, scores, unknownScore);
    if (score !== -Infinity) beta[from] = logAddExp(beta[from]!, score + beta[from + edgeLength[e]!]!);
  }

  // 3. Posterior of each piece edge.
  const logZ = alpha[length]!;
  from = 0;
  for (let e = first; e < last; e++) {
    const id = edgeId[e]!;
    if (id < 0) {
      from += edgeLength[e]!;
      continue;
    }
    if (scores[id] === -Infinity) continue;
    expected[id]! += count * Math.exp(alpha[from]! + scores[id]! + beta[from + edgeLength[e]!]! - logZ);
  }
  return logZ;
}

/**
 * Adds each pre-token's count to `frequency` once for every use of a piece on its Viterbi
 * path, for pre-tokens [firstWord, endWord).
 */
export function addViterbiCounts(
  cache: LatticeCache,
  counts: Float64Array,
  scores: Float64Array,
  unknownScore: number,
  frequency: Float64Array,
  firstWord = 0,
  endWord = counts.length,
): void {
  const { wordEdges, wordBytes, edgeLength, edgeId } = cache;
  let best = new Float64Array(64);
  let backEdge = new Int32Array(64);
  for (let w = firstWord; w < endWord; w++) {
    const first = wordEdges[w]!;
    const last = wordEdges[w + 1]!;
    const length = wordBytes[w]!;
    if (length + 1 > best.length) {
      best = new Float64Array(length * 2 + 1);
      backEdge = new Int32Array(length * 2 + 1);
    }
    best.fill(-Infinity, 0, length + 1);
    best[0] = 0;
    let from = 0;
    for (let e = first; e < last; e++) {
      const id = edgeId[e]!;
      const score = edgeLogProbability(id, scores, unknownScore);
      const to = from + edgeLength[e]!;
      // Strictly greater keeps the first edge found on ties, as the uncached Viterbi does.
      if (best[from]! + score > best[to]!) {
        best[to] = best[from]! + score;
        backEdge[to] = e;
      }
      if (id < 0) from = to;
    }
    const count = counts[w]!;
    for (let position = length; position > 0; ) {
      const e = backEdge[position]!;
      const id = edgeId[e]!;
      if (id >= 0) frequency[id]! += count;
      position -= edgeLength[e]!;
    }
  }
}
