// Writes SentencePiece `.model` files for toksmith Unigram and character-level BPE vocabularies
// and for imported SentencePiece models, so that spm_encode loads them. Spaces, stored as real
// 0x20 bytes in toksmith pieces, become ▁; the metaspace prefix space becomes add_dummy_prefix.
// Only the identity normalizer can be written: toksmith cannot build a precompiled character map.

import { ToksmithError } from '../../errors.js';
import type { StepSpec } from '../../pipeline/spec.js';
import { bytePieceName, lenientUtf8Decoder } from '../../utf8.js';
import { PieceKind, type Vocab } from '../../vocab.js';
import { encodeModelProto, SpmModelType, SpmPieceType, type SpmModelProto, type SpmPiece } from './model-proto.js';
import { SPACE_SYMBOL } from './steps.js';

const WRITABLE = 'SentencePiece .model files hold Unigram and character-level BPE vocabularies';

/**
 * Serializes `vocab` as a SentencePiece ModelProto. Throws a one-line error for a vocabulary the
 * format cannot represent: byte-level BPE, char and LiB vocabularies, normalizers other than
 * `none`, and pre-tokenizers other than `metaspace` and `none`.
 */
export function writeSpmModel(vocab: Vocab): Uint8Array {
  if (vocab.pipeline !== undefined) return writeImported(vocab);
  checkWritable(vocab);

  // 1. Pieces: spaces as ▁, kinds as piece types.
  const isBpe = vocab.algorithm === 'bpe';
  const scores = isBpe ? scoresFromMerges(vocab) : vocab.scores!;
  const pieces: SpmPiece[] = [];
  let hasBytes = false;
  const controlSymbols: string[] = [];
  let unknownId = -1;
  for (let id = 0; id < vocab.pieces.length; id++) {
    const bytes = vocab.pieces[id]!;
    const kind = vocab.kinds[id];
    if (kind === PieceKind.byte) {
      hasBytes = true;
      pieces.push({ piece: bytePieceName(bytes[0]!), score: 0, type: SpmPieceType.byte });
    } else if (kind === PieceKind.unknown) {
      unknownId = id;
      pieces.push({ piece: lenientUtf8Decoder.decode(bytes), score: 0, type: SpmPieceType.unknown });
    } else if (kind === PieceKind.special) {
      const text = lenientUtf8Decoder.decode(bytes);
      controlSymbols.push(text);
      pieces.push({ piece: text, score: 0, type: SpmPieceType.control });
    } else {
      pieces.push({ piece: lenientUtf8Decoder.decode(bytes).replaceAll(' ', SPACE_SYMBOL), score: scores[id]!, type: SpmPieceType.normal });
    }
  }
  if (unknownId < 0) {
    throw new ToksmithError('the vocabulary has no <unk> piece, which SentencePiece requires', { hint: 'retrain it with toksmith train, which always adds <unk>' });
  }

  // 2. Trainer and normalizer settings: identity map, spaces kept as they are.
  const prefixSpace = vocab.preTokenizer.type === 'metaspace' && vocab.preTokenizer.prefixSpace !== false;
  const model: SpmModelProto = {
    pieces,
    trainer_spec: {
      model_type: isBpe ? SpmModelType.bpe : SpmModelType.unigram,
      vocab_size: pieces.length,
      byte_fallback: hasBytes,
      unk_id: unknownId,
      unk_piece: pieces[unknownId]!.piece,
      // No <s> or </s> unless the vocabulary has them as specials.
      bos_id: -1,
      eos_id: -1,
      pad_id: -1,
    },
    normalizer_spec: { name: 'identity', precompiled_charsmap: new Uint8Array(0), add_dummy_prefix: prefixSpace, remove_extra_whitespaces: false, escape_whitespaces: true },
  };
  if (controlSymbols.length > 0) model.trainer_spec!.control_symbols = controlSymbols;
  return encodeModelProto(model);
}

function checkWritable(vocab: Vocab): void {
  if (vocab.algorithm === 'bpe' && isByteLevel(vocab)) {
    throw new ToksmithError('a byte-level BPE vocabulary cannot be written as a SentencePiece .model file', {
      hint: 'convert it --to hf, tok or tiktoken instead',
    });
  }
  if (vocab.algorithm !== 'unigram' && vocab.algorithm !== 'bpe') {
    throw new ToksmithError(`a ${vocab.algorithm} vocabulary cannot be written as a SentencePiece .model file`, {
      hint: `${WRITABLE}; convert it --to tok or hf instead`,
    });
  }
  if (vocab.algorithm === 'unigram' && vocab.scores === undefined) {
    throw new ToksmithError('the Unigram vocabulary has no scores to write', { hint: 'the vocabulary file is corrupt; retrain it' });
  }
  if (vocab.algorithm === 'bpe' && vocab.merges === undefined) {
    throw new ToksmithError('the BPE vocabulary has no merges to write', { hint: 'the vocabulary file is corrupt; retrain it' });
  }
  if (vocab.normalizer !== 'none') {
    throw new ToksmithError(`normalizer '${vocab.normalizer}' cannot be written to a SentencePiece .model file`, {
      hint: 'toksmith writes only the identity normalizer; retrain with --normalizer none, or convert --to hf or tok',
    });
  }
  if (vocab.preTokenizer.type !== 'metaspace' && vocab.preTokenizer.type !== 'none') {
    throw new ToksmithError(`pre-tokenizer '${vocab.preTokenizer.type}' cannot be written to a SentencePiece .model file`, {
      hint: 'SentencePiece splits only at spaces; retrain with --pre-tokenizer metaspace, or convert --to hf or tok',
    });
  }
}

