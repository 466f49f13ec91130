// The segmentation lattice of one pre-token during training: the forward-backward pass that
// gives each piece's expected count (the E step), and Viterbi with one piece left out (for the
// loss of removing it). Follows SentencePiece's Lattice: a character that no single-character
// piece covers gets an unknown edge scored `unknownScore`, so every pre-token has a path.
// Positions are UTF-8 byte offsets; pieces start and end only at character starts.

import type { ByteTrie } from '../../src/trie.js';
import { utf8SequenceLength } from '../../src/utf8.js';

/** Largest -log of a path probability computed in probability space; e^-600 ≈ 1e-261. */
export const LINEAR_SPACE_LIMIT = 600;

/** Id of the unknown edge, which no piece owns. */
export const UNKNOWN_EDGE = -1;

/** Returns log(exp(a) + exp(b)) without overflow; -Infinity stands for log 0. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Reusable lattice buffers over a piece trie and its scores. */
export class TrainingLattice {
  /** Tokens of the Viterbi path of the last `addExpectedCounts` call. */
  viterbiTokens = 0;
  private alpha = new Float64Array(64);
  private beta = new Float64Array(64);
  private best = new Float64Array(64);
  private bestTokens = new Int32Array(64);
  private backEdge = new Int32Array(64);
  private edgeFrom = new Int32Array(1024);
  private edgeTo = new Int32Array(1024);
  private edgeId = new Int32Array(1024);
  private edgeCount = 0;
  private readonly probabilities: Float64Array;
  private readonly unknownProbability: number;
  private readonly prefixIds: Int32Array;
  private readonly prefixLengths: Int32Array;

  constructor(
    private readonly trie: ByteTrie,
    private readonly scores: Float64Array,
    private readonly unknownScore: number,
  ) {
    this.probabilities = Float64Array.from(scores, Math.exp);
    this.unknownProbability = Math.exp(unknownScore);
    this.prefixIds = new Int32Array(Math.max(1, trie.maxPieceBytes));
    this.prefixLengths = new Int32Array(Math.max(1, trie.maxPieceBytes));
  }

  /**
   * Adds `count` × the posterior expected count of each piece in `bytes[start, end)` to
   * `expected`, and returns the log marginal likelihood log Z of the pre-token. The number of
   * tokens of the Viterbi path, found in the same forward pass, is left in `viterbiTokens`.
   */
  addExpectedCounts(bytes: Uint8Array, start: number, end: number, count: number, expected: Float64Array): number {
    const length = end - start;
    const characters = this.buildEdges(bytes, start, end);
    this.ensurePositions(length);
    // Every path has at most one edge per character, each with probability at least
    // e^unknownScore, so below this bound no sum underflows a double (e^-708 is the limit).
    if (characters * -this.unknownScore < LINEAR_SPACE_LIMIT) return this.addExpectedCountsLinear(length, count, expected);
    const { alpha, beta, edgeFrom, edgeTo, edgeId, scores } = this;
    const edgeCount = this.edgeCount;

    // 1. Forward: alpha[p] = log of the summed probability of all paths from 0 to p; beside
    //    it, the best path score and its token count, for the log.
    const { best, bestTokens } = this;
    alpha.fill(-Infinity, 0, length + 1);
    best.fill(-Infinity, 0, length + 1);
    alpha[0] = 0;
    best[0] = 0;
    bestTokens[0] = 0;
    for (let e = 0; e < edgeCount; e++) {
      const from = edgeFrom[e]!;
      const to = edgeTo[e]!;
      const score = this.edgeScore(edgeId[e]!);
      alpha[to] = logAddExp(alpha[to]!, alpha[from]! + score);
      if (best[from]! + score > best[to]!) {
        best[to] = best[from]! + score;
        bestTokens[to] = bestTokens[from]! + 1;
      }
    }
    this.viterbiTokens = bestTokens[length]!;

    // 2. Backward: edges are sorted by start, so in reverse each beta[to] is final when read.
    beta.fill(-Infinity, 0, length + 1);
    beta[length] = 0;
    for (let e = edgeCount - 1; e >= 0; e--) {
      const from = edgeFrom[e]!;
      beta[from] = logAddExp(beta[from]!, this.edgeScore(edgeId[e]!) + beta[edgeTo[e]!]!);
    }

    // 3. Posterior of each edge, weighted by the pre-token's count.
    const logZ = alpha[length]!;
    for (let e = 0; e < edgeCount; e++) {
      const id = edgeId[e]!;
      if (id === UNKNOWN_EDGE) continue;
      expected[id]! += count * Math.exp(alpha[edgeFrom[e]!]! + scores[id]! + beta[edgeTo[e]!]! - logZ);
    }
    return logZ;
  }

