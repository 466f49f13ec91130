// One entry point for every tokenizer file toksmith can apply. Each reader turns its format into
// toksmith's vocabulary model (imported pipelines included), so every command that takes a
// vocabulary works the same on .tok, tokenizer.json, SentencePiece and tiktoken files.
// The readers of other formats live in src/formats/ and register here.

import { closeSync, openSync, readSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { Decoder, Encoder, type EncoderOptions } from './encoder.js';
import { ToksmithError } from './errors.js';
import { lenientUtf8Decoder } from './utf8.js';
import { VOCAB_READERS } from './formats/index.js';
import type { ReadVocabOptions, VocabReader } from './formats/types.js';
import { PieceKind, pieceStoreOf, type MethodName, type Vocab } from './vocab.js';

/** A tokenizer ready to encode and decode, whatever file it came from. */
export interface LoadedTokenizer {
  /** Name shown in reports: the NAME of NAME=FILE, or the file name without extension. */
  name: string;
  /** Path the tokenizer was loaded from. */
  file: string;
  /** Number of ids the tokenizer can emit, specials included. */
  vocabSize: number;
  /** Number of ids without the special tokens (an unknown piece that text can produce stays counted). */
  vocabSizeNoSpecials: number;
  /** Encodes one line or document to ids, with any specials the tokenizer adds by itself. */
  encode(text: string): number[];
  /**
   * Encodes with [start, end) UTF-8 byte offsets of each token in `text`, as flat pairs.
   * Optional: without it, offsets are taken as running sums of `pieceByteLength`, which is exact
   * only when the decoded pieces concatenate to the text.
   */
  encodeWithOffsets?(text: string): { ids: number[]; offsets: number[] };
  /** Decodes ids to the bytes of the text. */
  decode(ids: readonly number[]): Uint8Array;
  /** Decodes one id alone to a string (invalid UTF-8 becomes U+FFFD), as %TR and %Pure keys need. */
  tokenText(id: number): string;
  /** True for special tokens such as BOS, which text does not produce. */
  isSpecial(id: number): boolean;
  /** Number of text bytes the piece of `id` stands for. */
  pieceByteLength(id: number): number;
}

export interface LoadTokenizerOptions extends ReadVocabOptions, EncoderOptions {
  /** Segmentation method for vocabularies that support several. @default the vocabulary's own */
  method?: MethodName;
}

/** Wraps a vocabulary in the format-independent tokenizer interface. */
export function tokenizerFromVocab(vocab: Vocab, path: string, name: string, options: LoadTokenizerOptions = {}): LoadedTokenizer {
  const encoder = new Encoder(vocab, options.method ?? vocab.defaultMethod, options);
  const decoder = new Decoder(vocab);
  const texts: (string | undefined)[] = new Array(vocab.kinds.length);
  let specials = 0;
  for (const kind of vocab.kinds) if (kind === PieceKind.special) specials++;
  const store = pieceStoreOf(vocab);
  return {
    name,
    file: path,
    vocabSize: vocab.kinds.length,
    vocabSizeNoSpecials: vocab.kinds.length - specials,
    encode: (text) => encoder.encode(text).ids,
    encodeWithOffsets: (text) => {
      const encoding = encoder.encode(text, true);
      return { ids: encoding.ids, offsets: encoding.offsets ?? [] };
    },
    decode: (ids) => decoder.decode(ids),
    tokenText(id) {
      let text = texts[id];
      if (text === undefined) {
        text = lenientUtf8Decoder.decode(decoder.decode([id]));
        texts[id] = text;
      }
      return text;
    },
    isSpecial: (id) => vocab.kinds[id] === PieceKind.special,
    pieceByteLength(id) {
      if (!(id >= 0 && id < store.ends.length)) return 0;
      return store.ends[id]! - (id > 0 ? store.ends[id - 1]! : 0);
    },
  };
}


/** Generic file names, for which the tokenizer takes its directory's name instead. */
const GENERIC_NAMES = new Set(['tokenizer', 'encoder', 'vocab', 'spiece', 'sentencepiece', 'model']);

/**
 * Returns the default report name of a tokenizer file: its name without directory, extension
 * and reader prefix, or its directory's name for generic names such as tokenizer.json.
 */
export function defaultTokenizerName(argument: string): string {
  const path = splitPrefix(argument).path;
  const name = basename(path, extname(path));
  if (!GENERIC_NAMES.has(name)) return name;
  const directory = basename(dirname(resolve(path)));
  return directory === '' ? name : directory;
}

function readHead(path: string, length: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(length);
    return head.subarray(0, readSync(fd, head, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Splits a forced-reader prefix such as `hf:` off a path; a one-letter prefix is a Windows drive. */
function splitPrefix(argument: string): { reader?: VocabReader; path: string } {
  const match = /^([a-z]{2,}):(.+)$/.exec(argument);
  if (match === null) return { path: argument };
  const reader = VOCAB_READERS.find((candidate) => candidate.prefix === match[1]);
  if (reader === undefined) return { path: argument };
  return { reader, path: match[2]! };
}

/**
 * Reads a vocabulary from any supported tokenizer file: the reader named by a prefix
 * (`tok:`, `hf:`, `spm:`, `tiktoken:`), else the first reader that accepts the file's name and
 * first bytes. Throws a one-line error for a missing or unreadable file and for a format that
 * no reader handles.
 */
export function readVocabFile(argument: string, options: ReadVocabOptions = {}): Vocab {
  const { reader: forced, path } = splitPrefix(argument);
  let head: Uint8Array;
  try {
    head = readHead(path, 64);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ToksmithError(`${path}: tokenizer file not found`, { hint: 'check the path', cause: error });
    if (code === 'EISDIR') throw new ToksmithError(`${path}: is a directory, not a tokenizer file`, { hint: 'pass a tokenizer file', cause: error });
    throw new ToksmithError(`${path}: cannot read tokenizer file: ${(error as Error).message}`, { cause: error });
  }
  const reader = forced ?? VOCAB_READERS.find((candidate) => candidate.accepts(path, head));
  if (reader === undefined) {
    throw new ToksmithError(`${path}: unsupported tokenizer file format`, {
      hint: `toksmith reads ${VOCAB_READERS.map((known) => known.format).join(', ')}; force a reader with ${[...new Set(VOCAB_READERS.map((known) => `${known.prefix}:`))].join(', ')}`,
    });
  }
  return reader.read(path, options);
}

/** Loads any supported tokenizer file as a ready-to-use tokenizer; see {@link readVocabFile}. */
export function loadTokenizer(argument: string, name = defaultTokenizerName(argument), options: LoadTokenizerOptions = {}): LoadedTokenizer {
  const vocab = readVocabFile(argument, options);
  return tokenizerFromVocab(vocab, splitPrefix(argument).path, name, options);
}
