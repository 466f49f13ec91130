// Writes a vocabulary as Hugging Face tokenizer.json, the format that HF tokenizers 0.23 (npm
// `tokenizers`) loads, so that it encodes text to the same ids as toksmith:
// - BPE: byte-level vocabularies (all 256 bytes are pieces) as a BPE model over GPT-2's
//   byte-to-character alphabet with ByteLevel; character-level ones with `byte_fallback`.
// - Unigram: a Unigram model with `byte_fallback`.
// - char: a BPE model without merges, which emits one piece per character as `longest` does.
// - Imported vocabularies: their stored pipeline steps, model options and template.
// Pieces keep real spaces rather than SentencePiece's ▁ (the Prepend normalizer and a Split on
// " " stand in for Metaspace), so text that contains a literal ▁ still encodes identically.
// Components live in components.ts; the reader of the format is read.ts.

import { ToksmithError } from '../../errors.js';
import { bytePieceName, utf8Decoder } from '../../utf8.js';
import { indexVocab, PieceKind, type Vocab, type VocabIndex } from '../../vocab.js';
import {
  nativeDecoder,
  nativeNormalizer,
  nativePreTokenizer,
  pipelineComponents,
  templateProcessor,
  type HfComponent,
} from './components.js';
import { parseSerdeFloat } from './serde-floats.js';
import { GPT2_BYTE_CHARACTERS } from '../gpt2-bytes.js';

/** True when every single byte is a normal piece, so the vocabulary is byte-level BPE. */
function isByteLevel(vocab: Vocab): boolean {
  const singles = new Set<number>();
  vocab.pieces.forEach((piece, id) => {
    if (piece.length === 1 && vocab.kinds[id] === PieceKind.normal) singles.add(piece[0]!);
  });
  return singles.size === 256;
}

/**
 * Returns the tokenizer.json text of each piece: GPT-2 characters for normal pieces of a
 * byte-level vocabulary, `<0xNN>` for byte-fallback pieces, UTF-8 text otherwise. Throws when a
 * piece is not valid UTF-8 or two pieces have the same text, which tokenizer.json cannot store.
 * Empty special pieces are unused ids (the gaps in tiktoken's special-token ids): they get no
 * text and are listed in `unused`.
 */
function pieceTexts(vocab: Vocab, byteLevel: boolean): { texts: string[]; unused: Set<number> } {
  const characters = byteLevel ? GPT2_BYTE_CHARACTERS : undefined;
  const texts = new Array<string>(vocab.pieces.length);
  const unused = new Set<number>();
  const idOfText = new Map<string, number>();
  for (let id = 0; id < vocab.pieces.length; id++) {
    const piece = vocab.pieces[id]!;
    const kind = vocab.kinds[id];
    if (kind === PieceKind.special && piece.length === 0) {
      texts[id] = '';
      unused.add(id);
      continue;
    }
    let text: string;
    if (kind === PieceKind.byte) {
      text = bytePieceName(piece[0]!);
    } else if (kind === PieceKind.normal && characters !== undefined) {
      text = '';
      for (const byte of piece) text += characters[byte]!;
    } else {
      try {
        text = utf8Decoder.decode(piece);
      } catch (error) {
        throw new ToksmithError(`piece ${id} is not valid UTF-8, which tokenizer.json cannot store outside a byte-level vocabulary`, {
          hint: 'convert to .tok instead',
          cause: error,
        });
      }
    }
    const earlier = idOfText.get(text);
    if (earlier !== undefined) {
      throw new ToksmithError(`pieces ${earlier} and ${id} are both ${JSON.stringify(text)} in tokenizer.json, whose vocabulary needs distinct strings`, {
        hint: 'rename the special token or convert to .tok instead',
      });
    }
    idOfText.set(text, id);
    texts[id] = text;
  }
  return { texts, unused };
}

/** Parts of the model that are too large to pretty-print one value per line. */
interface ModelTables {
  /** BPE, WordPiece, WordLevel: piece → id. */
  vocabMap?: string[];
  /** Ids left out of `vocabMap`. */
  unused?: Set<number>;
  /** Unigram: [piece, score] in id order. */
  scoredVocab?: { texts: string[]; scores: ArrayLike<number> };
  merges?: Int32Array;
}

