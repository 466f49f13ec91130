// Readers of SentencePiece `.model` files (a serialized ModelProto) and `.vocab` files (piece TAB
// score per line). A model becomes a vocabulary with an imported pipeline that encodes as
// spm_encode (SentencePiece 0.1.97) does: the character map, the whitespace rules, then Unigram
// Viterbi over the whole normalized line or BPE merges. Writing .model files is in writer.ts.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ToksmithError } from '../../errors.js';
import type { AddedTokenSpec, PipelineSpec, StepSpec } from '../../pipeline/spec.js';
import { escapeRegExp } from '../../pipeline/steps.js';
import { utf8Decoder, utf8Encoder } from '../../utf8.js';
import { PieceKind, type Algorithm, type MethodName, type Vocab } from '../../vocab.js';
import type { VocabReader } from '../types.js';
import { decodeModelProto, fieldOf, SpmModelType, SpmPieceType, type SpmModelProto } from './model-proto.js';
import { SPACE_SYMBOL, type SpmWhitespaceOptions } from './steps.js';

/** Smallest positive normal float32 (FLT_MIN), SentencePiece's starting value for the maximum score. */
const FLT_MIN = 1.1754943508222875e-38;

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/** A piece list with types and scores, as both file kinds provide it. */
interface SpmPieceList {
  texts: string[];
  scores: number[];
  types: number[];
}

interface SpmModelSettings {
  modelType: number;
  whitespace: SpmWhitespaceOptions;
  /** Precompiled character map; empty for the identity normalizer. */
  charsmap: Uint8Array;
  unknownSurface: string;
}

/** Builds a toksmith vocabulary from a decoded ModelProto. */
export function vocabFromModelProto(model: SpmModelProto, path: string): Vocab {
  const trainer = model.trainer_spec;
  const normalizer = model.normalizer_spec;
  const list: SpmPieceList = { texts: [], scores: [], types: [] };
  model.pieces.forEach((piece, index) => {
    if (typeof piece.piece !== 'string') {
      throw new ToksmithError(`${path}: piece ${index} has no text`, { hint: 'the model file is corrupt; export it again' });
    }
    list.texts.push(piece.piece);
    list.scores.push(fieldOf(piece, 'score', 0));
    list.types.push(fieldOf(piece, 'type', SpmPieceType.normal));
  });
  return buildVocab(list, {
    modelType: fieldOf(trainer, 'model_type', SpmModelType.unigram),
    whitespace: {
      addDummyPrefix: fieldOf(normalizer, 'add_dummy_prefix', true),
      removeExtraWhitespaces: fieldOf(normalizer, 'remove_extra_whitespaces', true),
      escapeWhitespaces: fieldOf(normalizer, 'escape_whitespaces', true),
      treatWhitespaceAsSuffix: fieldOf(trainer, 'treat_whitespace_as_suffix', false),
    },
    charsmap: fieldOf(normalizer, 'precompiled_charsmap', new Uint8Array(0)),
    unknownSurface: fieldOf(trainer, 'unk_surface', ' \u2047 '),
  }, path);
}

