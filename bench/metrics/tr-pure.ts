// %TR and %Pure, the Turkish tokenization benchmark's figures (Bayram et al. 2025). As in the
// reference code, every emitted id is decoded on its own, the distinct decoded strings are split
// on whitespace into keys, and a key is checked against word and morpheme lists. The reference
// asked an online analyser; here local lists decide, so values differ from the paper's.
//   %TR   = 100 · #keys found in the word or the morpheme lists / #keys
//   %Pure = 100 · #keys found in the morpheme lists (one root or one suffix) / #keys
// The occurrence-weighted variants count each key once per token occurrence instead.

import { lowercaseCodePoints } from '../../src/normalizers.js';
import { WHITE_SPACE } from '../../src/pre-tokenizers.js';
import type { StringLookup } from '../sorted-strings.js';

/** Word and morpheme lists, already lower-cased the Turkish way unless `caseSensitive`. */
export interface KeyLexicon {
  words: StringLookup;
  morphemes: StringLookup;
  caseSensitive: boolean;
}

/** Key tallies behind %TR and %Pure. */
export interface KeyCounts {
  /** Distinct keys. */
  keys: number;
  trKeys: number;
  pureKeys: number;
  /** Keys counted once per occurrence of the token they came from. */
  keyOccurrences: number;
  trOccurrences: number;
  pureOccurrences: number;
}

const SPLIT = new RegExp(`[${WHITE_SPACE}\\u2581]+`, 'u');
const LETTER = /\p{L}/u;

/**
 * Splits one decoded token into keys: on whitespace and on ▁ (the SentencePiece display form of
 * a space), dropping a leading Ġ (byte-level BPE's space marker) or `##` (WordPiece's
 * continuation marker) when the decoder left it in place.
 */
export function keysOf(tokenText: string): string[] {
  const keys: string[] = [];
  for (const part of tokenText.split(SPLIT)) {
    let key = part;
    if (key.length > 1 && key.charCodeAt(0) === 0x120) key = key.slice(1);
    else if (key.length > 2 && key.startsWith('##')) key = key.slice(2);
    if (key.length > 0) keys.push(key);
  }
  return keys;
}

/** Returns true for a key without any letter: punctuation, digits or symbols only. */
export function isNonAlphabetic(key: string): boolean {
  return !LETTER.test(key);
}

/**
 * Counts valid keys over the distinct decoded tokens and their occurrence counts.
 * `tokens` yields each distinct decoded string with how often it was emitted; strings that
 * repeat (two ids decoding alike) are merged. Keys without letters are left out when
 * `excludeNonalpha` is set, and counted in the denominators otherwise.
 */
export function countValidKeys(tokens: Iterable<readonly [string, number]>, lexicon: KeyLexicon, excludeNonalpha: boolean): KeyCounts {
  const counts: KeyCounts = { keys: 0, trKeys: 0, pureKeys: 0, keyOccurrences: 0, trOccurrences: 0, pureOccurrences: 0 };
  const seen = new Map<string, { tr: boolean; pure: boolean }>();
  for (const [text, occurrences] of tokens) {
    for (const key of keysOf(text)) {
      if (excludeNonalpha && isNonAlphabetic(key)) continue;
      let verdict = seen.get(key);
      if (verdict === undefined) {
        const lookup = lexicon.caseSensitive ? key : lowercaseCodePoints(key, true);
        const pure = lexicon.morphemes.has(lookup);
        verdict = { tr: pure || lexicon.words.has(lookup), pure };
        seen.set(key, verdict);
        counts.keys++;
        if (verdict.tr) counts.trKeys++;
        if (verdict.pure) counts.pureKeys++;
      }
      counts.keyOccurrences += occurrences;
      if (verdict.tr) counts.trOccurrences += occurrences;
      if (verdict.pure) counts.pureOccurrences += occurrences;
    }
  }
  return counts;
}

/** Turns key tallies into the four percentages; a figure without keys is undefined. */
export function trPurePercents(counts: KeyCounts): {
  trPercent?: number;
  purePercent?: number;
  trPercentTokens?: number;
  purePercentTokens?: number;
} {
  if (counts.keys === 0) return {};
  return {
    trPercent: (100 * counts.trKeys) / counts.keys,
    purePercent: (100 * counts.pureKeys) / counts.keys,
    trPercentTokens: (100 * counts.trOccurrences) / counts.keyOccurrences,
    purePercentTokens: (100 * counts.pureOccurrences) / counts.keyOccurrences,
  };
}
