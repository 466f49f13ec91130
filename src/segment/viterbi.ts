// Unigram inference over the lattice of one pre-token: Viterbi (the best-scoring
// segmentation), k-best segmentations, and forward-filtering backward-sampling for subword
// regularization (Kudo 2018, "Subword Regularization"), as SentencePiece's Lattice does.
// A character that no single-character piece covers becomes one fallback edge scored
// SentencePiece's way (lowest piece score − 10), emitted as byte pieces or <unk>.
// Normalizing and pre-tokenizing a whole line for n-best and sampling is in viterbi-encode.ts.

import { utf8SequenceLength } from '../utf8.js';
import { PieceKind, type Vocab } from '../vocab.js';
import { emitFallback, type SegmentContext, type Segmenter, type TokenSink } from './types.js';

/** Penalty below the lowest piece score for an unknown character (SentencePiece's kUnkPenalty). */
export const UNKNOWN_PENALTY = 10;
/** Edge id of a character that falls back to byte pieces or <unk>. */
export const FALLBACK_EDGE = -1;

/** True when a vocabulary has scores to run Viterbi on. */
export function hasScores(vocab: Vocab): boolean {
  // LiB stores negated ranks as scores, which are no log-probabilities, so Viterbi would mislead.
  return vocab.algorithm !== 'lib' && vocab.scores !== undefined && vocab.scores.length === vocab.kinds.length;
}

/** Returns the score of an unknown character: the lowest normal piece score minus the penalty. */
export function unknownScore(vocab: Vocab): number {
  let min = Infinity;
  const scores = vocab.scores!;
  for (let id = 0; id < scores.length; id++) {
    if (vocab.kinds[id] === PieceKind.normal && scores[id]! < min) min = scores[id]!;
  }
  return (min === Infinity ? 0 : min) - UNKNOWN_PENALTY;
}

/** One segmentation of a pre-token or a line: ids (FALLBACK_EDGE for fallbacks) and spans. */
export interface Segmentation {
  score: number;
  ids: number[];
  /** Byte span of each token: token k covers [starts[k], ends[k]). */
  starts: number[];
  ends: number[];
}

/** The lattice of one pre-token: every piece match and fallback edge, with reusable buffers. */
export class ViterbiLattice {
  edgeCount = 0;
  edgeFrom = new Int32Array(256);
  edgeTo = new Int32Array(256);
  edgeId = new Int32Array(256);
  edgeScore = new Float64Array(256);
  private readonly prefixIds: Int32Array;
  private readonly prefixLengths: Int32Array;
  private readonly scores: Float64Array;
  private readonly fallbackScore: number;
  /**
   * Stores path scores as float32, as SentencePiece (0.1.97) does, so that near-ties resolve as
   * spm_encode resolves them. Set for imported SentencePiece models.
   */
  private readonly singlePrecision: boolean;
  private best = new Float64Array(64);
  private backEdge = new Int32Array(64);

  constructor(private readonly context: SegmentContext) {
    const size = Math.max(1, context.trie.maxPieceBytes);
    this.prefixIds = new Int32Array(size);
    this.prefixLengths = new Int32Array(size);
    this.scores = context.vocab.scores!;
    this.singlePrecision = context.vocab.pipeline?.source === 'spm';
    const fallbackScore = unknownScore(context.vocab);
    this.fallbackScore = this.singlePrecision ? Math.fround(fallbackScore) : fallbackScore;
  }

  /** Lists the edges of `bytes[start, end)` with absolute byte positions, sorted by start. */
  build(bytes: Uint8Array, start: number, end: number): void {
    this.edgeCount = 0;
    const trie = this.context.trie;
    for (let position = start; position < end; ) {
      const characterLength = Math.min(utf8SequenceLength(bytes[position]!), end - position);
      const found = trie.prefixes(bytes, position, end, this.prefixIds, this.prefixLengths);
      let hasSingleCharacter = false;
      for (let k = 0; k < found; k++) {
        const length = this.prefixLengths[k]!;
        // A match that ends inside a character is a dead end: no edge leaves that position.
        if (length === characterLength) hasSingleCharacter = true;
        const id = this.prefixIds[k]!;
        this.addEdge(position, position + length, id, this.scores[id]!);
      }
      if (!hasSingleCharacter) this.addEdge(position, position + characterLength, FALLBACK_EDGE, this.fallbackScore);
      position += characterLength;
    }
  }