function buildVocab(list: SpmPieceList, settings: SpmModelSettings, path: string): Vocab {
  const { modelType } = settings;
  if (modelType === SpmModelType.word) {
    throw new ToksmithError(`${path}: SentencePiece model_type WORD is not supported`, { hint: 'toksmith reads UNIGRAM, BPE and CHAR models' });
  }
  if (modelType !== SpmModelType.unigram && modelType !== SpmModelType.bpe && modelType !== SpmModelType.char) {
    throw new ToksmithError(`${path}: unknown SentencePiece model_type ${modelType}`, { hint: 'toksmith reads UNIGRAM, BPE and CHAR models' });
  }

  // 1. Pieces and kinds. User-defined symbols are normal pieces that the normalizer leaves
  // alone; unused pieces become specials, which text never produces.
  const size = list.texts.length;
  const pieces: Uint8Array[] = [];
  const kinds = new Uint8Array(size);
  const scores = new Float64Array(size);
  const userDefined: string[] = [];
  const controlPieces: string[] = [];
  const addedTokens: AddedTokenSpec[] = [];
  let unknownPiece = '<unk>';
  let maxNormalScore = FLT_MIN;
  for (let id = 0; id < size; id++) {
    const type = list.types[id]!;
    if (type === SpmPieceType.normal) maxNormalScore = Math.max(maxNormalScore, list.scores[id]!);
  }
  for (let id = 0; id < size; id++) {
    const text = list.texts[id]!;
    const type = list.types[id]!;
    let score = list.scores[id]!;
    let kind: number = PieceKind.normal;
    let bytes = utf8Encoder.encode(text);
    if (type === SpmPieceType.byte) {
      const match = BYTE_PIECE.exec(text);
      if (match === null) throw new ToksmithError(`${path}: byte piece ${id} '${text}' is not of the form <0xNN>`, { hint: 'the model file is corrupt' });
      kind = PieceKind.byte;
      bytes = Uint8Array.of(Number.parseInt(match[1]!, 16));
    } else if (type === SpmPieceType.unknown) {
      kind = PieceKind.unknown;
      unknownPiece = text;
    } else if (type === SpmPieceType.control || type === SpmPieceType.unused) {
      kind = PieceKind.special;
      if (type === SpmPieceType.control) {
        controlPieces.push(text);
        addedTokens.push({ id, content: text, special: true, lstrip: false, rstrip: false, singleWord: false, normalized: false });
      }
    } else if (type === SpmPieceType.userDefined) {
      userDefined.push(text);
      // SentencePiece's Unigram gives a user-defined symbol length × max score − 0.1, which
      // beats any segmentation of the same bytes into other pieces.
      if (modelType === SpmModelType.unigram) score = Math.fround(bytes.length * Math.fround(maxNormalScore)) - 0.1;
    } else if (type !== SpmPieceType.normal) {
      throw new ToksmithError(`${path}: piece ${id} '${text}' has unknown type ${type}`, { hint: 'the model file is corrupt or from a newer SentencePiece' });
    }
    pieces.push(bytes);
    kinds[id] = kind;
    scores[id] = score;
  }

  // 2. The pipeline: character map, whitespace rules, and the decoder.
  const normalizers: StepSpec[] = [];
  if (settings.charsmap.length > 0) normalizers.push({ type: 'precompiled', charsmap: settings.charsmap, protected: userDefined });
  // The whitespace step also carries the user-defined symbols, so writers can restore their type.
  normalizers.push({ type: 'spm-whitespace', ...settings.whitespace, userDefinedSymbols: userDefined });
  const preTokenizers: StepSpec[] = [];
  const isBpe = modelType !== SpmModelType.unigram;
  if (isBpe && canSplitAtSpaces(list, settings.whitespace)) {
    // BPE gives the same tokens when cut at ▁ if no piece spans a ▁, and the cut lets the
    // segmenter cache words. BPE over en-state-of-the-union.train.txt (lines of 23 kB on
    // average) took 56 s as whole lines, measured with `npm run bench:parity-spm` on a loaded
    // 2-core machine. Unigram stays whole, because its float32 path sums round differently per word.
    const behavior = settings.whitespace.treatWhitespaceAsSuffix ? 'merged-with-previous' : 'merged-with-next';
    preTokenizers.push({ type: 'split', pattern: { string: SPACE_SYMBOL }, behavior, invert: false });
  }
  if (isBpe && userDefined.length > 0) {
    // BPE never merges across a user-defined symbol, so each match is a split of its own.
    const alternatives = [...userDefined].sort((a, b) => b.length - a.length).map(escapeRegExp);
    preTokenizers.push({ type: 'split', pattern: { regex: alternatives.join('|') }, behavior: 'isolated', invert: false });
  }
  const pipeline: PipelineSpec = {
    source: 'spm',
    normalizers,
    preTokenizers,
    decoders: [{ type: 'spm', ...settings.whitespace, unknownPiece, unknownSurface: settings.unknownSurface, controlPieces }],
    addedTokens,
    model: {
      type: isBpe ? 'bpe' : 'unigram',
      // SentencePiece emits one unknown token for a run of unknown characters.
      fuseUnknown: true,
      // NOTE: with user-defined symbols, a BPE split that is itself a piece is emitted whole, so
      // that the isolated symbols come out as one token. A word that is a piece but whose merges
      // get stuck before reaching it would then differ from spm_encode.
      ignoreMerges: isBpe && userDefined.length > 0,
    },
  };

  // 3. Merges: BPE merges the adjacent pair whose concatenation is the highest-scoring piece.
  let merges: Int32Array | undefined;
  let algorithm: Algorithm = 'unigram';
  let defaultMethod: MethodName = 'viterbi';
  if (isBpe) {
    algorithm = 'bpe';
    defaultMethod = 'merges';
    merges = modelType === SpmModelType.char ? new Int32Array(0) : mergesFromScores(list, kinds);
  }
  return {
    algorithm,
    pieces,
    kinds,
    scores,
    merges,
    normalizer: 'none',
    preTokenizer: { type: 'none' },
    defaultMethod,
    pipeline,
  };
}

/**
 * True when cutting the normalized text before each ▁ (after it, for suffix models) gives the
 * same tokens as SentencePiece's whole-line segmentation. That holds when ▁ is a normal piece,
 * so no unknown run spans a cut, and every piece has ▁ only at its start (or end).
 */
function canSplitAtSpaces(list: SpmPieceList, whitespace: SpmWhitespaceOptions): boolean {
  if (!whitespace.escapeWhitespaces) return false;
  let spaceIsPiece = false;
  for (let id = 0; id < list.texts.length; id++) {
    const type = list.types[id]!;
    if (type !== SpmPieceType.normal && type !== SpmPieceType.userDefined) continue;
    const text = list.texts[id]!;
    if (text === SPACE_SYMBOL && type === SpmPieceType.normal) spaceIsPiece = true;
    const position = text.indexOf(SPACE_SYMBOL, whitespace.treatWhitespaceAsSuffix ? 0 : 1);
    if (position < 0) continue;
    if (!whitespace.treatWhitespaceAsSuffix || position !== text.length - 1) return false;
  }
  return spaceIsPiece;
}

