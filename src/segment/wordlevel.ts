// WordLevel inference as Hugging Face tokenizers applies it: each pre-token is one piece, or
// the unknown token when the vocabulary does not contain it.

import { ToksmithError } from '../errors.js';
import type { Vocab } from '../vocab.js';
import { buildPieceMap, byteKey } from './piece-map.js';
import type { SegmentContext, Segmenter } from './types.js';

/** True for vocabularies imported from a WordLevel model. */
export function isWordLevel(vocab: Vocab): boolean {
  return vocab.algorithm === 'wordlevel';
}

export function createWordLevelSegmenter(context: SegmentContext): Segmenter {
  const pieces = buildPieceMap(context.vocab);
  const unknownId = context.index.unknownId;
  return (bytes, start, end, sink) => {
    if (end <= start) return;
    const id = pieces.get(byteKey(bytes, start, end));
    if (id !== undefined) {
      sink.push(id, start, end);
      return;
    }
    if (unknownId < 0) {
      throw new ToksmithError('a word is not in the WordLevel vocabulary and the vocabulary has no unknown token', {
        hint: 'set model.unk_token in the tokenizer file',
      });
    }
    sink.push(unknownId, start, end);
  };
}