  /** Returns the best path through the built lattice of `[start, end)`. */
  viterbi(start: number, end: number): Segmentation {
    const length = end - start;
    if (this.best.length <= length) {
      this.best = new Float64Array(length * 2 + 1);
      this.backEdge = new Int32Array(length * 2 + 1);
    }
    const { best, backEdge } = this;
    best.fill(-Infinity, 0, length + 1);
    best[0] = 0;
    for (let e = 0; e < this.edgeCount; e++) {
      const from = this.edgeFrom[e]! - start;
      const to = this.edgeTo[e]! - start;
      let candidate = best[from]! + this.edgeScore[e]!;
      // SentencePiece adds a piece score in double precision but the unknown score in float.
      if (this.singlePrecision && this.edgeId[e] === FALLBACK_EDGE) candidate = Math.fround(candidate);
      if (candidate > best[to]!) {
        best[to] = this.singlePrecision ? Math.fround(candidate) : candidate;
        backEdge[to] = e;
      }
    }
    const segmentation: Segmentation = { score: best[length]!, ids: [], starts: [], ends: [] };
    for (let position = length; position > 0; ) {
      const e = backEdge[position]!;
      segmentation.ids.push(this.edgeId[e]!);
      segmentation.starts.push(this.edgeFrom[e]!);
      segmentation.ends.push(this.edgeTo[e]!);
      position = this.edgeFrom[e]! - start;
    }
    segmentation.ids.reverse();
    segmentation.starts.reverse();
    segmentation.ends.reverse();
    return segmentation;
  }

  /**
   * Returns up to `k` best paths through the built lattice of `[start, end)`, best first.
   * Keeps the k best partial paths at every position, so it costs O(edges × k log k).
   */
  nbest(start: number, end: number, k: number): Segmentation[] {
    const length = end - start;
    // Partial paths ending at each position: score, the edge taken, and the rank at its start.
    const partial: { score: number; edge: number; previousRank: number }[][] = Array.from({ length: length + 1 }, () => []);
    partial[0]!.push({ score: 0, edge: -1, previousRank: -1 });
    const incoming: number[][] = Array.from({ length: length + 1 }, () => []);
    for (let e = 0; e < this.edgeCount; e++) incoming[this.edgeTo[e]! - start]!.push(e);
    for (let position = 1; position <= length; position++) {
      const candidates: { score: number; edge: number; previousRank: number }[] = [];
      for (const e of incoming[position]!) {
        const from = this.edgeFrom[e]! - start;
        partial[from]!.forEach((path, rank) => candidates.push({ score: path.score + this.edgeScore[e]!, edge: e, previousRank: rank }));
      }
      candidates.sort((a, b) => b.score - a.score || a.edge - b.edge || a.previousRank - b.previousRank);
      partial[position] = candidates.slice(0, k);
    }
    return partial[length]!.map((path, rank) => {
      const segmentation: Segmentation = { score: path.score, ids: [], starts: [], ends: [] };
      let position = length;
      let current = rank;
      while (position > 0) {
        const step = partial[position]![current]!;
        segmentation.ids.push(this.edgeId[step.edge]!);
        segmentation.starts.push(this.edgeFrom[step.edge]!);
        segmentation.ends.push(this.edgeTo[step.edge]!);
        position = this.edgeFrom[step.edge]! - start;
        current = step.previousRank;
      }
      segmentation.ids.reverse();
      segmentation.starts.reverse();
      segmentation.ends.reverse();
      return segmentation;
    });
  }

