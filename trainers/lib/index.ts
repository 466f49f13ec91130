// The LiB ("Less-is-Better") trainer entry of the trainer registry: its flags, the option
// check, the statistics step (distinct line counts) and the training step. The algorithm lives
// in the files beside this one; inference is src/segment/lib.ts.

import { readLineBatches } from '../../src/corpus.js';
import type { CommonTrainOptions, Trainer } from '../index.js';
import { countLines } from './count.js';
import { libCliOptions, libPreTokenizer, readLibOptions, type LibTrainerOptions } from './options.js';
import { trainLibVocab } from './train.js';

function libOptions(options: CommonTrainOptions): LibTrainerOptions {
  return readLibOptions(options.raw, options);
}

export const libTrainer: Trainer = {
  model: 'lib',
  cliOptions: libCliOptions,
  check(options) {
    libOptions(options);
  },
  async count(sources, readOptions, options, progress) {
    const lib = libOptions(options);
    const batches = readLineBatches(sources, { ...readOptions, progress });
    return countLines(batches, options.normalizer, libPreTokenizer(options.preTokenizer, lib.crossWords));
  },
  async train(counts, options, progress) {
    return trainLibVocab(counts, libOptions(options), progress);
  },
};
