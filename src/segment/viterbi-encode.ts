// N-best segmentations and sampled segmentations of whole lines or documents with a Unigram
// vocabulary. Pre-tokens are segmented independently, so a line's k best paths are the k best
// sums of its pre-tokens' k-best lists, and sampling each pre-token samples the line.
// Plain encoding with the best path is the `viterbi` method of Encoder.

import { createNormalizer, type Normalizer } from '../normalizers.js';
import { PipelineEncoder } from '../pipeline/pipeline-encoder.js';
import { createPreTokenizer, type PreTokenizer } from '../pre-tokenizers.js';
import { ByteTrie } from '../trie.js';
import { utf8ByteLength, utf8Encoder } from '../utf8.js';
import { indexVocab, PieceKind, type Vocab } from '../vocab.js';
import { TokenSink, type SegmentContext } from './types.js';
import { emitSegmentation, hasScores, ViterbiLattice, type Segmentation } from './viterbi.js';

/** One n-best hypothesis of a line: its ids and its score (sum of piece log-probabilities). */
export interface ScoredEncoding {
  ids: number[];
  score: number;
}

/** Encodes lines into n-best lists or samples; needs a vocabulary with scores. */
export class ViterbiEncoder {
  private readonly normalizer: Normalizer;
  private readonly preTokenizer: PreTokenizer;
  private readonly context: SegmentContext;
  private readonly lattice: ViterbiLattice;
  private readonly ranges: number[] = [];
  /** The normalizer and pre-tokenizer steps of an imported pipeline, which replace the two above. */
  private readonly pipeline: PipelineEncoder | undefined;

  constructor(readonly vocab: Vocab) {
    if (!hasScores(vocab)) throw new Error('internal invariant failed: ViterbiEncoder needs a vocabulary with scores');
    this.normalizer = createNormalizer(vocab.normalizer);
    this.preTokenizer = createPreTokenizer(vocab.preTokenizer);
    const trie = ByteTrie.build(vocab.pieces, (id) => vocab.kinds[id] === PieceKind.normal);
    this.context = { vocab, trie, index: indexVocab(vocab) };
    this.lattice = new ViterbiLattice(this.context);
    const pipeline = vocab.pipeline;
    const steps = pipeline === undefined ? 0 : pipeline.normalizers.length + pipeline.preTokenizers.length;
    // Only the pipeline's normalize and pre-tokenize steps run here, so its segmenter stays unused.
    this.pipeline = steps === 0 ? undefined : new PipelineEncoder(pipeline!, () => undefined);
  }

  /** Returns up to `k` segmentations of `text`, best first. Empty text has one empty segmentation. */
  nbest(text: string, k: number): ScoredEncoding[] {
    const prepared = this.prepare(text);
    // Partial hypotheses over the pre-tokens seen so far: the k best combinations.
    let hypotheses: { score: number; parts: Segmentation[] }[] = [{ score: 0, parts: [] }];
    for (const [start, end] of prepared.ranges) {
      this.lattice.build(prepared.bytes, start, end);
      const options = this.lattice.nbest(start, end, k);
      const combined: { score: number; parts: Segmentation[] }[] = [];
      for (const hypothesis of hypotheses) {
        for (const option of options) combined.push({ score: hypothesis.score + option.score, parts: [...hypothesis.parts, option] });
      }
      // A stable sort keeps the earlier (better) hypothesis first among equal scores.
      combined.sort((a, b) => b.score - a.score);
      hypotheses = combined.slice(0, k);
    }
    const sink = new TokenSink();
    return hypotheses.map((hypothesis) => {
      sink.clear();
      for (const part of hypothesis.parts) emitSegmentation(this.context, prepared.bytes, part, sink);
      return { ids: sink.ids.slice(), score: hypothesis.score };
    });
  }

  /** Samples one segmentation of `text` with probability proportional to exp(alpha × score). */
  sample(text: string, alpha: number, random: () => number): number[] {
    const prepared = this.prepare(text);
    const sink = new TokenSink();
    for (const [start, end] of prepared.ranges) {
      this.lattice.build(prepared.bytes, start, end);
      emitSegmentation(this.context, prepared.bytes, this.lattice.sample(start, end, alpha, random), sink);
    }
    return sink.ids.slice();
  }

  /** Normalizes, adds the prefix space, encodes to UTF-8 and finds the pre-tokens' byte ranges. */
  private prepare(text: string): { bytes: Uint8Array; ranges: [number, number][] } {
    if (this.pipeline !== undefined) return this.preparePipeline(text);
    const normalized = this.normalizer.normalize(text, false).text;
    const work = this.preTokenizer.prefixSpace && normalized.length > 0 ? ' ' + normalized : normalized;
    this.ranges.length = 0;
    this.preTokenizer.split(work, this.ranges);
    const ranges: [number, number][] = [];
    let unit = 0;
    let byte = 0;
    for (let r = 0; r < this.ranges.length; r += 2) {
      const start = this.ranges[r]!;
      const end = this.ranges[r + 1]!;
      byte += utf8ByteLength(work, unit, start);
      const startByte = byte;
      byte += utf8ByteLength(work, start, end);
      unit = end;
      ranges.push([startByte, byte]);
    }
    return { bytes: utf8Encoder.encode(work), ranges };
  }

  /**
   * Runs an imported pipeline's normalizer and pre-tokenizer steps and lays the splits end to
   * end. NOTE: added tokens in the text are not matched here, unlike in plain encoding.
   */
  private preparePipeline(text: string): { bytes: Uint8Array; ranges: [number, number][] } {
    const pipeline = this.pipeline!;
    const splits = pipeline.preTokenize(pipeline.normalize(text, false).text, { atInputStart: true });
    const ranges: [number, number][] = [];
    let byte = 0;
    for (const split of splits) {
      const length = utf8ByteLength(split.text);
      ranges.push([byte, byte + length]);
      byte += length;
    }
    return { bytes: utf8Encoder.encode(splits.map((split) => split.text).join('')), ranges };
  }
}
