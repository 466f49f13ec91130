// Options of the BPE trainer: their defaults, their command-line flags, and the checks that
// run before any input is read. Training itself is in train.ts.

import { Option } from 'commander';
import { UsageError } from '../../src/errors.js';
import type { NormalizerName } from '../../src/normalizers.js';
import { parseChunkChars, type PreTokenizerSpec } from '../../src/pre-tokenizers.js';
import { checkSpecials, checkVocabSizeRoom } from '../char.js';
import type { CommonTrainOptions } from '../index.js';

export const ALPHABETS = ['bytes', 'chars'] as const;
export type Alphabet = (typeof ALPHABETS)[number];

export interface BpeTrainerOptions {
  /** `bytes`: the 256 byte values are the initial symbols; `chars`: characters kept by coverage. @default 'bytes' */
  alphabet: Alphabet;
  /** Total ids, specials, <unk> and byte pieces included. @default 30000 */
  vocabSize: number;
  /** A pair seen fewer times is never merged. @default 2 */
  minFrequency: number;
  /** Characters always in the alphabet (`chars` only). @default '' */
  initialAlphabet: string;
  /** Maximum number of alphabet characters, initial ones included (`chars` only). @default no limit */
  limitAlphabet?: number;
  /** Maximum piece length in characters (`chars`) or bytes (`bytes`). @default no limit */
  maxTokenLength?: number;
  /** Share of character occurrences the alphabet must cover (`chars` only). @default 0.9995 */
  characterCoverage: number;
  /** Add the 256 `<0xNN>` pieces (`chars` only; byte-level BPE has every byte as a piece). @default true */
  byteFallback: boolean;
  /** Special tokens, first ids in the order given; never merged. */
  specials: string[];
  normalizer: NormalizerName;
  /** @default gpt2 for `bytes`, metaspace for `chars` */
  preTokenizer: PreTokenizerSpec;
  /** Seed of the `chunks` pre-tokenizer's chunk lengths. @default 0 */
  seed: number;
  /** Worker threads for counting; the vocabulary does not depend on it. @default 1 */
  threads: number;
}

export const DEFAULT_BPE_VOCAB_SIZE = 30000;
export const DEFAULT_MIN_FREQUENCY = 2;

/** Command-line options of the BPE trainer. None has a commander default: see resolveBpeOptions. */
export function bpeCliOptions(): Option[] {
  return [
    new Option('--alphabet <kind>', 'BPE initial symbols: bytes (byte-level, default) or chars (characters kept by --character-coverage)').choices(ALPHABETS),
    new Option('--min-frequency <n>', 'BPE: never merge a pair seen fewer times (default: 2)'),
    new Option('--initial-alphabet <chars>', 'BPE chars: characters always kept in the alphabet'),
    new Option('--limit-alphabet <n>', 'BPE chars: maximum number of alphabet characters'),
    new Option('--max-token-length <n>', 'BPE: maximum piece length in characters (bytes for --alphabet bytes)'),
    new Option('--chunk-chars <min:peak:max>', 'chunks pre-tokenizer: training chunk lengths in characters (default: 4:12:23)'),
  ];
}

/** Converts the common options and this trainer's flags into BPE options; throws usage errors. */
export function resolveBpeOptions(common: CommonTrainOptions): BpeTrainerOptions {
  const raw = common.raw;
  const alphabet = (raw.alphabet ?? 'bytes') as Alphabet;
  if (!(ALPHABETS as readonly string[]).includes(alphabet)) {
    throw new UsageError(`invalid --alphabet '${String(raw.alphabet)}'`, `use one of: ${ALPHABETS.join(', ')}`);
  }
  let preTokenizer: PreTokenizerSpec = common.preTokenizer ?? (alphabet === 'bytes' ? { type: 'gpt2' } : { type: 'metaspace', prefixSpace: true });
  if (raw.chunkChars !== undefined) {
    if (preTokenizer.type !== 'chunks') throw new UsageError('--chunk-chars applies only to --pre-tokenizer chunks', 'add --pre-tokenizer chunks or drop --chunk-chars');
    preTokenizer = { type: 'chunks', chunkChars: parseChunkChars(String(raw.chunkChars)) };
  }
  const options: BpeTrainerOptions = {
    alphabet,
    vocabSize: common.vocabSize ?? DEFAULT_BPE_VOCAB_SIZE,
    minFrequency: parseWholeNumber(raw.minFrequency, '--min-frequency', 0) ?? DEFAULT_MIN_FREQUENCY,
    initialAlphabet: raw.initialAlphabet === undefined ? '' : String(raw.initialAlphabet),
    limitAlphabet: parseWholeNumber(raw.limitAlphabet, '--limit-alphabet', 1),
    maxTokenLength: parseWholeNumber(raw.maxTokenLength, '--max-token-length', 1),
    characterCoverage: common.characterCoverage,
    byteFallback: common.byteFallback,
    specials: common.specials,
    normalizer: common.normalizer,
    preTokenizer,
    seed: common.seed,
    threads: common.threads,
  };
  checkBpeOptions(options);
  return options;
}

/** Checks option combinations and that the vocabulary leaves room for the alphabet. */
export function checkBpeOptions(options: BpeTrainerOptions): void {
  checkSpecials(options.specials);
  if (options.alphabet === 'bytes') {
    if (options.initialAlphabet !== '') throw new UsageError('--initial-alphabet applies only to --alphabet chars', 'byte-level BPE already has all 256 bytes; drop the flag');
    if (options.limitAlphabet !== undefined) throw new UsageError('--limit-alphabet applies only to --alphabet chars', 'byte-level BPE always has all 256 bytes; drop the flag');
    const reserved = options.specials.length + 256;
    if (options.vocabSize < reserved) {
      throw new UsageError(
        `--vocab-size ${options.vocabSize} is too small: ${options.specials.length} special tokens and the 256 bytes take ${reserved} ids`,
        `use --vocab-size ${reserved} or more`,
      );
    }
    return;
  }
  if (!(options.characterCoverage > 0 && options.characterCoverage <= 1)) {
    throw new UsageError(`invalid --character-coverage ${options.characterCoverage}`, 'use a number in (0, 1]');
  }
  checkVocabSizeRoom(options.vocabSize, options.specials, options.byteFallback);
}

/** Parses an optional whole-number flag value (a string from commander, or a number). */
function parseWholeNumber(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min || String(value).trim() === '') {
    throw new UsageError(`invalid ${flag} '${String(value)}'`, `use a whole number >= ${min}`);
  }
  return number;
}
