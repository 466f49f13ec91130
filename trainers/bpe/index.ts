// The BPE trainer registered with the CLI: byte-level BPE (GPT-2 style, the default) and
// character-level BPE (`--alphabet chars`). Counting is pre-token-counting.ts, training is
// train.ts, inference is src/segment/merges.ts.

import type { Trainer } from '../index.js';
import { bpeCliOptions, resolveBpeOptions } from './options.js';
import { countPreTokens } from './pre-token-counting.js';
import { trainBpeVocab } from './train.js';

export { trainBpeVocab } from './train.js';
export { countPreTokens } from './pre-token-counting.js';

export const bpeTrainer: Trainer = {
  model: 'bpe',
  cliOptions: bpeCliOptions,
  check(options) {
    resolveBpeOptions(options);
  },
  async count(sources, readOptions, options, progress) {
    const bpe = resolveBpeOptions(options);
    return countPreTokens(sources, readOptions, { normalizer: bpe.normalizer, preTokenizer: bpe.preTokenizer, seed: bpe.seed }, bpe.threads, progress);
  },
  async train(counts, options, progress) {
    return trainBpeVocab(counts, resolveBpeOptions(options), progress);
  },
};
