// Vocabulary utilisation: the share of the vocabulary's ids that the corpus used at least once.

/** Returns unique ids used / vocab size, a share from 0 to 1, or undefined for an empty vocabulary. */
export function vocabUtilization(uniqueTokens: number, vocabSize: number): number | undefined {
  return vocabSize > 0 ? uniqueTokens / vocabSize : undefined;
}
