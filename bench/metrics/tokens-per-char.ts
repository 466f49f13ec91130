// Tokens per character (TPC), as defined by the KL3M tokenizer paper: total tokens divided by
// total Unicode code points of the original text. Lower is better.

/** Returns Σ tokens / Σ chars, or undefined for text without characters. */
export function tokensPerChar(tokens: number, chars: number): number | undefined {
  return chars > 0 ? tokens / chars : undefined;
}

/** Returns the KL3M average: the unweighted mean of per-corpus TPC, or undefined for no corpus. */
export function meanTokensPerChar(perCorpus: readonly number[]): number | undefined {
  if (perCorpus.length === 0) return undefined;
  return perCorpus.reduce((sum, value) => sum + value, 0) / perCorpus.length;
}
