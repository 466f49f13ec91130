// The statistics step of the LiB trainer: counts of distinct normalized lines. LiB learns by
// reading sentences in order (its memorizer joins neighbouring chunks and records their
// context), so it needs whole lines, not pre-token or pair counts. Line counts still merge
// across shards by addition, and the training loop samples lines by count with the seed, so a
// repeated line is read as often as it occurs.

import type { LineBatch } from '../../src/corpus.js';
import { createNormalizer, type NormalizerName } from '../../src/normalizers.js';
import { createPreTokenizer, type PreTokenizerSpec } from '../../src/pre-tokenizers.js';
import { CountTable } from '../counting.js';

/** Count unit of LiB counts. */
export const LINES_UNIT = 'lines';

/**
 * Counts distinct lines after normalization; empty lines are skipped. The pre-tokenizer is
 * only recorded, so that counts made for other pre-tokenizers do not merge with these.
 */
export async function countLines(
  batches: AsyncIterable<LineBatch>,
  normalizerName: NormalizerName,
  preTokenizerSpec: PreTokenizerSpec,
): Promise<CountTable> {
  const normalizer = createNormalizer(normalizerName);
  const preTokenizer = createPreTokenizer(preTokenizerSpec);
  const table = new CountTable({ unit: LINES_UNIT, normalizer: normalizerName, preTokenizer: preTokenizer.spec });
  for await (const batch of batches) {
    for (const line of batch.lines) {
      const text = normalizer.normalize(line, false).text;
      if (text.length > 0) table.add(text);
    }
  }
  return table;
}