const INDENT = '      ';

/**
 * Formats a Unigram score so that Hugging Face tokenizers reads back the same float64. Its JSON
 * parser (serde_json without `float_roundtrip`, emulated by parseSerdeFloat) rounds the decimal
 * digits to a float64 and then divides by 10^k. A 17-digit shortest form can therefore land one
 * unit in the last place off. 1,802 of the 8,000 scores of a toksmith Unigram vocabulary did, and
 * that flipped Viterbi ties such as "1"+"11" against "11"+"1". Digits that are a float64 integer
 * themselves, with k <= 22, lose nothing in the first step, so the search looks for those.
 */
export function formatScore(score: number): string {
  const shortest = JSON.stringify(score);
  if (parseSerdeFloat(shortest) === score) return shortest;
  const sign = score < 0 ? '-' : '';
  const magnitude = Math.abs(score);
  for (let k = 0; k <= 22; k++) {
    const scaled = magnitude * 10 ** k;
    if (scaled >= 2 ** 64) break;
    if (scaled < 2 ** 52) continue;
    // Neighbouring float64 integers around the scaled score, each exactly representable.
    const step = scaled >= 2 ** 53 ? 2 ** (Math.floor(Math.log2(scaled)) - 52) : 1;
    const center = Math.round(scaled / step) * step;
    for (const offset of [0, -1, 1, -2, 2, -3, 3]) {
      const digits = BigInt(center + offset * step).toString().padStart(k + 1, '0');
      const text = k === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -k)}.${digits.slice(-k)}`;
      if (Number(text) === score && parseSerdeFloat(text) === score) return text;
    }
  }
  // NOTE: about 1 score in 500 has no such form, because float64 integers near the scaled
  // score are spaced wider than its rounding interval. Hugging Face then reads it one unit in
  // the last place off, as toksmith's reader of the file does too.
  return shortest;
}

function formatTables(tables: ModelTables, texts: string[]): { vocab: string; merges?: string } {
  let vocab: string;
  if (tables.scoredVocab !== undefined) {
    const { scores } = tables.scoredVocab;
    vocab = `[\n${tables.scoredVocab.texts.map((text, id) => `${INDENT}[${JSON.stringify(text)}, ${formatScore(scores[id]!)}]`).join(',\n')}\n    ]`;
  } else {
    const entries: string[] = [];
    tables.vocabMap!.forEach((text, id) => {
      if (tables.unused?.has(id) !== true) entries.push(`${INDENT}${JSON.stringify(text)}: ${id}`);
    });
    vocab = `{\n${entries.join(',\n')}\n    }`;
  }
  if (tables.merges === undefined) return { vocab };
  const lines: string[] = [];
  for (let rank = 0; rank < tables.merges.length / 2; rank++) {
    lines.push(`${INDENT}[${JSON.stringify(texts[tables.merges[2 * rank]!])}, ${JSON.stringify(texts[tables.merges[2 * rank + 1]!])}]`);
  }
  return { vocab, merges: lines.length === 0 ? '[]' : `[\n${lines.join(',\n')}\n    ]` };
}

const VOCAB_MARK = '\u0000toksmith vocab\u0000';
const MERGES_MARK = '\u0000toksmith merges\u0000';

/** Pretty-prints the tokenizer, with one vocabulary entry or merge per line. */
function formatTokenizer(parts: Record<string, unknown>, model: Record<string, unknown>, tables: ModelTables, texts: string[]): string {
  const formatted = formatTables(tables, texts);
  const skeleton = { ...model, vocab: VOCAB_MARK, ...(formatted.merges === undefined ? {} : { merges: MERGES_MARK }) };
  let json = JSON.stringify({ ...parts, model: skeleton }, null, 2);
  // The model is the last key, so the last occurrence of a mark is its placeholder.
  const place = (mark: string, text: string): void => {
    const quoted = JSON.stringify(mark);
    const at = json.lastIndexOf(quoted);
    json = json.slice(0, at) + text + json.slice(at + quoted.length);
  };
  place(VOCAB_MARK, formatted.vocab);
  if (formatted.merges !== undefined) place(MERGES_MARK, formatted.merges);
  return json + '\n';
}

/** Special pieces (and an imported pipeline's added tokens) as tokenizer.json added tokens. */
function addedTokens(vocab: Vocab, texts: string[]): unknown[] {
  if (vocab.pipeline !== undefined) {
    return vocab.pipeline.addedTokens.map((token) => ({
      id: token.id,
      content: token.content,
      single_word: token.singleWord,
      lstrip: token.lstrip,
      rstrip: token.rstrip,
      normalized: token.normalized,
      special: token.special,
    }));
  }
  const tokens: unknown[] = [];
  // The unknown piece stays out: as an added token, "<unk>" in the text would become its id,
  // where toksmith encodes it as text.
  vocab.kinds.forEach((kind, id) => {
    if (kind !== PieceKind.special || vocab.pieces[id]!.length === 0) return;
    tokens.push({ id, content: texts[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  });
  return tokens;
}

/**
 * Scores for tokenizer.json's Unigram model. Hugging Face puts every piece, <unk> and
 * `<0xNN>` included, in its matching trie and takes the unknown-character score from the lowest
 * score of all pieces, where toksmith uses normal pieces only. Giving the other pieces the
 * lowest normal score keeps that penalty the same and makes them the least likely matches.
 * NOTE: text that spells such a piece (a literal "<0x41>") can still match it in Hugging Face.
 */
function unigramScores(vocab: Vocab): Float64Array {
  const scores = Float64Array.from(vocab.scores!);
  let lowest = Infinity;
  vocab.kinds.forEach((kind, id) => {
    if (kind === PieceKind.normal && scores[id]! < lowest) lowest = scores[id]!;
  });
  if (lowest === Infinity) lowest = 0;
  scores.forEach((score, id) => {
    if (vocab.kinds[id] !== PieceKind.normal) scores[id] = lowest;
    else if (!Number.isFinite(score)) {
      throw new ToksmithError(`piece ${id} has score ${score}, which JSON cannot store`, { hint: 'retrain the vocabulary' });
    }
  });
  return scores;
}

function unknownText(index: VocabIndex, texts: string[]): string | null {
  return index.unknownId >= 0 ? texts[index.unknownId]! : null;
}

/** Builds the model section for a vocabulary trained by toksmith or imported. */
function modelSection(vocab: Vocab, texts: string[], unused: Set<number>, index: VocabIndex): { model: Record<string, unknown>; tables: ModelTables } {
  const options = vocab.pipeline?.model;
  const type = options?.type ?? (vocab.algorithm === 'unigram' ? 'unigram' : 'bpe');
  switch (type) {
    case 'unigram':
      // NOTE: Hugging Face's Unigram always joins a run of unknown characters into one <unk>,
      // where toksmith's viterbi method emits one per character, so without byte fallback
      // such runs encode differently.
      if (vocab.scores === undefined) throw new ToksmithError('the Unigram vocabulary has no scores', { hint: 'retrain the vocabulary' });
      if (unused.size > 0) throw new ToksmithError(`the Unigram vocabulary has ${unused.size} unused ids, which its tokenizer.json vocabulary list cannot skip`, { hint: 'convert to .tok instead' });
      return {
        model: { type: 'Unigram', unk_id: index.unknownId >= 0 ? index.unknownId : null, byte_fallback: index.hasByteFallback },
        tables: { scoredVocab: { texts, scores: unigramScores(vocab) } },
      };
    case 'wordpiece':
      return {
        model: {
          type: 'WordPiece',
          unk_token: unknownText(index, texts) ?? '[UNK]',
          continuing_subword_prefix: options?.continuingSubwordPrefix ?? '##',
          max_input_chars_per_word: options?.maxInputCharsPerWord ?? 100,
        },
        tables: { vocabMap: texts, unused },
      };
    case 'wordlevel':
      return { model: { type: 'WordLevel', unk_token: unknownText(index, texts) ?? '<unk>' }, tables: { vocabMap: texts, unused } };
    default:
      // NOTE: Hugging Face ranks merges by their position. An imported vocabulary whose merges
      // rank by the piece they make (`rankMergesByResult`, tiktoken) ties merges that make the
      // same piece, which the written order does not reproduce.
      return {
        model: {
          type: 'BPE',
          dropout: null,
          unk_token: unknownText(index, texts),
          continuing_subword_prefix: options?.continuingSubwordPrefix ?? null,
          end_of_word_suffix: options?.endOfWordSuffix ?? null,
          fuse_unk: options?.fuseUnknown ?? false,
          byte_fallback: index.hasByteFallback,
          ignore_merges: options?.ignoreMerges ?? false,
        },
        tables: { vocabMap: texts, unused, merges: vocab.merges ?? new Int32Array(0) },
      };
  }
}

/** Checks that Hugging Face's model for the vocabulary segments as toksmith's default method does. */
function checkMethod(vocab: Vocab): void {
  const expected: Partial<Record<Vocab['algorithm'], Vocab['defaultMethod'][]>> = {
    bpe: ['merges'],
    unigram: ['viterbi'],
    char: ['longest', 'fewest'],
  };
  const methods = expected[vocab.algorithm];
  if (methods === undefined) {
    throw new ToksmithError(`a ${vocab.algorithm} vocabulary has no Hugging Face tokenizers model`, {
      hint: 'tokenizer.json can hold bpe, unigram and char vocabularies; convert to .tok instead',
    });
  }
  if (!methods.includes(vocab.defaultMethod)) {
    throw new ToksmithError(`a ${vocab.algorithm} vocabulary applied with '${vocab.defaultMethod}' has no Hugging Face tokenizers model`, {
      hint: `tokenizer.json reproduces the '${methods[0]}' method only`,
    });
  }
}

/**
 * Returns the tokenizer.json text of `vocab`. Throws a one-line error for what the format
 * cannot hold: LiB vocabularies, the lowercase-tr normalizer, pieces that are not valid UTF-8
 * outside byte-level BPE, two pieces with the same text, and unused ids in a Unigram vocabulary.
 */
export function writeHfTokenizer(vocab: Vocab): string {
  const pipeline = vocab.pipeline;
  const hasSteps = pipeline !== undefined && pipeline.normalizers.length + pipeline.preTokenizers.length > 0;
  if (pipeline === undefined) checkMethod(vocab);
  const byteLevel = hasSteps
    ? [...pipeline.preTokenizers, ...pipeline.decoders].some((step) => step.type === 'byte-level')
    : vocab.algorithm === 'bpe' && isByteLevel(vocab);
  const { texts, unused } = pieceTexts(vocab, byteLevel);
  const index = indexVocab(vocab);

  let normalizer: HfComponent;
  let preTokenizer: HfComponent;
  let decoder: HfComponent;
  if (hasSteps) {
    ({ normalizer, preTokenizer, decoder } = pipelineComponents(pipeline));
  } else {
    // Vocabularies trained by toksmith, and imported ones whose pipeline keeps toksmith's own
    // normalizer and pre-tokenizer (tiktoken encodings).
    const prefixSpace = vocab.preTokenizer.type === 'metaspace' && (vocab.preTokenizer.prefixSpace ?? true);
    normalizer = nativeNormalizer(vocab.normalizer, prefixSpace);
    preTokenizer = nativePreTokenizer(vocab.preTokenizer, byteLevel);
    decoder = pipeline !== undefined && pipeline.decoders.length > 0 ? pipelineComponents(pipeline).decoder : nativeDecoder(byteLevel, index.hasByteFallback, prefixSpace);
  }
  const template = pipeline?.template;
  const parts = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens(vocab, texts),
    normalizer,
    pre_tokenizer: preTokenizer,
    post_processor: template === undefined ? null : templateProcessor(template, (id) => texts[id]!),
    decoder,
  };
  const { model, tables } = modelSection(vocab, texts, unused, index);
  return formatTokenizer(parts, model, tables, texts);
}
