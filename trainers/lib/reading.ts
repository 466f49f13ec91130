// The LiB reading, after the `reading` loop of the 2023 rewrite. It parses each sentence of a
// step by greedy longest match over the current lexicon. Chunk by chunk it feeds the
// evaluation, reviews units on probation and, with probability α, memorizes the previous chunk
// joined to the current one. With a word-level pre-tokenizer each pre-token is read as its own
// sentence, so units stay inside pre-tokens. Moving and deleting units is the forgetter's job.

import { invariant } from '../../src/errors.js';
import type { PreTokenizer } from '../../src/pre-tokenizers.js';
import { utf8ByteLength, utf8Encoder } from '../../src/utf8.js';
import type { LongestMatch, PendingEvaluations } from './evaluation.js';
import type { RankedLexicon } from './lexicon.js';
import { Memorizer, type SentenceView } from './memorizer.js';
import type { ProbationPool } from './probation.js';
import type { SeededRandom } from '../../src/random.js';

/** Reads lines into the lexicon; one instance serves a whole training run. */
export class Reader implements LongestMatch, SentenceView {
  bytes = new Uint8Array(4096);
  start = 0;
  end = 0;
  private readonly ranges: number[] = [];
  private readonly match = new Int32Array(1);
  private prefixIds: Int32Array;
  private prefixLengths: Int32Array;

  constructor(
    private readonly lexicon: RankedLexicon,
    private readonly probation: ProbationPool,
    private readonly memorizer: Memorizer,
    private readonly evaluations: PendingEvaluations,
    private readonly random: SeededRandom,
    private readonly preTokenizer: PreTokenizer,
    private readonly inRate: number,
    maxPieceBytes: number,
  ) {
    this.prefixIds = new Int32Array(maxPieceBytes + 4);
    this.prefixLengths = new Int32Array(maxPieceBytes + 4);
  }

  /** Reads one (normalized) line: each of its pre-tokens is a sentence. */
  readLine(line: string): void {
    forEachPreToken(this, this.preTokenizer, line, this.ranges, (start, end) => this.readSentence(start, end));
  }

  longestEnd(position: number, slot: Int32Array): number {
    const length = this.lexicon.trie.longestPrefix(this.bytes, position, this.end, slot);
    invariant(length > 0, 'every character of the corpus is a unit');
    return position + length;
  }

  chunkEnd(position: number): number {
    if (position >= this.end) return position;
    return this.longestEnd(position, this.match);
  }

  private readSentence(start: number, end: number): void {
    this.start = start;
    this.end = end;
    const bytes = this.bytes;
    const evaluations = this.evaluations;
    evaluations.clear();
    // The chunks before the current one: [beforeLastStart, lastStart) and [lastStart, position).
    let beforeLastStart = start;
    let lastStart = start;
    let position = start;
    while (position < end) {
      // 1. Decide the evaluations whose shorter-start parse ends here.
      evaluations.settle(position, this);

      // 2. The longest unit here is the next chunk; the second-longest starts an evaluation.
      if (this.prefixIds.length < this.lexicon.trie.maxPieceBytes) this.growPrefixBuffers();
      const found = this.lexicon.trie.prefixes(bytes, position, end, this.prefixIds, this.prefixLengths);
      invariant(found > 0, 'every character of the corpus is a unit');
      const slot = this.prefixIds[found - 1]!;
      const chunkEnd = position + this.prefixLengths[found - 1]!;
      evaluations.addReadingChunk(slot);
      if (this.probation.has(slot)) this.memorizer.reviewUse(this, slot, beforeLastStart, lastStart, position, chunkEnd);
      if (found >= 2) evaluations.start(slot, this.prefixIds[found - 2]!, position + this.prefixLengths[found - 2]!);

      // 3. Memorize the previous chunk joined to this one, with probability α.
      if (this.random.next() < this.inRate && lastStart < position && this.lexicon.slotOf(bytes, lastStart, chunkEnd) < 0) {
        const context = Memorizer.contextOf(bytes, beforeLastStart, lastStart, chunkEnd, this.chunkEnd(chunkEnd));
        this.memorizer.memorize(bytes, lastStart, chunkEnd, context);
      }
      beforeLastStart = lastStart;
      lastStart = position;
      position = chunkEnd;
    }
    // Evaluations that end exactly at the sentence end are decided too (the reference drops them).
    evaluations.settle(end, this);
  }

  private growPrefixBuffers(): void {
    this.prefixIds = new Int32Array(this.lexicon.trie.maxPieceBytes * 2);
    this.prefixLengths = new Int32Array(this.lexicon.trie.maxPieceBytes * 2);
  }
}

/**
 * UTF-8 encodes `line` (with the metaspace prefix space when the pre-tokenizer adds one) into
 * `target.bytes`, growing it as needed, and calls `visit` with the byte span of each pre-token.
 */
export function forEachPreToken(
  target: { bytes: Uint8Array },
  preTokenizer: PreTokenizer,
  line: string,
  ranges: number[],
  visit: (start: number, end: number) => void,
): void {
  const text = preTokenizer.prefixSpace && line.length > 0 ? ' ' + line : line;
  if (target.bytes.length < text.length * 3) target.bytes = new Uint8Array(text.length * 3 + 64);
  utf8Encoder.encodeInto(text, target.bytes);
  ranges.length = 0;
  preTokenizer.split(text, ranges);
  let unit = 0;
  let byte = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    const start = ranges[r]!;
    const end = ranges[r + 1]!;
    byte += utf8ByteLength(text, unit, start);
    const startByte = byte;
    byte += utf8ByteLength(text, start, end);
    unit = end;
    if (byte > startByte) visit(startByte, byte);
  }
}
