// Seed pieces for Unigram training, as SentencePiece's MakeSeedSentencePieces scores them:
// every required character, plus the repeated substrings with the highest frequency × length,
// found as the internal nodes of the suffix tree (LCP intervals of an enhanced suffix array,
// Abouelhoda, Kurtz and Ohlebusch 2004).
// SentencePiece builds its suffix array over whole sentences; this one is built over distinct
// pre-tokens and weights each suffix by its pre-token's count, so frequencies match the corpus
// while the array stays small. EM and pruning are in em.ts.
//
// A substring is a seed only if it is right-branching: its occurrences are followed by at
// least two different symbols. In SentencePiece's sentence array a pre-token is followed by
// the ▁ that starts the next one, or by the sentence boundary at the end of a line, and a
// substring that runs past either is not a valid piece. So a whole word that is always
// followed by ▁ is no seed there, while its right-branching prefixes are. In the Turkish train
// files "Seçili" occurs 382 times, always before a space, so spm_train's vocabulary has
// "▁Seçil" and not "▁Seçili". To match, each pre-token here ends in the symbol that followed
// it in its line: the table's separator id or LINE_END_ID. Both match themselves in the LCP
// array, as in SentencePiece. Rare characters become the table's unknown id, as SentencePiece
// replaces them with U+2585 before extracting seeds.
// Measured on the tr train files at 32k, where spm_train 0.1.97 makes 323,344 seeds: this
// layout gives the same 323,344. Treating every pre-token end as a distinct symbol gave
// 430,970, and 3.8% fewer held-out tokens than spm. Treating every end as a separator gave
// 313,878, and 0.45% more tokens.

import { isValidPiece, type CharacterTable } from './characters.js';
import { buildLcpArray, buildSuffixArray } from './suffix-array.js';

/** Dense id of the end of a line, SentencePiece's sentence boundary. */
export const LINE_END_ID = 0;

/**
 * Distinct (pre-token, following symbol) pairs as dense character ids, each pre-token
 * followed by its terminator (`table.separatorId` or LINE_END_ID).
 */
export interface PreTokenText {
  text: Int32Array;
  /** Count of each pre-token, in order. */
  counts: Float64Array;
  /** Start offset of each pre-token in `text`. */
  starts: Int32Array;
}

export interface SeedOptions {
  /** Maximum number of substring seeds, not counting single characters. */
  seedSize: number;
  /** Maximum piece length in characters. */
  maxPieceLength: number;
  splitDigits: boolean;
}

export interface SeedResult {
  /** Substring seeds as strings, best first. */
  pieces: string[];
  /** Weighted frequency × length of each seed: SentencePiece's initial seed score. */
  seedScores: Float64Array;
  /** Figures for the log. */
  suffixArrayLength: number;
  candidates: number;
}

/**
 * Extracts the substring seeds: every substring of 2 to `maxPieceLength` characters that
 * occurs at least twice in the corpus, is a right-maximal repeat (its occurrences are not all
 * followed by the same character) and passes the piece rules, ranked by frequency × length.
 */
export function extractSeedSubstrings(input: PreTokenText, table: CharacterTable, options: SeedOptions): SeedResult {
  const { text, counts, starts } = input;
  const n = text.length;

  // 1. Suffix array, LCP array and each suffix's weight (its pre-token's count), in SA order.
  const sa = buildSuffixArray(text, table.unknownId);
  const lcp = buildLcpArray(text, sa);
  const weightAt = new Float64Array(n);
  for (let w = 0; w < starts.length; w++) {
    const end = w + 1 < starts.length ? starts[w + 1]! - 1 : n - 1;
    weightAt.fill(counts[w]!, starts[w]!, end);
  }
  const prefixWeights = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefixWeights[i + 1] = prefixWeights[i]! + weightAt[sa[i]!]!;

  // 2. Candidates from the LCP intervals (internal nodes). An interval deeper than a
  //    pre-token contains its terminator, which isValidPiece rejects.
  const candidateStarts: number[] = [];
  const candidateLengths: number[] = [];
  const candidateScores: number[] = [];
  const consider = (start: number, length: number, frequency: number): void => {
    if (length < 2 || length > options.maxPieceLength) return;
    if (!isValidPiece(table, text, start, start + length, options.splitDigits)) return;
    candidateStarts.push(start);
    candidateLengths.push(length);
    candidateScores.push(frequency * length);
  };

  const stackDepth = new Int32Array(n + 1);
  const stackLeft = new Int32Array(n + 1);
  let top = 0;
  stackDepth[0] = 0;
  stackLeft[0] = 0;
  for (let i = 1; i <= n; i++) {
    const depth = i < n ? lcp[i]! : 0;
    let left = i - 1;
    while (depth < stackDepth[top]!) {
      const nodeDepth = stackDepth[top]!;
      left = stackLeft[top]!;
      top--;
      // Interval [left, i - 1] shares a prefix of nodeDepth characters.
      consider(sa[left]!, nodeDepth, prefixWeights[i]! - prefixWeights[left]!);
    }
    if (depth > stackDepth[top]!) {
      top++;
      stackDepth[top] = depth;
      stackLeft[top] = left;
    }
  }

  // 3. Keep the best `seedSize`, by score, then by text position for a deterministic order.
  const order = new Int32Array(candidateScores.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  order.sort((a, b) => candidateScores[b]! - candidateScores[a]! || candidateStarts[a]! - candidateStarts[b]!);
  const kept = Math.min(order.length, options.seedSize);
  const pieces: string[] = new Array(kept);
  const seedScores = new Float64Array(kept);
  for (let k = 0; k < kept; k++) {
    const c = order[k]!;
    const start = candidateStarts[c]!;
    let piece = '';
    for (let i = start; i < start + candidateLengths[c]!; i++) piece += String.fromCodePoint(table.codePoints[text[i]!]!);
    pieces[k] = piece;
    seedScores[k] = candidateScores[c]!;
  }
  return { pieces, seedScores, suffixArrayLength: n, candidates: order.length };
}
