// The interface every tokenizer file reader implements.

import type { Vocab } from '../vocab.js';

/** A reader of one tokenizer file format, which turns the file into toksmith's vocabulary model. */
export interface VocabReader {
  /** Short format description for error messages, such as `.tok (toksmith vocabulary)`. */
  format: string;
  /** Prefix that forces this reader, as in `hf:tokenizer.json`. */
  prefix: string;
  /** Returns true when this reader handles `path`; `head` contains the file's first 64 bytes. */
  accepts(path: string, head: Uint8Array): boolean;
  /** Reads the file; throws a one-line ToksmithError for invalid content. */
  read(path: string, options: ReadVocabOptions): Vocab;
}

export interface ReadVocabOptions {
  /** Regular expression (Rust regex syntax) that splits text, for a tiktoken rank file of no known encoding. */
  pattern?: string;
}