/**
 * Derives merge ranks from piece scores: for every normal piece, highest score first (lower id
 * on equal scores), every split into two normal pieces is one merge.
 *
 * NOTE: SentencePiece breaks score ties by position, toksmith by rank. Pieces of a trained BPE
 * model have distinct scores, but one piece split two ways at overlapping places (X+Y and Y+Z
 * both spelling it) takes the lower-ranked split instead of the leftmost.
 */
function mergesFromScores(list: SpmPieceList, kinds: Uint8Array): Int32Array {
  const idOf = new Map<string, number>();
  for (let id = 0; id < list.texts.length; id++) if (kinds[id] === PieceKind.normal && !idOf.has(list.texts[id]!)) idOf.set(list.texts[id]!, id);
  const order = [...idOf.values()].filter((id) => list.types[id] === SpmPieceType.normal);
  order.sort((a, b) => list.scores[b]! - list.scores[a]! || a - b);
  const merges: number[] = [];
  for (const id of order) {
    const characters = Array.from(list.texts[id]!);
    let left = '';
    for (let k = 0; k < characters.length - 1; k++) {
      left += characters[k]!;
      const leftId = idOf.get(left);
      const rightId = idOf.get(characters.slice(k + 1).join(''));
      if (leftId !== undefined && rightId !== undefined) merges.push(leftId, rightId);
    }
  }
  return Int32Array.from(merges);
}

/** Reads a .model file. */
export function readSpmModel(path: string): Vocab {
  return vocabFromModelProto(decodeModelProto(readFileSync(path), path), path);
}

/** True when `head` starts like a ModelProto: field 1 (pieces) holding a message whose field 1 is the piece text. */
function looksLikeModelProto(head: Uint8Array): boolean {
  if (head[0] !== 0x0a) return false;
  let position = 1;
  let length = 0;
  for (let shift = 0; position < head.length && shift < 35; shift += 7) {
    const byte = head[position++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return length > 0 && head[position] === 0x0a;
  }
  return false;
}

export const spmReader: VocabReader = {
  format: '.model (SentencePiece)',
  prefix: 'spm',
  accepts: (path, head) => extname(path) === '.model' || looksLikeModelProto(head),
  // `spm:` forces this reader, so it also reads .vocab files.
  read: (path) => (extname(path) === '.vocab' ? readSpmVocab(path) : readSpmModel(path)),
};

/**
 * Reads a .vocab file, which has no piece types, normalizer or model type, so these are assumed.
 * `<unk>` is the unknown piece, `<s>` and `</s>` are control pieces, and `<0xNN>` pieces are
 * bytes when all 256 are present. The model is BPE when every other score is an integer, because
 * spm_train writes BPE scores as −rank, and Unigram otherwise. The normalizer is the identity
 * with SentencePiece's default whitespace rules: dummy prefix, extra spaces removed, spaces as ▁.
 */
export function readSpmVocab(path: string): Vocab {
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch (error) {
    throw new ToksmithError(`${path}: invalid UTF-8`, { hint: 'a .vocab file is UTF-8 text; export it again', cause: error });
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const list: SpmPieceList = { texts: [], scores: [], types: [] };
  let byteCount = 0;
  lines.forEach((line, index) => {
    const tab = line.lastIndexOf('\t');
    const score = tab < 0 ? Number.NaN : Number(line.slice(tab + 1));
    if (tab <= 0 || !Number.isFinite(score)) {
      throw new ToksmithError(`${path}:${index + 1}: expected 'piece<TAB>score', found '${line.slice(0, 40)}'`, { hint: 'pass a SentencePiece .vocab file' });
    }
    const piece = line.slice(0, tab);
    list.texts.push(piece);
    list.scores.push(score);
    if (BYTE_PIECE.test(piece)) byteCount++;
  });
  let allIntegers = true;
  for (let id = 0; id < list.texts.length; id++) {
    const piece = list.texts[id]!;
    let type: number = SpmPieceType.normal;
    if (piece === '<unk>') type = SpmPieceType.unknown;
    else if (piece === '<s>' || piece === '</s>') type = SpmPieceType.control;
    else if (byteCount === 256 && BYTE_PIECE.test(piece)) type = SpmPieceType.byte;
    else if (!Number.isInteger(list.scores[id]!)) allIntegers = false;
    list.types.push(type);
  }
  return buildVocab(list, {
    modelType: allIntegers ? SpmModelType.bpe : SpmModelType.unigram,
    whitespace: { addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true, treatWhitespaceAsSuffix: false },
    charsmap: new Uint8Array(0),
    unknownSurface: ' \u2047 ',
  }, path);
}

export const spmVocabReader: VocabReader = {
  format: '.vocab (SentencePiece piece list)',
  prefix: 'spm',
  accepts: (path) => extname(path) === '.vocab',
  read: (path) => readSpmVocab(path),
};
