// Options of the Unigram trainer: the command-line flags, their defaults (SentencePiece's,
// applied here because flags shared with other trainers carry no commander default), and
// their checks.

import { Option } from 'commander';
import { UsageError } from '../../src/errors.js';
import type { NormalizerName } from '../../src/normalizers.js';
import type { PreTokenizerSpec } from '../../src/pre-tokenizers.js';
import { checkSpecials, checkVocabSizeRoom } from '../char.js';
import type { CommonTrainOptions } from '../index.js';

export interface UnigramTrainerOptions {
  /** Total ids, reserved pieces included. @default 8000 */
  vocabSize: number;
  specials: string[];
  normalizer: NormalizerName;
  /** @default metaspace with a prefix space */
  preTokenizer: PreTokenizerSpec;
  /** @default true */
  byteFallback: boolean;
  /** @default 0.9995 */
  characterCoverage: number;
  /** Substring seeds kept before EM. @default 1000000 */
  seedSize: number;
  /** EM iterations between two prunings. @default 2 */
  subIterations: number;
  /** Share of pieces each pruning keeps. @default 0.75 */
  shrinkingFactor: number;
  /** Maximum piece length in characters (code points). @default 16 */
  maxPieceLength: number;
  /** Keep every decimal digit a piece of its own. @default false */
  splitDigits: boolean;
  /** Lines to sample from the corpus; 0 reads all. @default 0 */
  inputSentenceSize: number;
  seed: number;
  /** Worker threads for the E step and pruning. @default 1 */
  threads: number;
}

export const UNIGRAM_DEFAULTS = {
  vocabSize: 8000,
  seedSize: 1_000_000,
  subIterations: 2,
  shrinkingFactor: 0.75,
  maxPieceLength: 16,
  inputSentenceSize: 0,
} as const;

function parseWhole(flag: string, min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
      throw new UsageError(`invalid ${flag} '${value}'`, `use a whole number of at least ${min}`);
    }
    return Number(value);
  };
}

/** The trainer's command-line options. Shared flags get no commander default. */
export function unigramCliOptions(): Option[] {
  return [
    new Option('--seed-size <n>', `unigram: substring seeds kept before EM (default: ${UNIGRAM_DEFAULTS.seedSize})`).argParser(parseWhole('--seed-size', 1)),
    new Option('--sub-iterations <n>', `unigram: EM iterations between prunings (default: ${UNIGRAM_DEFAULTS.subIterations})`).argParser(parseWhole('--sub-iterations', 1)),
    new Option('--shrinking-factor <share>', `unigram: share of pieces each pruning keeps, in (0, 1) (default: ${UNIGRAM_DEFAULTS.shrinkingFactor})`).argParser((value) => {
      const number = Number(value);
      if (value.trim() === '' || !(number > 0 && number < 1)) {
        throw new UsageError(`invalid --shrinking-factor '${value}'`, 'use a number between 0 and 1, such as 0.75');
      }
      return number;
    }),
    new Option('--max-piece-length <n>', `longest piece in characters (unigram default: ${UNIGRAM_DEFAULTS.maxPieceLength})`).argParser(parseWhole('--max-piece-length', 1)),
    new Option('--split-digits', 'keep every decimal digit a piece of its own'),
    new Option('--input-sentence-size <n>', 'train on a uniform sample of this many lines, chosen with --seed (default: 0, every line)').argParser(parseWhole('--input-sentence-size', 0)),
  ];
}

function rawNumber(raw: Record<string, unknown>, key: string, fallback: number): number {
  const value = raw[key];
  if (value === undefined) return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  return number;
}

/** Applies the Unigram defaults to the common options and checks them; throws a usage error. */
export function toUnigramOptions(options: CommonTrainOptions): UnigramTrainerOptions {
  const raw = options.raw ?? {};
  const unigram: UnigramTrainerOptions = {
    vocabSize: options.vocabSize ?? UNIGRAM_DEFAULTS.vocabSize,
    specials: options.specials,
    normalizer: options.normalizer,
    preTokenizer: options.preTokenizer ?? { type: 'metaspace', prefixSpace: true },
    byteFallback: options.byteFallback,
    characterCoverage: options.characterCoverage,
    seedSize: rawNumber(raw, 'seedSize', UNIGRAM_DEFAULTS.seedSize),
    subIterations: rawNumber(raw, 'subIterations', UNIGRAM_DEFAULTS.subIterations),
    shrinkingFactor: rawNumber(raw, 'shrinkingFactor', UNIGRAM_DEFAULTS.shrinkingFactor),
    maxPieceLength: rawNumber(raw, 'maxPieceLength', UNIGRAM_DEFAULTS.maxPieceLength),
    splitDigits: raw.splitDigits === true,
    inputSentenceSize: rawNumber(raw, 'inputSentenceSize', UNIGRAM_DEFAULTS.inputSentenceSize),
    seed: options.seed,
    threads: options.threads,
  };
  checkUnigramOptions(unigram);
  return unigram;
}

/** Checks option values and that the vocabulary leaves room for learned pieces. */
export function checkUnigramOptions(options: UnigramTrainerOptions): void {
  checkSpecials(options.specials);
  if (!(options.characterCoverage > 0 && options.characterCoverage <= 1)) {
    throw new UsageError(`invalid --character-coverage ${options.characterCoverage}`, 'use a number in (0, 1]');
  }
  for (const [flag, value, min] of [
    ['--seed-size', options.seedSize, 1],
    ['--sub-iterations', options.subIterations, 1],
    ['--max-piece-length', options.maxPieceLength, 1],
    ['--input-sentence-size', options.inputSentenceSize, 0],
    ['--threads', options.threads, 1],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`invalid ${flag} ${value}`, `use a whole number of at least ${min}`);
  }
  if (!(options.shrinkingFactor > 0 && options.shrinkingFactor < 1)) {
    throw new UsageError(`invalid --shrinking-factor ${options.shrinkingFactor}`, 'use a number between 0 and 1, such as 0.75');
  }
  checkVocabSizeRoom(options.vocabSize, options.specials, options.byteFallback);
}
