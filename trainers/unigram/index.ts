// The Unigram trainer as registered with the CLI: SentencePiece-style training (train.ts) over
// pre-token counts (counting.ts), with Viterbi as the vocabulary's default method.

import { readLineBatches } from '../../src/corpus.js';
import type { Trainer } from '../index.js';
import { countPreTokens } from './counting.js';
import { toUnigramOptions, unigramCliOptions } from './options.js';
import { trainUnigramVocab } from './train.js';

export const unigramTrainer: Trainer = {
  model: 'unigram',
  cliOptions: unigramCliOptions,
  check(options) {
    toUnigramOptions(options);
  },
  async count(sources, readOptions, options, progress) {
    const unigram = toUnigramOptions(options);
    const batches = readLineBatches(sources, { ...readOptions, progress });
    return countPreTokens(batches, unigram, progress);
  },
  async train(counts, options, progress) {
    return trainUnigramVocab(counts, toUnigramOptions(options), progress);
  },
};
