// The initial symbols of character-level BPE: characters kept until `characterCoverage` of all
// character occurrences is covered (SentencePiece's rule), always including the initial
// alphabet and capped by `limitAlphabet` (Hugging Face's option). Byte-level BPE needs none of
// this: its alphabet is the 256 byte values.

import { compareCodePoints, type CountTable } from '../counting.js';

export interface CharacterAlphabet {
  /** Kept characters in id order: by count, descending, then by code point. */
  characters: string[];
  /** Share of character occurrences that the kept characters cover. */
  coverage: number;
  /** Distinct characters in the corpus. */
  charactersSeen: number;
}

/** Selects the alphabet of character-level BPE from pre-token counts. */
export function selectCharacterAlphabet(
  counts: CountTable,
  options: { characterCoverage: number; initialAlphabet: string; limitAlphabet?: number },
): CharacterAlphabet {
  // 1. Count characters, weighting each pre-token by its count.
  const byCharacter = new Map<string, number>();
  let total = 0;
  for (const [preToken, count] of counts.counts) {
    for (const character of preToken) {
      byCharacter.set(character, (byCharacter.get(character) ?? 0) + count);
      total += count;
    }
  }
  const ranked = [...byCharacter].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));

  // 2. The initial alphabet first, then by count until the coverage or the limit is reached.
  const limit = options.limitAlphabet ?? Infinity;
  const kept = new Set<string>();
  let covered = 0;
  for (const character of options.initialAlphabet) {
    if (kept.size >= limit || kept.has(character)) continue;
    kept.add(character);
    covered += byCharacter.get(character) ?? 0;
  }
  for (const [character, count] of ranked) {
    if (kept.size >= limit || (total > 0 && covered / total >= options.characterCoverage)) break;
    if (kept.has(character)) continue;
    kept.add(character);
    covered += count;
  }

  // 3. Id order: by count, then code point; unseen initial characters come last.
  const characters = [...kept].sort((a, b) => (byCharacter.get(b) ?? 0) - (byCharacter.get(a) ?? 0) || compareCodePoints(a, b));
  return { characters, coverage: total === 0 ? 1 : covered / total, charactersSeen: byCharacter.size };
}
