// Translates a tiktoken splitting pattern (Rust regex syntax, as fancy-regex reads it) to
// JavaScript with the Oniguruma translator of the tokenizer.json reader: the constructs that
// tiktoken patterns use (`\s`, `\p{…}`, `(?i:…)`, look-ahead) mean the same in both engines.

import { ToksmithError } from '../../errors.js';
import { RegexTranslationError, translateOnigurumaRegex } from '../hf/regex.js';

/**
 * Returns the JavaScript source of `pattern`, to be compiled with the `gu` flags. Throws a
 * one-line error, prefixed with `where`, for a construct JavaScript lacks or an invalid pattern.
 */
export function translatePattern(pattern: string, where: string): string {
  // NOTE: the Oniguruma translation reads `^` and `$` as line anchors, while Rust's regex means
  // start and end of text. No published tiktoken pattern uses them.
  try {
    return translateOnigurumaRegex(pattern);
  } catch (error) {
    if (!(error instanceof RegexTranslationError)) throw error;
    throw new ToksmithError(`${where}: ${error.message}`, { hint: 'rewrite the pattern without that construct', cause: error });
  }
}
