// Options of the LiB trainer: the command-line flags, their defaults (the 2023 rewrite's:
// α 0.25, Δ 0.1, ω 0.0001, τ₀ 10) and their checks. Flags carry no commander default, because
// the first trainer to declare a shared flag (--max-piece-length) owns its parser: the values
// arrive as strings or numbers and are checked here.

import { Option } from 'commander';
import { UsageError } from '../../src/errors.js';
import type { PreTokenizerSpec } from '../../src/pre-tokenizers.js';
import { checkSpecials, checkVocabSizeRoom } from '../char.js';

export interface LibTrainerOptions {
  /** Total ids, reserved pieces included; growth stops when the lexicon fills it. @default no limit */
  vocabSize?: number;
  specials: string[];
  /** Add the 256 `<0xNN>` pieces. @default true */
  byteFallback: boolean;
  /** α: chance that the previous chunk joined to the current one is memorized. @default 0.25 */
  inRate: number;
  /** Δ: a rewarded or punished unit moves floor(rank·Δ)+1 places. @default 0.1 */
  updateRate: number;
  /** ω: share of the lexicon, from the bottom, sent to probation after each step. @default 0.0001 */
  outRate: number;
  /** τ₀: steps a unit stays on probation. @default 10 */
  life: number;
  /** False keeps units inside pre-tokens (`--no-cross-words`). @default true */
  crossWords: boolean;
  /** Maximum unit length in characters. @default 12 */
  maxPieceChars: number;
  /** Lines read per step. @default 200 */
  sentencesPerStep: number;
  /** Steps to run; undefined runs until the vocabulary size is reached or the lexicon stops growing. */
  steps?: number;
  seed: number;
}

export const LIB_DEFAULTS = {
  inRate: 0.25,
  updateRate: 0.1,
  outRate: 0.0001,
  life: 10,
  maxPieceChars: 12,
  sentencesPerStep: 200,
} as const;

/** Most steps a run takes when `--steps` is not given. */
export const MAX_STEPS = 5000;

/** Returns the LiB flags that `train` and `count` add. */
export function libCliOptions(): Option[] {
  return [
    new Option('--in-rate <α>', 'LiB: chance that two adjacent chunks are memorized as a unit (default 0.25)'),
    new Option('--update-rate <Δ>', 'LiB: a rewarded or punished unit moves floor(rank·Δ)+1 ranks (default 0.1)'),
    new Option('--out-rate <ω>', 'LiB: share of the lexicon bottom sent to probation each step (default 0.0001)'),
    new Option('--life <steps>', 'LiB: steps a new or bottom unit stays on probation (default 10)'),
    new Option('--no-cross-words', 'LiB: keep units inside words (pre-tokenizer metaspace unless given)'),
    new Option('--max-piece-length <chars>', 'longest piece in characters (LiB default 12)'),
    new Option('--sentences-per-step <n>', 'LiB: lines read per training step (default 200)'),
    new Option('--steps <n>', `LiB: training steps (default: until --vocab-size is reached or the lexicon stops growing, at most ${MAX_STEPS})`),
  ];
}

/** Reads and checks the LiB options; throws a usage error naming the flag. */
export function readLibOptions(
  raw: Record<string, unknown>,
  common: { vocabSize?: number; specials: string[]; byteFallback: boolean; seed: number; preTokenizer?: PreTokenizerSpec },
): LibTrainerOptions {
  checkSpecials(common.specials);
  const crossWords = raw.crossWords !== false;
  if (!crossWords && common.preTokenizer?.type === 'none') {
    throw new UsageError('--no-cross-words needs a word-level pre-tokenizer, but --pre-tokenizer none was given', 'drop --pre-tokenizer none (metaspace is used) or pick metaspace, whitespace or gpt2');
  }
  const options: LibTrainerOptions = {
    specials: common.specials,
    byteFallback: common.byteFallback,
    inRate: readNumber(raw.inRate, '--in-rate', LIB_DEFAULTS.inRate, 0, 1),
    updateRate: readNumber(raw.updateRate, '--update-rate', LIB_DEFAULTS.updateRate, 0, 1),
    outRate: readNumber(raw.outRate, '--out-rate', LIB_DEFAULTS.outRate, 0, 1),
    life: readWhole(raw.life, '--life', LIB_DEFAULTS.life),
    crossWords,
    maxPieceChars: readWhole(raw.maxPieceLength, '--max-piece-length', LIB_DEFAULTS.maxPieceChars),
    sentencesPerStep: readWhole(raw.sentencesPerStep, '--sentences-per-step', LIB_DEFAULTS.sentencesPerStep),
    seed: common.seed,
  };
  if (raw.steps !== undefined) options.steps = readWhole(raw.steps, '--steps', 0);
  if (common.vocabSize !== undefined) {
    checkVocabSizeRoom(common.vocabSize, common.specials, common.byteFallback);
    options.vocabSize = common.vocabSize;
  }
  return options;
}

/** Returns the pre-tokenizer LiB counts and trains with: the user's, else none (metaspace with --no-cross-words). */
export function libPreTokenizer(preTokenizer: PreTokenizerSpec | undefined, crossWords: boolean): PreTokenizerSpec {
  if (preTokenizer !== undefined) return preTokenizer;
  return crossWords ? { type: 'none' } : { type: 'metaspace', prefixSpace: true };
}

function readNumber(value: unknown, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'number' ? value : Number(String(value).trim() === '' ? NaN : value);
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new UsageError(`invalid ${flag} '${String(value)}'`, `use a number from ${min} to ${max}`);
  }
  return number;
}

function readWhole(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`invalid ${flag} '${String(value)}'`, 'use a positive whole number');
  }
  return number;
}
