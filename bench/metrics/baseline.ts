// Gains over a baseline tokenizer B, as the KL3M tokenizer paper states them:
// "% fewer tokens" = 100 · (1 − tokens_A / tokens_B) on corpus totals, and
// "X% more efficient" = 100 · (TPC_B / TPC_A − 1).

/** Returns how many percent fewer tokens A needs than B, or undefined when B has no tokens. */
export function fewerTokensPercent(tokensA: number, tokensB: number): number | undefined {
  return tokensB > 0 ? 100 * (1 - tokensA / tokensB) : undefined;
}

/** Returns how many percent more efficient A is than B, or undefined when A's TPC is zero. */
export function efficiencyGainPercent(tokensPerCharA: number, tokensPerCharB: number): number | undefined {
  return tokensPerCharA > 0 ? 100 * (tokensPerCharB / tokensPerCharA - 1) : undefined;
}