  /**
   * Draws one path through the built lattice of `[start, end)` with probability proportional
   * to exp(alpha × path score): forward filtering, then sampling edges backward.
   */
  sample(start: number, end: number, alpha: number, random: () => number): Segmentation {
    const length = end - start;

    // 1. Forward filtering: log of the summed, alpha-scaled probability of paths to each position.
    const forward = new Float64Array(length + 1).fill(-Infinity);
    forward[0] = 0;
    for (let e = 0; e < this.edgeCount; e++) {
      const from = this.edgeFrom[e]! - start;
      const to = this.edgeTo[e]! - start;
      forward[to] = logAddExp(forward[to]!, forward[from]! + alpha * this.edgeScore[e]!);
    }

    // 2. Edges listed by end position, then sampling backward from the end.
    const headByEnd = new Int32Array(length + 1).fill(-1);
    const nextByEnd = new Int32Array(this.edgeCount);
    for (let e = 0; e < this.edgeCount; e++) {
      const to = this.edgeTo[e]! - start;
      nextByEnd[e] = headByEnd[to]!;
      headByEnd[to] = e;
    }
    const segmentation: Segmentation = { score: 0, ids: [], starts: [], ends: [] };
    let position = length;
    while (position > 0) {
      // Choose an edge ending here with probability exp(forward[from] + alpha·score − forward[to]).
      let threshold = random();
      let chosen = -1;
      for (let e = headByEnd[position]!; e >= 0; e = nextByEnd[e]!) {
        const from = this.edgeFrom[e]! - start;
        if (forward[from] === -Infinity) continue;
        chosen = e;
        threshold -= Math.exp(forward[from]! + alpha * this.edgeScore[e]! - forward[position]!);
        if (threshold < 0) break;
      }
      segmentation.ids.push(this.edgeId[chosen]!);
      segmentation.starts.push(this.edgeFrom[chosen]!);
      segmentation.ends.push(this.edgeTo[chosen]!);
      segmentation.score += this.edgeScore[chosen]!;
      position = this.edgeFrom[chosen]! - start;
    }
    segmentation.ids.reverse();
    segmentation.starts.reverse();
    segmentation.ends.reverse();
    return segmentation;
  }

  private addEdge(from: number, to: number, id: number, score: number): void {
    if (this.edgeCount === this.edgeId.length) {
      this.edgeFrom = growInt(this.edgeFrom);
      this.edgeTo = growInt(this.edgeTo);
      this.edgeId = growInt(this.edgeId);
      const scores = new Float64Array(this.edgeScore.length * 2);
      scores.set(this.edgeScore);
      this.edgeScore = scores;
    }
    this.edgeFrom[this.edgeCount] = from;
    this.edgeTo[this.edgeCount] = to;
    this.edgeId[this.edgeCount] = id;
    this.edgeScore[this.edgeCount] = score;
    this.edgeCount++;
  }
}

/**
 * Pushes a segmentation's tokens to `sink`, expanding fallback edges into byte pieces or <unk>.
 * With the pipeline's `fuseUnknown` and no byte fallback, adjacent fallback edges become one
 * <unk>, as SentencePiece and Hugging Face's Unigram emit them.
 */
export function emitSegmentation(context: SegmentContext, bytes: Uint8Array, segmentation: Segmentation, sink: TokenSink): void {
  const fuseUnknown = context.vocab.pipeline?.model.fuseUnknown === true && !context.index.hasByteFallback;
  for (let k = 0; k < segmentation.ids.length; k++) {
    const id = segmentation.ids[k]!;
    if (id !== FALLBACK_EDGE) {
      sink.push(id, segmentation.starts[k]!, segmentation.ends[k]!);
    } else if (fuseUnknown && k > 0 && segmentation.ids[k - 1] === FALLBACK_EDGE) {
      if (sink.withSpans) sink.ends[sink.ends.length - 1] = segmentation.ends[k]!;
    } else {
      emitFallback(context, bytes, segmentation.starts[k]!, segmentation.ends[k]!, sink);
    }
  }
}

/** Creates the `viterbi` segmenter: the highest-scoring segmentation of each pre-token. */
export function createViterbiSegmenter(context: SegmentContext): Segmenter {
  let lattice: ViterbiLattice | undefined;
  return (bytes, start, end, sink) => {
    lattice ??= new ViterbiLattice(context);
    lattice.build(bytes, start, end);
    emitSegmentation(context, bytes, lattice.viterbi(start, end), sink);
  };
}

/** Returns log(exp(a) + exp(b)); -Infinity stands for log 0. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}


function growInt(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}
