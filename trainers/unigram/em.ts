// EM and pruning of the Unigram trainer, after SentencePiece's unigram_model_trainer.cc.
// The E step sums posterior piece counts over every pre-token lattice. The M step turns them
// into scores with the Bayesian (digamma) update, which acts as a sparse prior. Pruning drops
// the pieces whose removal costs the corpus likelihood least.

import { ByteTrie } from '../../src/trie.js';
import { utf8Encoder } from '../../src/utf8.js';
import { sumPieces, type EStepPool } from './em-pool.js';
import { TrainingLattice, UNKNOWN_EDGE } from './lattice.js';
import { buildLatticeCache, type LatticeCache, type PreTokenBytes } from './lattice-cache.js';

export type { PreTokenBytes } from './lattice-cache.js';

/** SentencePiece's unknown-edge penalty below the lowest piece score (kUnkPenalty). */
export const UNKNOWN_PENALTY = 10;
/** Pieces with a smaller expected count are dropped by the M step (SentencePiece's value). */
const MIN_EXPECTED_COUNT = 0.5;

/** Piece set shared by models that differ only in scores: pieces, trie and lattice cache. */
interface PieceSet {
  pieces: string[];
  trie: ByteTrie;
  cache?: LatticeCache;
  /** A discarded cache whose buffers the next cache reuses, so each pruning allocates none. */
  spare?: LatticeCache;
}

/**
 * Pieces with scores, and the trie that finds them in text. A piece whose score is -Infinity
 * has been dropped by the M step; it stays in the trie until the next pruning rebuilds it.
 */
export class UnigramModel {
  readonly minScore: number;
  readonly activeCount: number;

  private constructor(
    private readonly set: PieceSet,
    readonly scores: Float64Array,
  ) {
    let minScore = Infinity;
    let activeCount = 0;
    for (const score of scores) {
      if (score === -Infinity) continue;
      activeCount++;
      if (score < minScore) minScore = score;
    }
    this.minScore = minScore;
    this.activeCount = activeCount;
  }

  /** Creates a model over a new piece set. */
  static create(pieces: string[], scores: Float64Array, spare?: LatticeCache): UnigramModel {
    // Pieces go into the trie through one scratch buffer: a Uint8Array per piece would cost
    // about 100 bytes of object overhead each, for up to a million seed pieces.
    // The trie grows as needed, so it is sized for a quarter node per UTF-16 unit: seeds share
    // prefixes, and the 323,344 seeds of the tr train files (2.41M units) make 579k nodes.
    // Sizing it for one node per unit cost about 55 MiB more there.
    let totalUnits = 0;
    for (const piece of pieces) totalUnits += piece.length;
    const trie = new ByteTrie((totalUnits >> 2) + 1024);
    const scratch = new Uint8Array(4 * 64);
    pieces.forEach((piece, id) => trie.insert(encodeToScratch(piece, scratch), id));
    return new UnigramModel({ pieces, trie, spare }, scores);
  }

  /** Returns a model with the same pieces and new scores (-Infinity drops a piece). */
  withScores(scores: Float64Array): UnigramModel {
    return new UnigramModel(this.set, scores);
  }

  get pieces(): string[] {
    return this.set.pieces;
  }


  get unknownScore(): number {
    return this.minScore - UNKNOWN_PENALTY;
  }

  /** Returns the lattices of `words` under this piece set, building them on first use. */
  cache(words: PreTokenBytes): LatticeCache {
    if (this.set.cache === undefined) {
      this.set.cache = buildLatticeCache(this.set.trie, words, this.set.spare);
      this.set.spare = undefined;
    }
    return this.set.cache;
  }

  lattice(): TrainingLattice {
    return new TrainingLattice(this.set.trie, this.scores, this.unknownScore);
  }
}

/** Result of one E step. */
export interface EStepResult {
  expected: Float64Array;
  /** Negative log-likelihood per pre-token occurrence: SentencePiece's `obj`. */
  objective: number;
  /** Tokens of the Viterbi segmentation of the corpus. */
  tokens: number;
}

/** Runs the E step over all pre-tokens, on the pool's threads when one is given. */
export async function runEStep(model: UnigramModel, words: PreTokenBytes, pool?: EStepPool): Promise<EStepResult> {
  let totalCount = 0;
  for (const count of words.counts) totalCount += count;
  const result = await sumPieces('expected', model.cache(words), words.counts, model.scores, model.unknownScore, pool);
  return { expected: result.sums, objective: -result.logLikelihood / totalCount, tokens: result.tokens };
}

/** Digamma function ψ(x) for x > 0, by recurrence up to 7 and the asymptotic series. */
export function digamma(x: number): number {
  let result = 0;
  for (; x < 7; x++) result -= 1 / x;
  x -= 0.5;
  const xx = 1 / x;
  const xx2 = xx * xx;
  const xx4 = xx2 * xx2;
  result += Math.log(x) + (1 / 24) * xx2 - (7 / 960) * xx4 + (31 / 8064) * xx4 * xx2 - (127 / 30720) * xx4 * xx4;
  return result;
}

/**
 * Runs the M step: drops pieces expected fewer than 0.5 times and scores the rest as
 * ψ(count) − ψ(total), the variational Bayes estimate under a sparse Dirichlet prior.
 */
export function runMStep(model: UnigramModel, expected: Float64Array): UnigramModel {
  const scores = new Float64Array(model.pieces.length).fill(-Infinity);
  let sum = 0;
  for (let id = 0; id < scores.length; id++) {
    if (model.scores[id] === -Infinity || expected[id]! < MIN_EXPECTED_COUNT) continue;
    sum += expected[id]!;
  }
  const logSum = digamma(sum);
  for (let id = 0; id < scores.length; id++) {
    if (model.scores[id] === -Infinity || expected[id]! < MIN_EXPECTED_COUNT) continue;
    scores[id] = digamma(expected[id]!) - logSum;
  }
  return model.withScores(scores);
}