  /**
   * `addExpectedCounts` in probability space instead of log space: the same sums without a
   * logarithm or exponential per edge.
   */
  private addExpectedCountsLinear(length: number, count: number, expected: Float64Array): number {
    const { alpha, beta, best, bestTokens, edgeFrom, edgeTo, edgeId, probabilities } = this;
    const edgeCount = this.edgeCount;

    // 1. Forward sums and the Viterbi path's token count.
    alpha.fill(0, 0, length + 1);
    best.fill(-1, 0, length + 1);
    alpha[0] = 1;
    best[0] = 1;
    bestTokens[0] = 0;
    for (let e = 0; e < edgeCount; e++) {
      const from = edgeFrom[e]!;
      const to = edgeTo[e]!;
      const id = edgeId[e]!;
      const probability = id === UNKNOWN_EDGE ? this.unknownProbability : probabilities[id]!;
      alpha[to]! += alpha[from]! * probability;
      const candidate = best[from]! * probability;
      if (candidate > best[to]!) {
        best[to] = candidate;
        bestTokens[to] = bestTokens[from]! + 1;
      }
    }
    this.viterbiTokens = bestTokens[length]!;

    // 2. Backward sums.
    beta.fill(0, 0, length + 1);
    beta[length] = 1;
    for (let e = edgeCount - 1; e >= 0; e--) {
      const id = edgeId[e]!;
      const probability = id === UNKNOWN_EDGE ? this.unknownProbability : probabilities[id]!;
      beta[edgeFrom[e]!]! += probability * beta[edgeTo[e]!]!;
    }

    // 3. Posterior of each piece edge.
    const z = alpha[length]!;
    const scale = count / z;
    for (let e = 0; e < edgeCount; e++) {
      const id = edgeId[e]!;
      if (id === UNKNOWN_EDGE) continue;
      expected[id]! += scale * alpha[edgeFrom[e]!]! * probabilities[id]! * beta[edgeTo[e]!]!;
    }
    return Math.log(z);
  }

  /**
   * Finds the best segmentation of `bytes[start, end)` and appends its ids (UNKNOWN_EDGE for
   * unknown characters) to `ids`. An edge spanning the whole range with id `excludeId` is left
   * out, which gives the best segmentation without that piece. Returns the path's score, or
   * -Infinity when no path exists.
   */
  viterbi(bytes: Uint8Array, start: number, end: number, ids: number[], excludeId = -2): number {
    const length = end - start;
    this.buildEdges(bytes, start, end);
    this.ensurePositions(length);
    const { alpha, backEdge, edgeFrom, edgeTo, edgeId } = this;
    alpha.fill(-Infinity, 0, length + 1);
    alpha[0] = 0;
    for (let e = 0; e < this.edgeCount; e++) {
      const id = edgeId[e]!;
      const from = edgeFrom[e]!;
      const to = edgeTo[e]!;
      if (id === excludeId && from === 0 && to === length) continue;
      const candidate = alpha[from]! + this.edgeScore(id);
      // Strictly greater keeps the first edge found on ties: the shorter last piece.
      if (candidate > alpha[to]!) {
        alpha[to] = candidate;
        backEdge[to] = e;
      }
    }
    const best = alpha[length]!;
    if (best === -Infinity) return best;
    const first = ids.length;
    for (let position = length; position > 0; ) {
      const e = backEdge[position]!;
      ids.push(edgeId[e]!);
      position = edgeFrom[e]!;
    }
    reverseFrom(ids, first);
    return best;
  }

  private edgeScore(id: number): number {
    return id === UNKNOWN_EDGE ? this.unknownScore : this.scores[id]!;
  }

  /** Lists the edges (from, to, id) of the lattice, sorted by start position; returns the character count. */
  private buildEdges(bytes: Uint8Array, start: number, end: number): number {
    this.edgeCount = 0;
    let characters = 0;
    for (let position = start; position < end; characters++) {
      const characterLength = Math.min(utf8SequenceLength(bytes[position]!), end - position);
      const found = this.trie.prefixes(bytes, position, end, this.prefixIds, this.prefixLengths);
      let hasSingleCharacter = false;
      for (let k = 0; k < found; k++) {
        const id = this.prefixIds[k]!;
        // The M step drops a piece by setting its score to -Infinity.
        if (this.scores[id] === -Infinity) continue;
        const pieceLength = this.prefixLengths[k]!;
        if (pieceLength === characterLength) hasSingleCharacter = true;
        this.addEdge(position - start, position - start + pieceLength, id);
      }
      if (!hasSingleCharacter) this.addEdge(position - start, position - start + characterLength, UNKNOWN_EDGE);
      position += characterLength;
    }
    return characters;
  }

  private addEdge(from: number, to: number, id: number): void {
    if (this.edgeCount === this.edgeId.length) {
      this.edgeFrom = grow(this.edgeFrom);
      this.edgeTo = grow(this.edgeTo);
      this.edgeId = grow(this.edgeId);
    }
    this.edgeFrom[this.edgeCount] = from;
    this.edgeTo[this.edgeCount] = to;
    this.edgeId[this.edgeCount] = id;
    this.edgeCount++;
  }

  private ensurePositions(length: number): void {
    if (this.alpha.length > length) return;
    const size = length * 2 + 1;
    this.alpha = new Float64Array(size);
    this.beta = new Float64Array(size);
    this.best = new Float64Array(size);
    this.bestTokens = new Int32Array(size);
    this.backEdge = new Int32Array(size);
  }
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

function reverseFrom(values: number[], first: number): void {
  for (let i = first, j = values.length - 1; i < j; i++, j--) {
    const swap = values[i]!;
    values[i] = values[j]!;
    values[j] = swap;
  }
}
