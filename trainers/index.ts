// Registry of trainers. Each trainer has a statistics step (`count`, which streams the corpus
// into a CountTable that can be saved and merged) and a training step (`train`, which turns
// merged counts into a vocabulary). The CLI looks trainers up here by model name.

import type { Option } from 'commander';
import { readLineBatches, type InputSource, type ReadOptions } from '../src/corpus.js';
import type { NormalizerName } from '../src/normalizers.js';
import type { PreTokenizerSpec } from '../src/pre-tokenizers.js';
import type { Progress } from '../src/progress.js';
import type { Algorithm, Vocab } from '../src/vocab.js';
import { bpeTrainer } from './bpe/index.js';
import { checkCharOptions, countCharacters, trainCharVocab } from './char.js';
import type { CountTable } from './counting.js';
import { libTrainer } from './lib/index.js';
import { unigramTrainer } from './unigram/index.js';

/** Options every trainer receives, already parsed from the command line. */
export interface CommonTrainOptions {
  vocabSize?: number;
  specials: string[];
  normalizer: NormalizerName;
  /** Undefined when the user did not choose: each trainer has its own default. */
  preTokenizer?: PreTokenizerSpec;
  byteFallback: boolean;
  characterCoverage: number;
  seed: number;
  threads: number;
  /** Every command-line option, for trainer-specific settings. */
  raw: Record<string, unknown>;
}

export interface Trainer {
  model: Algorithm;
  /**
   * Command-line options of this trainer, added to `train` and `count`. An option whose long
   * flag another trainer already added is skipped, so shared flags (`--max-piece-length`) must
   * not carry a commander default: apply the trainer's own default in `check` and `train`.
   */
  cliOptions?: () => Option[];
  /** Validates options before any input is read, so bad usage fails at once. */
  check(options: CommonTrainOptions): void;
  /** The statistics step: reads the corpus into counts. */
  count(sources: readonly InputSource[], readOptions: ReadOptions, options: CommonTrainOptions, progress: Progress): Promise<CountTable>;
  /** The training step: builds the vocabulary from (possibly merged) counts. */
  train(counts: CountTable, options: CommonTrainOptions, progress: Progress): Promise<Vocab>;
}

const charTrainer: Trainer = {
  model: 'char',
  check(options) {
    checkCharOptions(toCharOptions(options));
  },
  async count(sources, readOptions, options, progress) {
    const batches = readLineBatches(sources, { ...readOptions, progress });
    return countCharacters(batches, options.normalizer, options.preTokenizer ?? { type: 'none' });
  },
  async train(counts, options, progress) {
    return trainCharVocab(counts, toCharOptions(options), progress);
  },
};

function toCharOptions(options: CommonTrainOptions): Parameters<typeof trainCharVocab>[1] {
  return {
    vocabSize: options.vocabSize,
    characterCoverage: options.characterCoverage,
    byteFallback: options.byteFallback,
    specials: options.specials,
    normalizer: options.normalizer,
    preTokenizer: options.preTokenizer ?? { type: 'none' },
  };
}

// One entry per algorithm; a trainer module adds its line here.
const TRAINERS = new Map<Algorithm, Trainer>([
  ['char', charTrainer],
  ['bpe', bpeTrainer],
  ['unigram', unigramTrainer],
  ['lib', libTrainer],
]);

/** Registers a trainer under its model name. */
export function registerTrainer(trainer: Trainer): void {
  TRAINERS.set(trainer.model, trainer);
}

/** Returns the trainer for `model`, or undefined when this build has none. */
export function findTrainer(model: Algorithm): Trainer | undefined {
  return TRAINERS.get(model);
}

/** Model names that have a trainer. */
export function availableModels(): Algorithm[] {
  return [...TRAINERS.keys()];
}
