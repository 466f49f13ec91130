// The statistics step of the Unigram trainer: pre-token counts, saved and merged like every
// trainer's counts. With --input-sentence-size it keeps a uniform sample of that many lines
// (reservoir sampling, as SentencePiece's SentenceSelector does), so memory stays bounded.
// The last pre-token of each line is counted apart (its key ends in LINE_END_MARK), because
// seed extraction must know which character follows a pre-token: seed.ts explains why.

import type { LineBatch } from '../../src/corpus.js';
import { createNormalizer, type NormalizerName } from '../../src/normalizers.js';
import { createPreTokenizer, type PreTokenizerSpec } from '../../src/pre-tokenizers.js';
import type { Progress } from '../../src/progress.js';
import { mulberry32 } from '../../src/random.js';
import { CountTable } from '../counting.js';

/** Unit name of Unigram counts in `.counts` files: pre-tokens with line ends marked. */
export const LINE_PRE_TOKEN_UNIT = 'pre-tokens+line-ends';
/**
 * Unit name of plain pre-token counts (the BPE trainer's). The Unigram trainer accepts them
 * and then treats every pre-token as followed by another one.
 */
export const PRE_TOKEN_UNIT = 'pre-tokens';
/**
 * Suffix of the key of a pre-token that ends its line. LF never occurs inside a line, because
 * the corpus reader ends lines at LF.
 */
export const LINE_END_MARK = '\n';

/** Splits a count key into the pre-token and whether it ended its line. */
export function parseCountKey(key: string): { preToken: string; lineFinal: boolean } {
  if (key.endsWith(LINE_END_MARK)) return { preToken: key.slice(0, -LINE_END_MARK.length), lineFinal: true };
  return { preToken: key, lineFinal: false };
}

export interface PreTokenCountOptions {
  normalizer: NormalizerName;
  preTokenizer: PreTokenizerSpec;
  /** Lines to sample; 0 reads every line. */
  inputSentenceSize: number;
  seed: number;
}

/** Counts the pre-tokens of every line, or of a uniform sample of lines. */
export async function countPreTokens(batches: AsyncIterable<LineBatch>, options: PreTokenCountOptions, progress: Progress): Promise<CountTable> {
  const normalizer = createNormalizer(options.normalizer);
  const preTokenizer = createPreTokenizer(options.preTokenizer);
  const table = new CountTable({ unit: LINE_PRE_TOKEN_UNIT, normalizer: options.normalizer, preTokenizer: preTokenizer.spec });
  const ranges: number[] = [];
  const countLine = (line: string): void => {
    let text = normalizer.normalize(line, false).text;
    if (text.length === 0) return;
    if (preTokenizer.prefixSpace) text = ' ' + text;
    ranges.length = 0;
    preTokenizer.split(text, ranges);
    const counts = table.counts;
    for (let r = 0; r < ranges.length; r += 2) {
      let key = text.slice(ranges[r]!, ranges[r + 1]!);
      if (r + 2 === ranges.length) key += LINE_END_MARK;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };

  if (options.inputSentenceSize === 0) {
    for await (const batch of batches) for (const line of batch.lines) countLine(line);
    return table;
  }

  // Reservoir sampling (Vitter's algorithm R) over non-empty lines.
  const random = mulberry32(options.seed);
  const reservoir: string[] = [];
  let seen = 0;
  for await (const batch of batches) {
    for (const line of batch.lines) {
      if (line.length === 0) continue;
      seen++;
      if (reservoir.length < options.inputSentenceSize) {
        reservoir.push(line);
      } else {
        const slot = Math.floor(random() * seen);
        if (slot < options.inputSentenceSize) reservoir[slot] = line;
      }
    }
  }
  if (seen > options.inputSentenceSize) {
    progress.notice(`sampled ${options.inputSentenceSize} of ${seen} non-empty lines (--input-sentence-size ${options.inputSentenceSize}, --seed ${options.seed})`);
  }
  for (const line of reservoir) countLine(line);
  return table;
}
