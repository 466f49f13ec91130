// Pre-tokenizers: split normalized text into pre-tokens that segmentation never crosses.
// `gpt2` follows the regex of OpenAI's GPT-2 encoder.py; `metaspace` follows SentencePiece's
// whitespace handling, but keeps a real space byte in pieces and shows it as ▁ only on display,
// so text that contains a literal ▁ still round-trips exactly.

import { UsageError } from './errors.js';

export const PRE_TOKENIZER_NAMES = ['none', 'metaspace', 'whitespace', 'gpt2'] as const;
export type PreTokenizerName = (typeof PRE_TOKENIZER_NAMES)[number];

/** Settings of a pre-tokenizer, as stored in a vocabulary file. */
export interface PreTokenizerSpec {
  type: PreTokenizerName;
  /**
   * Metaspace only: prepend one space to each non-empty line or document before splitting, as
   * SentencePiece's `add_dummy_prefix` does, so a first word gets the same pieces as later ones.
   * Decode removes it again. @default true
   */
  prefixSpace?: boolean;
}

export interface PreTokenizer {
  readonly spec: PreTokenizerSpec;
  /** False when splitting drops text (spaces for `whitespace`), so decode cannot restore the input. */
  readonly lossless: boolean;
  /** True when encode prepends a space to each non-empty unit and decode removes it. */
  readonly prefixSpace: boolean;
  /** Appends the [start, end) UTF-16 ranges of the pre-tokens of `text` to `ranges`. */
  split(text: string, ranges: number[]): void;
}

/**
 * Unicode White_Space, which is what `\s` means in the Rust and Python regex engines that the
 * reference tokenizers use. JavaScript's `\s` also matches U+FEFF (BOM), which they do not.
 */
export const WHITE_SPACE = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** GPT-2's pattern with `\s` replaced by Unicode White_Space. */
export const GPT2_PATTERN = new RegExp(
  `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WHITE_SPACE}\\p{L}\\p{N}]+|[${WHITE_SPACE}]+(?![^${WHITE_SPACE}])|[${WHITE_SPACE}]+`,
  'gu',
);

/** Word characters as Rust's regex `\w` defines them, for Hugging Face's `Whitespace` splitter. */
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d';
const WHITESPACE_PATTERN = new RegExp(`[${WORD}]+|[^${WORD}${WHITE_SPACE}]+`, 'gu');

function splitByRegex(pattern: RegExp, text: string, ranges: number[]): void {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    ranges.push(match.index, match.index + match[0].length);
  }
}

/** Creates a pre-tokenizer from its stored settings; throws a usage error for an unknown type. */
export function createPreTokenizer(spec: PreTokenizerSpec): PreTokenizer {
  switch (spec.type) {
    case 'none':
      return {
        spec,
        lossless: true,
        prefixSpace: false,
        split(text, ranges) {
          if (text.length > 0) ranges.push(0, text.length);
        },
      };
    case 'metaspace': {
      const prefixSpace = spec.prefixSpace ?? true;
      return {
        spec: { type: 'metaspace', prefixSpace },
        lossless: true,
        prefixSpace,
        split(text, ranges) {
          // Every space starts a new pre-token, so "a  b" gives "a", " ", " b".
          let start = 0;
          for (let i = 1; i < text.length; i++) {
            if (text.charCodeAt(i) === 0x20) {
              ranges.push(start, i);
              start = i;
            }
          }
          if (text.length > 0) ranges.push(start, text.length);
        },
      };
    }
    case 'whitespace':
      return {
        spec,
        lossless: false,
        prefixSpace: false,
        split: (text, ranges) => splitByRegex(WHITESPACE_PATTERN, text, ranges),
      };
    case 'gpt2':
      return {
        spec,
        lossless: true,
        prefixSpace: false,
        split: (text, ranges) => splitByRegex(GPT2_PATTERN, text, ranges),
      };
    default:
      throw new UsageError(
        `unknown pre-tokenizer '${String((spec as { type: unknown }).type)}'`,
        `use one of: ${PRE_TOKENIZER_NAMES.join(', ')}`,
      );
  }
}

/** Parses a `--pre-tokenizer` value into settings. */
export function parsePreTokenizerName(name: string): PreTokenizerSpec {
  if (!(PRE_TOKENIZER_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown pre-tokenizer '${name}'`, `use one of: ${PRE_TOKENIZER_NAMES.join(', ')}`);
  }
  return name === 'metaspace' ? { type: 'metaspace', prefixSpace: true } : { type: name as PreTokenizerName };
}
