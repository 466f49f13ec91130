// Options of every command that applies a vocabulary: which reader and pattern to load it with,
// what to do with special-token text, and whether to add an imported template's BOS/EOS ids.

import { Option } from 'commander';
import type { EncoderOptions } from '../encoder.js';
import { parseSpecialPolicy, type SpecialPolicy } from '../pipeline/added-tokens.js';
import { readVocabFile } from '../tokenizer-loader.js';
import type { Vocab } from '../vocab.js';

/** Help text of `-v, --vocab`. */
export const VOCAB_HELP =
  'tokenizer file: .tok, tokenizer.json, SentencePiece .model/.vocab, .tiktoken or GPT-2 encoder.json, detected by content; prefix hf:, spm:, tiktoken:, gpt2: or tok: to force a reader';

export interface VocabLoadOptions {
  pattern?: string;
}

export interface EncodingOptions extends VocabLoadOptions {
  special: SpecialPolicy;
  addSpecialTokens: boolean;
}

/** `--pattern`, for rank files of no known encoding. */
export function patternOption(): Option {
  return new Option('--pattern <regex>', 'splitting pattern (tiktoken/Rust regex syntax) for a .tiktoken rank file of no known encoding');
}

/** `--pattern`, `--special` and `--no-add-special-tokens`. */
export function encodingOptions(): Option[] {
  return [
    patternOption(),
    new Option('--special <policy>', 'special-token text in the input: text encodes it as plain text, allow emits its id, error stops')
      .argParser(parseSpecialPolicy)
      .default('text'),
    new Option('--no-add-special-tokens', "do not add the BOS/EOS ids of an imported tokenizer's template (tokenizer.json post-processor)"),
  ];
}

/** Reads the vocabulary of `-v` with the load options. */
export function openVocab(path: string, options: VocabLoadOptions): Vocab {
  return readVocabFile(path, { pattern: options.pattern });
}

/** Returns the encoder settings of the encoding options. */
export function encoderSettings(options: EncodingOptions): EncoderOptions {
  return { special: options.special, addSpecialTokens: options.addSpecialTokens };
}
