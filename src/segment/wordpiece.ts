// WordPiece inference as Hugging Face tokenizers applies it (the BERT algorithm): greedy
// longest-match-first from the start of each pre-token, where every piece after the first is
// looked up with the continuing-subword prefix (`##`). A pre-token with a character that no
// piece covers, or longer than the character limit, becomes one unknown token.

import { ToksmithError } from '../errors.js';
import { utf8Encoder } from '../utf8.js';
import type { Vocab } from '../vocab.js';
import { buildPieceMap, byteKey } from './piece-map.js';
import type { SegmentContext, Segmenter } from './types.js';

/** Hugging Face's WordPiece defaults. */
const DEFAULT_PREFIX = '##';
const DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

/** True for vocabularies imported from a WordPiece model. */
export function isWordPiece(vocab: Vocab): boolean {
  return vocab.algorithm === 'wordpiece';
}

export function createWordPieceSegmenter(context: SegmentContext): Segmenter {
  const model = context.vocab.pipeline?.model;
  const prefixBytes = utf8Encoder.encode(model?.continuingSubwordPrefix ?? DEFAULT_PREFIX);
  const prefix = byteKey(prefixBytes, 0, prefixBytes.length);
  const maxChars = model?.maxInputCharsPerWord ?? DEFAULT_MAX_INPUT_CHARS_PER_WORD;
  const pieces = buildPieceMap(context.vocab);
  const unknownId = context.index.unknownId;

  return (bytes, start, end, sink) => {
    if (end <= start) return;
    const emitUnknown = (): void => {
      if (unknownId < 0) {
        throw new ToksmithError('a word has no WordPiece segmentation and the vocabulary has no unknown token', {
          hint: 'set model.unk_token in the tokenizer file',
        });
      }
      sink.push(unknownId, start, end);
    };

    // 1. Words longer than the limit, counted in code points, are unknown as a whole.
    let chars = 0;
    for (let i = start; i < end; i++) if ((bytes[i]! & 0xc0) !== 0x80) chars++;
    if (chars > maxChars) return emitUnknown();

    // 2. Take the longest known piece at each position, shortening one character at a time.
    const ids: number[] = [];
    const ends: number[] = [];
    for (let position = start; position < end; ) {
      let pieceEnd = end;
      let id: number | undefined;
      while (pieceEnd > position) {
        const key = byteKey(bytes, position, pieceEnd);
        id = pieces.get(position > start ? prefix + key : key);
        if (id !== undefined) break;
        pieceEnd--;
        while (pieceEnd > position && (bytes[pieceEnd]! & 0xc0) === 0x80) pieceEnd--;
      }
      if (id === undefined) return emitUnknown();
      ids.push(id);
      ends.push(pieceEnd);
      position = pieceEnd;
    }
    for (let k = 0; k < ids.length; k++) sink.push(ids[k]!, k === 0 ? start : ends[k - 1]!, ends[k]!);
  };
}
