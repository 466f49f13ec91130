// Pre-tokenizers: split normalized text into pre-tokens that segmentation never crosses.
// `gpt2` follows the regex of OpenAI's GPT-2 encoder.py, and `cl100k` and `o200k` follow the
// `pat_str` of tiktoken's cl100k_base and o200k_base. `metaspace` follows SentencePiece's
// whitespace handling, but keeps a real space byte in pieces and shows it as ▁ only on display,
// so text that contains a literal ▁ still round-trips exactly. `chunks` cuts training text into
// random-length chunks ("supertoken" training) and keeps each line whole at encode time.

import { UsageError } from './errors.js';

export const PRE_TOKENIZER_NAMES = ['none', 'metaspace', 'whitespace', 'gpt2', 'cl100k', 'o200k', 'chunks'] as const;
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
  /**
   * Chunks only: training chunk lengths in characters as [min, peak, max], drawn from a
   * triangular distribution. Encoding ignores it (each line is one pre-token). @default [4, 12, 23]
   */
  chunkChars?: [number, number, number];
}

export interface PreTokenizer {
  readonly spec: PreTokenizerSpec;
  /** False when splitting drops text (spaces for `whitespace`), so decode cannot restore the input. */
  readonly lossless: boolean;
  /** True when encode prepends a space to each non-empty unit and decode removes it. */
  readonly prefixSpace: boolean;
  /** Appends the [start, end) UTF-16 ranges of the pre-tokens of `text` to `ranges`. */
  split(text: string, ranges: number[]): void;
  /**
   * For regex pre-tokenizers: the global pattern whose matches are exactly the pre-tokens, so
   * counting can take the matched strings without slicing again. Reset `lastIndex` before use.
   */
  readonly pattern?: RegExp;
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

/**
 * The contractions of tiktoken's `(?i:'s|'t|'re|'ve|'m|'ll|'d)`, case-expanded because
 * JavaScript has no inline `(?i:)`. Under Unicode simple case folding, `s` also matches U+017F
 * (long s), so the class for `s` includes it. NOTE: tiktoken's ids cannot confirm this choice,
 * because it emits the apostrophe before ſ as its own token either way.
 */
const CONTRACTIONS = "'(?:[sS\\u017f]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

/** tiktoken's cl100k_base pattern, with `\s` as Unicode White_Space and the contractions expanded. */
export const CL100K_PATTERN = new RegExp(
  `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WHITE_SPACE}\\p{L}\\p{N}]+[\\r\\n]*|[${WHITE_SPACE}]*[\\r\\n]+|[${WHITE_SPACE}]+(?![^${WHITE_SPACE}])|[${WHITE_SPACE}]+`,
  'gu',
);

const UPPER = '\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}';
const LOWER = '\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}';

/** tiktoken's o200k_base pattern, with `\s` as Unicode White_Space and the contractions expanded. */
export const O200K_PATTERN = new RegExp(
  `[^\\r\\n\\p{L}\\p{N}]?[${UPPER}]*[${LOWER}]+(?:${CONTRACTIONS})?|[^\\r\\n\\p{L}\\p{N}]?[${UPPER}]+[${LOWER}]*(?:${CONTRACTIONS})?|\\p{N}{1,3}| ?[^${WHITE_SPACE}\\p{L}\\p{N}]+[\\r\\n/]*|[${WHITE_SPACE}]*[\\r\\n]+|[${WHITE_SPACE}]+(?![^${WHITE_SPACE}])|[${WHITE_SPACE}]+`,
  'gu',
);

/** Word characters as Rust's regex `\w` defines them, for Hugging Face's `Whitespace` splitter. */
export const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d';
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
        pattern: WHITESPACE_PATTERN,
      };
    case 'gpt2':
      return {
        spec,
        lossless: true,
        prefixSpace: false,
        split: (text, ranges) => splitByRegex(GPT2_PATTERN, text, ranges),
        pattern: GPT2_PATTERN,
      };
    case 'cl100k':
      return {
        spec,
        lossless: true,
        prefixSpace: false,
        split: (text, ranges) => splitByRegex(CL100K_PATTERN, text, ranges),
        pattern: CL100K_PATTERN,
      };
    case 'o200k':
      return {
        spec,
        lossless: true,
        prefixSpace: false,
        split: (text, ranges) => splitByRegex(O200K_PATTERN, text, ranges),
        pattern: O200K_PATTERN,
      };
    case 'chunks':
      // At encode time a whole line is one pre-token; training cuts lines with splitIntoChunks.
      return {
        spec: { type: 'chunks', chunkChars: spec.chunkChars ?? DEFAULT_CHUNK_CHARS },
        lossless: true,
        prefixSpace: false,
        split(text, ranges) {
          if (text.length > 0) ranges.push(0, text.length);
        },
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
  if (name === 'metaspace') return { type: 'metaspace', prefixSpace: true };
  if (name === 'chunks') return { type: 'chunks', chunkChars: DEFAULT_CHUNK_CHARS };
  return { type: name as PreTokenizerName };
}

/** Default training chunk lengths of the `chunks` pre-tokenizer: 4 to 23 characters, peak at 12. */
export const DEFAULT_CHUNK_CHARS: [number, number, number] = [4, 12, 23];

/**
 * Cuts `text` into chunks whose lengths in code points follow a triangular distribution over
 * [min, max] with its peak at `peak`, and appends their UTF-16 ranges to `ranges`. `random`
 * returns numbers in [0, 1); seeding it per line keeps the cut independent of thread count.
 */
export function splitIntoChunks(text: string, chunkChars: readonly [number, number, number], random: () => number, ranges: number[]): void {
  const [min, peak, max] = chunkChars;
  let start = 0;
  while (start < text.length) {
    const length = Math.round(sampleTriangular(min, peak, max, random()));
    let end = start;
    for (let k = 0; k < length && end < text.length; k++) {
      const code = text.charCodeAt(end);
      end += code >= 0xd800 && code <= 0xdbff && end + 1 < text.length ? 2 : 1;
    }
    ranges.push(start, end);
    start = end;
  }
}

/** Inverse CDF of the triangular distribution over [min, max] with mode `peak`, at `u` in [0, 1). */
function sampleTriangular(min: number, peak: number, max: number, u: number): number {
  if (max <= min) return min;
  const split = (peak - min) / (max - min);
  if (u < split) return min + Math.sqrt(u * (max - min) * (peak - min));
  return max - Math.sqrt((1 - u) * (max - min) * (max - peak));
}

/** Parses a `--chunk-chars` value `MIN:PEAK:MAX` (code points, 1 <= MIN <= PEAK <= MAX). */
export function parseChunkChars(value: string): [number, number, number] {
  const parts = value.split(':').map(Number);
  const [min, peak, max] = parts;
  if (parts.length !== 3 || !parts.every(Number.isInteger) || min! < 1 || min! > peak! || peak! > max!) {
    throw new UsageError(`invalid --chunk-chars '${value}'`, 'use MIN:PEAK:MAX whole numbers with 1 <= MIN <= PEAK <= MAX, such as 4:12:23');
  }
  return [min!, peak!, max!];
}
