// Rényi efficiency of the unigram distribution of ids (Zouhar et al. 2023, "Tokenization and
// the Noiseless Channel"): H_α(p) / log |V| with H_α(p) = log(Σ p_i^α) / (1 − α). Order α = 1
// is Shannon entropy. The ratio does not depend on the base of the logarithm.

/** The order the paper recommends and the bench uses unless --renyi-alpha sets another. */
export const DEFAULT_RENYI_ALPHA = 2.5;

/**
 * Returns the Rényi efficiency of the id occurrence counts, from 0 to 1. Returns undefined when
 * no token occurred or the vocabulary has fewer than two ids (log |V| would be 0).
 */
export function renyiEfficiency(occurrences: Iterable<number>, vocabSize: number, alpha = DEFAULT_RENYI_ALPHA): number | undefined {
  const counts = [...occurrences].filter((count) => count > 0);
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0 || vocabSize < 2) return undefined;
  let entropy: number;
  if (alpha === 1) {
    entropy = 0;
    for (const count of counts) {
      const p = count / total;
      entropy -= p * Math.log(p);
    }
  } else {
    let sum = 0;
    for (const count of counts) sum += (count / total) ** alpha;
    entropy = Math.log(sum) / (1 - alpha);
  }
  return entropy / Math.log(vocabSize);
}
