// LiB inference: greedy longest match with a two-path lookahead, as in the `apply` step of
// Yang's 2023 rewrite of the Less-is-Better model (ray306/The-Less-is-Better-Model). Where a
// shorter piece also matches, both parses run on by longest match until their ends meet, and
// the one with fewer tokens (then the lower rank sum) is kept. Training lives in trainers/lib/.

import type { PrefixMatcher } from '../trie.js';
import { utf8SequenceLength } from '../utf8.js';
import { PieceKind, type Vocab } from '../vocab.js';
import { emitFallback, fallbackCost, type SegmentContext, type Segmenter } from './types.js';

/** Input of the two-path parser: a trie of piece ids and the rank of each id (0 is best). */
export interface RankedTrie {
  readonly trie: PrefixMatcher;
  /** Rank by piece id; read again at each parse, so a trainer may replace the array. */
  readonly ranks: ArrayLike<number>;
}

/**
 * Receives the chunks of a parse in order. `id` is -1 for a character that no piece starts
 * with; the caller decides how to emit it (byte fallback or the unknown piece).
 */
export type ChunkSink = (id: number, start: number, end: number) => void;

/**
 * Number of tokens that a character without a piece costs (its byte-fallback pieces, or one
 * unknown piece). Used to count tokens when two parses are compared.
 */
export type FallbackCostFn = (bytes: Uint8Array, position: number, end: number) => number;

/** One candidate parse of a span: chunk ids and end offsets, token count and rank sum. */
class Path {
  ids = new Int32Array(16);
  ends = new Int32Array(16);
  length = 0;
  tokens = 0;
  rankSum = 0;

  reset(): void {
    this.length = 0;
    this.tokens = 0;
    this.rankSum = 0;
  }

  get end(): number {
    return this.ends[this.length - 1]!;
  }

  push(id: number, end: number, tokens: number, rank: number): void {
    if (this.length === this.ids.length) {
      const ids = new Int32Array(this.length * 2);
      const ends = new Int32Array(this.length * 2);
      ids.set(this.ids);
      ends.set(this.ends);
      this.ids = ids;
      this.ends = ends;
    }
    this.ids[this.length] = id;
    this.ends[this.length] = end;
    this.length++;
    this.tokens += tokens;
    this.rankSum += rank;
  }
}

/**
 * LiB's two-path parser over a ranked trie. At each position it takes the longest and the
 * second-longest matching piece. If both exist, it extends each parse by longest match until
 * the two end at the same byte. Then it keeps the parse with fewer tokens, or with the lower
 * rank sum when the counts tie (the longest-first parse wins a full tie), and emits it whole.
 */
export class TwoPathParser {
  private prefixIds = new Int32Array(64);
  private prefixLengths = new Int32Array(64);
  private readonly match = new Int32Array(1);
  private readonly longPath = new Path();
  private readonly shortPath = new Path();

  constructor(
    private readonly lexicon: RankedTrie,
    private readonly fallbackCostOf: FallbackCostFn,
  ) {}

  /** Parses `bytes[start, end)` and sends each chunk to `sink`, left to right. */
  parse(bytes: Uint8Array, start: number, end: number, sink: ChunkSink): void {
    const trie = this.lexicon.trie;
    const ranks = this.lexicon.ranks;
    if (this.prefixIds.length < trie.maxPieceBytes) {
      this.prefixIds = new Int32Array(trie.maxPieceBytes * 2);
      this.prefixLengths = new Int32Array(trie.maxPieceBytes * 2);
    }
    let position = start;
    while (position < end) {
      const found = trie.prefixes(bytes, position, end, this.prefixIds, this.prefixLengths);
      if (found === 0) {
        const length = Math.min(utf8SequenceLength(bytes[position]!), end - position);
        sink(-1, position, position + length);
        position += length;
        continue;
      }
      const longestId = this.prefixIds[found - 1]!;
      const longestEnd = position + this.prefixLengths[found - 1]!;
      if (found === 1) {
        sink(longestId, position, longestEnd);
        position = longestEnd;
        continue;
      }

      // 1. Start both parses: the longest piece, and the second-longest one.
      const long = this.longPath;
      const short = this.shortPath;
      long.reset();
      short.reset();
      long.push(longestId, longestEnd, 1, ranks[longestId]!);
      const shortId = this.prefixIds[found - 2]!;
      short.push(shortId, position + this.prefixLengths[found - 2]!, 1, ranks[shortId]!);

      // 2. Extend whichever parse is behind by longest match until both end at the same byte.
      while (long.end !== short.end) {
        const behind = long.end < short.end ? long : short;
        this.extend(behind, bytes, end, ranks);
      }

      // 3. Fewer tokens wins, then the lower rank sum; a full tie keeps the longest-first parse.
      const shortWins = short.tokens < long.tokens || (short.tokens === long.tokens && short.rankSum < long.rankSum);
      const chosen = shortWins ? short : long;
      let chunkStart = position;
      for (let k = 0; k < chosen.length; k++) {
        sink(chosen.ids[k]!, chunkStart, chosen.ends[k]!);
        chunkStart = chosen.ends[k]!;
      }
      position = chunkStart;
    }
  }

  /** Appends the longest match at the end of `path`, or one unmatched character. */
  private extend(path: Path, bytes: Uint8Array, end: number, ranks: ArrayLike<number>): void {
    const from = path.end;
    const length = this.lexicon.trie.longestPrefix(bytes, from, end, this.match);
    if (length > 0) {
      const id = this.match[0]!;
      path.push(id, from + length, 1, ranks[id]!);
    } else {
      const characterLength = Math.min(utf8SequenceLength(bytes[from]!), end - from);
      path.push(-1, from + characterLength, this.fallbackCostOf(bytes, from, end), 0);
    }
  }
}

/**
 * Rank of each piece id: the order of normal pieces by descending score (ties by id), or by
 * id when the vocabulary has no scores. LiB vocabularies store −rank as the score.
 */
export function pieceRanks(vocab: Vocab): Int32Array {
  const ranks = new Int32Array(vocab.pieces.length).fill(vocab.pieces.length);
  const normalIds: number[] = [];
  for (let id = 0; id < vocab.pieces.length; id++) {
    if (vocab.kinds[id] === PieceKind.normal) normalIds.push(id);
  }
  const scores = vocab.scores;
  if (scores !== undefined) normalIds.sort((a, b) => scores[b]! - scores[a]! || a - b);
  normalIds.forEach((id, rank) => {
    ranks[id] = rank;
  });
  return ranks;
}

/** True when the `lib` method can apply `vocab`: a LiB vocabulary, or any with scores to rank by. */
export function supportsLib(vocab: Vocab): boolean {
  return vocab.algorithm === 'lib' || vocab.scores !== undefined;
}

/** Creates the `lib` segmenter over a vocabulary's trie and piece ranks. */
export function createLibSegmenter(context: SegmentContext): Segmenter {
  const parser = new TwoPathParser({ trie: context.trie, ranks: pieceRanks(context.vocab) }, (bytes, position, end) =>
    fallbackCost(context, bytes, position, end),
  );
  return (bytes, start, end, sink) => {
    parser.parse(bytes, start, end, (id, chunkStart, chunkEnd) => {
      if (id >= 0) sink.push(id, chunkStart, chunkEnd);
      else emitFallback(context, bytes, chunkStart, end, sink);
    });
  };
}
