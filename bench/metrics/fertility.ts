// Fertility: tokens per whitespace-separated word (Rust et al. 2021 and most multilingual
// tokenizer studies). Lower means words are split less.

/** Returns tokens / words, or undefined for text without words. */
export function fertility(tokens: number, words: number): number | undefined {
  return words > 0 ? tokens / words : undefined;
}
