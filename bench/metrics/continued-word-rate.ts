// Continued-word rate: the share of whitespace-separated words whose characters are covered by
// two or more tokens. A token that spans several words counts once for each word it touches.

/**
 * Counts the words covered by two or more tokens. Both arguments are flat [start, end) byte
 * offset pairs into the same text, in ascending order of start; tokens that cover no byte
 * (such as a metaspace prefix or a special token) are ignored.
 */
export function continuedWordCount(wordSpans: readonly number[], tokenOffsets: readonly number[]): number {
  let continued = 0;
  let first = 0;
  const tokenCount = tokenOffsets.length >> 1;
  for (let w = 0; w < wordSpans.length; w += 2) {
    const wordStart = wordSpans[w]!;
    const wordEnd = wordSpans[w + 1]!;
    // Tokens that end before this word cannot touch any later word either.
    while (first < tokenCount && tokenOffsets[2 * first + 1]! <= wordStart) first++;
    let touching = 0;
    for (let k = first; k < tokenCount && tokenOffsets[2 * k]! < wordEnd; k++) {
      const start = tokenOffsets[2 * k]!;
      const end = tokenOffsets[2 * k + 1]!;
      if (end > start && end > wordStart) touching++;
      if (touching >= 2) break;
    }
    if (touching >= 2) continued++;
  }
  return continued;
}

/** Returns continued words / words, a share from 0 to 1, or undefined without words. */
export function continuedWordRate(continuedWords: number, words: number): number | undefined {
  return words > 0 ? continuedWords / words : undefined;
}
