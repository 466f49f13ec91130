// Writer of tiktoken rank files from byte-level BPE vocabularies. A rank file stores only the
// pieces in merge order. The splitting pattern and the special tokens travel separately, so the
// writer also returns the pattern that a reader needs.

import { createHash } from 'node:crypto';
import { ToksmithError } from '../../errors.js';
import { normalPieceTrie } from '../../encoder.js';
import { mergeResults } from '../../segment/merges.js';
import { PieceKind, pieceStoreOf, type Vocab } from '../../vocab.js';
import { KNOWN_ENCODINGS } from './read.js';

/** tiktoken's patterns (Rust regex syntax) of toksmith's built-in pre-tokenizers that a rank file can go with. */
const TIKTOKEN_PATTERNS: Record<string, string> = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  cl100k: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  o200k:
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  none: '[\\s\\S]+',
};

export interface TiktokenFile {
  text: string;
  /** The encoding the ranks are, when they match a published file byte for byte. */
  knownEncoding?: string;
  /** Pattern to pass with --pattern when reading the file back. */
  pattern: string;
  /** Special tokens the file cannot hold, as content → the id it had. */
  specials: Record<string, number>;
  /** Number of ids the normal pieces moved down by, because specials or <unk> came first. */
  idShift: number;
}

const TARGETS_FOR_OTHERS = 'convert it --to tok, hf or spm';

/**
 * Writes the normal pieces of a byte-level BPE vocabulary as a rank file, in id order. Throws a
 * one-line error for what a rank file cannot represent: another algorithm, pieces that are not
 * byte-level, merges that do not follow piece order, or a pre-tokenizer with no pattern.
 */
export function writeTiktoken(vocab: Vocab): TiktokenFile {
  if (vocab.algorithm !== 'bpe' || vocab.merges === undefined) {
    throw new ToksmithError(`a ${vocab.algorithm} vocabulary cannot be written as .tiktoken, which contains only byte-level BPE ranks`, {
      hint: TARGETS_FOR_OTHERS,
    });
  }
  const pattern = TIKTOKEN_PATTERNS[vocab.preTokenizer.type];
  const steps = vocab.pipeline === undefined ? 0 : vocab.pipeline.normalizers.length + vocab.pipeline.preTokenizers.length;
  if (vocab.normalizer !== 'none' || steps > 0 || pattern === undefined) {
    throw new ToksmithError(`this vocabulary's text handling (normalizer ${vocab.normalizer}, pre-tokenizer ${vocab.pipeline !== undefined && steps > 0 ? 'imported steps' : vocab.preTokenizer.type}) has no tiktoken pattern`, {
      hint: `rank files go with the gpt2, cl100k, o200k or none pre-tokenizer and no normalizer; ${TARGETS_FOR_OTHERS}`,
    });
  }

  // 1. Ranks are the normal pieces in id order; every byte must be one of them.
  const store = pieceStoreOf(vocab);
  const rankOf = new Int32Array(vocab.kinds.length).fill(-1);
  const lines: string[] = [];
  const singleBytes = new Set<number>();
  const specials: Record<string, number> = {};
  let idShift = 0;
  for (let id = 0; id < vocab.kinds.length; id++) {
    const start = id > 0 ? store.ends[id - 1]! : 0;
    const piece = store.bytes.subarray(start, store.ends[id]!);
    if (vocab.kinds[id] !== PieceKind.normal) {
      if (vocab.kinds[id] === PieceKind.special && piece.length > 0) specials[new TextDecoder().decode(piece)] = id;
      if (lines.length === 0) idShift++;
      continue;
    }
    if (piece.length === 1) singleBytes.add(piece[0]!);
    rankOf[id] = lines.length;
    lines.push(`${Buffer.from(piece).toString('base64')} ${lines.length}`);
  }
  if (singleBytes.size !== 256) {
    throw new ToksmithError(`only ${singleBytes.size} of the 256 bytes are pieces, so this is not a byte-level vocabulary`, {
      hint: `rank files hold byte-level BPE; ${TARGETS_FOR_OTHERS}`,
    });
  }

  // 2. tiktoken merges by the rank of the joined piece, so merge order must follow piece order.
  const results = mergeResults(vocab, () => normalPieceTrie(vocab));
  let previousResult = -1;
  for (let rank = 0; rank < results.length; rank++) {
    const result = rankOf[results[rank]!]!;
    if (result < previousResult) {
      throw new ToksmithError(`merge ${rank} makes piece ${results[rank]}, which comes before an earlier merge's piece`, {
        hint: `tiktoken ranks need merges in piece order; ${TARGETS_FOR_OTHERS}`,
      });
    }
    previousResult = result;
  }

  const text = lines.join('\n') + '\n';
  const hash = createHash('sha256').update(text).digest('hex');
  return { text, knownEncoding: KNOWN_ENCODINGS[hash]?.name, pattern, specials, idShift };
}