/**
 * Prunes the model to max(`minSize`, `shrinkingFactor` × size) pieces. A piece that its own
 * Viterbi path splits, or that no Viterbi path uses, goes first. A piece with no alternative
 * segmentation always stays. The rest are ranked by the likelihood lost when their count moves
 * to the pieces of their second-best segmentation, weighted by how often they are used.
 */
export async function prune(model: UnigramModel, words: PreTokenBytes, shrinkingFactor: number, minSize: number, pool?: EStepPool): Promise<UnigramModel> {
  const size = model.pieces.length;
  const lattice = model.lattice();

  // 1. Each piece's alternative: its best segmentation without the piece itself.
  const alwaysKeep = new Uint8Array(size).fill(1);
  // The alternative of piece id is alternativeIds[alternativeStarts[id], alternativeStarts[id + 1]),
  // empty when there is none. Flat arrays, because a million small arrays cost much more memory.
  const alternativeStarts = new Int32Array(size + 1);
  let alternativeIds = new Int32Array(size * 2);
  let alternativeCount = 0;
  const path: number[] = [];
  const scratch = new Uint8Array(4 * 64);
  for (let id = 0; id < size; id++) {
    alternativeStarts[id] = alternativeCount;
    if (model.scores[id] === -Infinity) continue;
    const bytes = encodeToScratch(model.pieces[id]!, scratch);
    path.length = 0;
    const alternativeScore = lattice.viterbi(bytes, 0, bytes.length, path, id);
    // The piece's own edge comes first in the lattice and Viterbi keeps the first of equal
    // scores, so the piece is its own best path unless the alternative scores strictly higher.
    if (alternativeScore > model.scores[id]!) {
      alwaysKeep[id] = 0;
      continue;
    }
    if (alternativeScore === -Infinity) continue;
    if (alternativeCount + path.length > alternativeIds.length) {
      const grown = new Int32Array((alternativeCount + path.length) * 2);
      grown.set(alternativeIds);
      alternativeIds = grown;
    }
    for (const other of path) alternativeIds[alternativeCount++] = other;
  }
  alternativeStarts[size] = alternativeCount;

  // 2. Viterbi counts over the corpus. SentencePiece weights each loss by the share of
  //    pre-token occurrences using the piece, counted once per use: that is the same count.
  const frequency = (await sumPieces('viterbi', model.cache(words), words.counts, model.scores, model.unknownScore, pool)).sums;
  let totalCount = 0;
  for (const count of words.counts) totalCount += count;

  // 3. Loss of removing each piece; pieces without alternatives are kept as they are.
  let sum = 0;
  for (const value of frequency) sum += value;
  const logSum = Math.log(sum);
  const keptIds: number[] = [];
  const candidateIds: number[] = [];
  const losses: number[] = [];
  for (let id = 0; id < size; id++) {
    if (model.scores[id] === -Infinity || frequency[id] === 0 || alwaysKeep[id] === 0) continue;
    const alternativeLength = alternativeStarts[id + 1]! - alternativeStarts[id]!;
    if (alternativeLength === 0) {
      keptIds.push(id);
      continue;
    }
    const pieceFrequency = frequency[id]!;
    const logProbability = Math.log(pieceFrequency) - logSum;
    const logSumWithout = Math.log(sum + pieceFrequency * (alternativeLength - 1));
    let logProbabilityWithout = 0;
    for (let k = alternativeStarts[id]!; k < alternativeStarts[id + 1]!; k++) {
      const other = alternativeIds[k]!;
      const otherFrequency = other === UNKNOWN_EDGE ? 0 : frequency[other]!;
      logProbabilityWithout += Math.log(otherFrequency + pieceFrequency) - logSumWithout;
    }
    candidateIds.push(id);
    losses.push((pieceFrequency / totalCount) * (logProbability - logProbabilityWithout));
  }

  // 4. Keep the candidates with the largest loss until the pruned size.
  const prunedSize = Math.max(minSize, Math.floor(shrinkingFactor * model.activeCount));
  const order = candidateIds.map((_, k) => k).sort((a, b) => losses[b]! - losses[a]! || candidateIds[a]! - candidateIds[b]!);
  for (const k of order) {
    if (keptIds.length >= prunedSize) break;
    keptIds.push(candidateIds[k]!);
  }
  keptIds.sort((a, b) => a - b);
  // The pruned model's lattices have fewer edges, so they fit in this model's buffers.
  return UnigramModel.create(
    keptIds.map((id) => model.pieces[id]!),
    Float64Array.from(keptIds, (id) => model.scores[id]!),
    model.cache(words),
  );
}

/** Encodes `piece` into `scratch` when 3 bytes per UTF-16 unit fit, and returns the used part. */
function encodeToScratch(piece: string, scratch: Uint8Array): Uint8Array {
  if (piece.length * 3 > scratch.length) return utf8Encoder.encode(piece);
  return scratch.subarray(0, utf8Encoder.encodeInto(piece, scratch).written);
}

/** Active pieces of a model with their scores, in id order. */
export function activePieces(model: UnigramModel): [string, number][] {
  const result: [string, number][] = [];
  model.pieces.forEach((piece, id) => {
    if (model.scores[id] !== -Infinity) result.push([piece, model.scores[id]!]);
  });
  return result;
}