/** True when all 256 single bytes are normal pieces, the mark of a byte-level vocabulary. */
function isByteLevel(vocab: Vocab): boolean {
  const singles = new Set<number>();
  for (let id = 0; id < vocab.pieces.length; id++) {
    const piece = vocab.pieces[id]!;
    if (vocab.kinds[id] === PieceKind.normal && piece.length === 1) singles.add(piece[0]!);
  }
  return singles.size === 256;
}

/**
 * Scores for a BPE model: SentencePiece merges the pair whose joined piece scores highest, so a
 * piece made by merge `rank` scores −rank, and pieces no merge makes (characters) score below
 * every merge.
 *
 * NOTE: toksmith applies a merge only to its own pair, spm_encode to any two adjacent symbols
 * that spell a piece. Encodings differ when a piece can be reached from another split first.
 */
function scoresFromMerges(vocab: Vocab): Float64Array {
  const merges = vocab.merges!;
  const rankCount = merges.length / 2;
  const scores = new Float64Array(vocab.pieces.length).fill(Number.NaN);
  const idOfText = new Map<string, number>();
  vocab.pieces.forEach((piece, id) => {
    if (vocab.kinds[id] === PieceKind.normal) idOfText.set(lenientUtf8Decoder.decode(piece), id);
  });
  for (let rank = 0; rank < rankCount; rank++) {
    const joined = lenientUtf8Decoder.decode(vocab.pieces[merges[2 * rank]!]!) + lenientUtf8Decoder.decode(vocab.pieces[merges[2 * rank + 1]!]!);
    const id = idOfText.get(joined);
    if (id !== undefined && Number.isNaN(scores[id]!)) scores[id] = -rank;
  }
  for (let id = 0; id < scores.length; id++) if (Number.isNaN(scores[id]!)) scores[id] = -(rankCount + id);
  return scores;
}

/** Writes an imported SentencePiece model back from its pipeline settings. */
function writeImported(vocab: Vocab): Uint8Array {
  const pipeline = vocab.pipeline!;
  if (pipeline.source !== 'spm') {
    throw new ToksmithError(`a tokenizer imported from ${pipeline.source} cannot be written as a SentencePiece .model file`, {
      hint: `${WRITABLE}; convert it --to ${pipeline.source === 'hf' ? 'hf or tok' : 'tiktoken or tok'} instead`,
    });
  }

  // 1. Pieces: types from kinds, the added tokens and the user-defined symbols.
  const precompiled = pipeline.normalizers.find((step) => step.type === 'precompiled');
  const whitespace: StepSpec = pipeline.normalizers.find((step) => step.type === 'spm-whitespace') ?? { type: 'spm-whitespace' };
  const decoder: StepSpec = pipeline.decoders.find((step) => step.type === 'spm') ?? { type: 'spm' };
  const userDefined = new Set(Array.isArray(whitespace['userDefinedSymbols']) ? (whitespace['userDefinedSymbols'] as string[]) : []);
  const controlPieces = new Set(pipeline.addedTokens.filter((token) => token.special).map((token) => token.id));
  const pieces: SpmPiece[] = [];
  let unknownId = 0;
  let hasBytes = false;
  for (let id = 0; id < vocab.pieces.length; id++) {
    const bytes = vocab.pieces[id]!;
    const text = lenientUtf8Decoder.decode(bytes);
    const kind = vocab.kinds[id];
    const score = vocab.scores?.[id] ?? 0;
    if (kind === PieceKind.byte) {
      hasBytes = true;
      pieces.push({ piece: bytePieceName(bytes[0]!), score: 0, type: SpmPieceType.byte });
    } else if (kind === PieceKind.unknown) {
      unknownId = id;
      pieces.push({ piece: text, score: 0, type: SpmPieceType.unknown });
    } else if (kind === PieceKind.special) {
      pieces.push({ piece: text, score: 0, type: controlPieces.has(id) ? SpmPieceType.control : SpmPieceType.unused });
    } else if (userDefined.has(text)) {
      pieces.push({ piece: text, score: 0, type: SpmPieceType.userDefined });
    } else {
      pieces.push({ piece: text, score, type: SpmPieceType.normal });
    }
  }

  // 2. Settings. NOTE: trainer settings that do not affect encoding (input files, sizes used in training) are
  // not kept in the pipeline, so they are not written back.
  let modelType: number = SpmModelType.unigram;
  if (pipeline.model.type === 'bpe') modelType = vocab.merges?.length === 0 ? SpmModelType.char : SpmModelType.bpe;
  const model: SpmModelProto = {
    pieces,
    trainer_spec: {
      model_type: modelType,
      vocab_size: pieces.length,
      byte_fallback: hasBytes,
      treat_whitespace_as_suffix: whitespace['treatWhitespaceAsSuffix'] === true,
      unk_id: unknownId,
      unk_piece: pieces[unknownId]!.piece,
      unk_surface: typeof decoder['unknownSurface'] === 'string' ? decoder['unknownSurface'] : ' \u2047 ',
      bos_id: -1,
      eos_id: -1,
      pad_id: -1,
    },
    normalizer_spec: {
      precompiled_charsmap: precompiled?.['charsmap'] instanceof Uint8Array ? precompiled['charsmap'] : new Uint8Array(0),
      add_dummy_prefix: whitespace['addDummyPrefix'] !== false,
      remove_extra_whitespaces: whitespace['removeExtraWhitespaces'] !== false,
      escape_whitespaces: whitespace['escapeWhitespaces'] !== false,
    },
  };
  return encodeModelProto(model);
}
