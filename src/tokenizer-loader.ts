// One interface over every tokenizer file toksmith can apply, so that the bench (and any other
// consumer) never depends on a file format. Today only `.tok` files load, through
// vocab-file.ts and encoder.ts. Readers of other formats (tokenizer.json, SentencePiece .model,
// .tiktoken) register here with `registerTokenizerReader` and need no change elsewhere.

import { closeSync, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Decoder, Encoder } from './encoder.js';
import { ToksmithError } from './errors.js';
import { lenientUtf8Decoder } from './utf8.js';
import { MAGIC, loadVocab } from './vocab-file.js';
import { PieceKind, type MethodName } from './vocab.js';

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

/** A reader of one tokenizer file format. */
export interface TokenizerReader {
  /** Short format description for error messages, such as `.tok (toksmith vocabulary)`. */
  format: string;
  /** Returns true when this reader handles `path`; `head` contains the file's first bytes. */
  accepts(path: string, head: Uint8Array): boolean;
  load(path: string, name: string, options: LoadTokenizerOptions): LoadedTokenizer;
}

export interface LoadTokenizerOptions {
  /** Segmentation method for formats that offer several. @default the vocabulary's own */
  method?: MethodName;
}

/** Loads `.tok` files written by `toksmith train`. */
const tokReader: TokenizerReader = {
  format: '.tok (toksmith vocabulary)',
  accepts: (path, head) => extname(path) === '.tok' || new TextDecoder().decode(head.subarray(0, MAGIC.length)) === MAGIC,
  load(path, name, options) {
    const vocab = loadVocab(path);
    const encoder = new Encoder(vocab, options.method ?? vocab.defaultMethod);
    const decoder = new Decoder(vocab);
    const texts: (string | undefined)[] = new Array(vocab.kinds.length);
    let specials = 0;
    for (const kind of vocab.kinds) if (kind === PieceKind.special) specials++;
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
      pieceByteLength: (id) => vocab.pieces[id]?.length ?? 0,
    };
  },
};

const READERS: TokenizerReader[] = [tokReader];

/** Registers a reader for another tokenizer file format; readers are tried in registration order. */
export function registerTokenizerReader(reader: TokenizerReader): void {
  READERS.push(reader);
}

/** Returns the default report name of a tokenizer file: its name without directory and extension. */
export function defaultTokenizerName(path: string): string {
  return basename(path, extname(path));
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

/**
 * Loads a tokenizer file with the first reader that accepts it. Throws a one-line error for a
 * missing or unreadable file and for a format that no reader handles.
 */
export function loadTokenizer(path: string, name = defaultTokenizerName(path), options: LoadTokenizerOptions = {}): LoadedTokenizer {
  let head: Uint8Array;
  try {
    head = readHead(path, 64);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ToksmithError(`${path}: tokenizer file not found`, { hint: 'check the path', cause: error });
    if (code === 'EISDIR') throw new ToksmithError(`${path}: is a directory, not a tokenizer file`, { hint: 'pass a .tok file', cause: error });
    throw new ToksmithError(`${path}: cannot read tokenizer file: ${(error as Error).message}`, { cause: error });
  }
  const reader = READERS.find((candidate) => candidate.accepts(path, head));
  if (reader === undefined) {
    throw new ToksmithError(`${path}: unsupported tokenizer file format`, {
      hint: `toksmith reads ${READERS.map((known) => known.format).join(', ')}`,
    });
  }
  return reader.load(path, name, options);
}
