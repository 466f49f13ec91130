// Tokens per domain term (KL3M tokenizer paper): each term is encoded alone, without a leading
// space and without added specials, and the list reports the mean token count per term.

/** Returns the mean of per-term token counts, or undefined for an empty list. */
export function termTokensMean(tokensPerTerm: readonly number[]): number | undefined {
  if (tokensPerTerm.length === 0) return undefined;
  return tokensPerTerm.reduce((sum, count) => sum + count, 0) / tokensPerTerm.length;
}
