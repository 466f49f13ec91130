import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCharacterTable, chooseRequiredCharacters, isValidPiece } from '../../trainers/unigram/characters.js';
import { parseCountKey } from '../../trainers/unigram/counting.js';
import { extractSeedSubstrings, LINE_END_ID, type PreTokenText } from '../../trainers/unigram/seed.js';
import { buildLcpArray, buildSuffixArray } from '../../trainers/unigram/suffix-array.js';

function naiveSuffixArray(text: Int32Array): number[] {
  const suffixes = Array.from(text, (_, i) => i);
  return suffixes.sort((a, b) => {
    for (let k = 0; a + k < text.length && b + k < text.length; k++) {
      if (text[a + k] !== text[b + k]) return text[a + k]! - text[b + k]!;
    }
    return b - a; // the shorter suffix (larger start) comes first
  });
}

function naiveLcp(text: Int32Array, a: number, b: number): number {
  let k = 0;
  while (a + k < text.length && b + k < text.length && text[a + k] === text[b + k]) k++;
  return k;
}

describe('buildSuffixArray', () => {
  it('matches sorting all suffixes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 60 }), (symbols) => {
        const text = Int32Array.from(symbols);
        expect([...buildSuffixArray(text, 4)]).toEqual(naiveSuffixArray(text));
      }),
      { numRuns: 300 },
    );
  });

  it('sorts the suffixes of banana', () => {
    // b=2 a=1 n=3: suffixes sorted are a, ana, anana, banana, na, nana.
    const text = Int32Array.from([2, 1, 3, 1, 3, 1]);
    expect([...buildSuffixArray(text, 3)]).toEqual([5, 3, 1, 0, 4, 2]);
  });
});

describe('buildLcpArray', () => {
  it('matches comparing suffixes symbol by symbol', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 60 }), (symbols) => {
        const text = Int32Array.from(symbols);
        const sa = buildSuffixArray(text, 3);
        const lcp = buildLcpArray(text, sa);
        for (let i = 1; i < sa.length; i++) expect(lcp[i]).toBe(naiveLcp(text, sa[i - 1]!, sa[i]!));
      }),
      { numRuns: 300 },
    );
  });
});

/** Builds the dense text of count keys (LF marks a line-final pre-token), as the trainer does. */
function preTokenText(entries: [string, number][]) {
  const words = entries.map(([key]) => parseCountKey(key));
  const table = buildCharacterTable(new Set(words.flatMap(({ preToken }) => [...preToken].map((c) => c.codePointAt(0)!))));
  const symbols: number[] = [];
  const starts: number[] = [];
  for (const { preToken, lineFinal } of words) {
    starts.push(symbols.length);
    for (const c of preToken) symbols.push(table.ids.get(c.codePointAt(0)!)!);
    symbols.push(lineFinal ? LINE_END_ID : table.separatorId);
  }
  const text: PreTokenText = { text: Int32Array.from(symbols), counts: Float64Array.from(entries.map(([, n]) => n)), starts: Int32Array.from(starts) };
  return { text, table };
}

const seedOptions = { seedSize: 100, maxPieceLength: 16, splitDigits: false };

describe('extractSeedSubstrings', () => {
  // Worked by hand: " ab" occurs 3 + 2 = 5 times, followed by the next pre-token or by "c", so
  // it is a right-branching repeat scored 5 × 3 = 15; "ab" scores 5 × 2 = 10. " abc", "abc"
  // and "bc" occur twice, but always followed by the next pre-token, so none is a seed.
  // Single characters are never substring seeds.
  it('ranks repeats by frequency times length', () => {
    const { text, table } = preTokenText([
      [' ab', 3],
      [' abc', 2],
    ]);
    const seeds = extractSeedSubstrings(text, table, seedOptions);
    expect(seeds.pieces).toEqual([' ab', 'ab']);
    expect([...seeds.seedScores]).toEqual([15, 10]);
  });

  // In the Turkish train files "Seçili" always comes before a space, and spm_train's 32k
  // vocabulary has "▁Seçil" but not "▁Seçili".
  it('skips a word always followed by a space', () => {
    const { text, table } = preTokenText([
      [' seçili', 5],
      [' seçilmiş', 3],
    ]);
    const pieces = extractSeedSubstrings(text, table, seedOptions).pieces;
    expect(pieces).toContain(' seçil');
    expect(pieces).not.toContain(' seçili');
    expect(pieces).not.toContain(' seçilmiş');
  });

  // " ab" × 3 followed by a space and × 1 at a line end: 4 × 3 = 12, and "ab" 4 × 2 = 8.
  it('counts a line end as another following symbol', () => {
    const { text, table } = preTokenText([
      [' ab', 3],
      [' ab\n', 1],
    ]);
    const seeds = extractSeedSubstrings(text, table, seedOptions);
    expect(seeds.pieces).toEqual([' ab', 'ab']);
    expect([...seeds.seedScores]).toEqual([12, 8]);
  });

  it('skips a word always at a line end', () => {
    const { text, table } = preTokenText([
      [' ab\n', 3],
      [' cd', 1],
    ]);
    expect(extractSeedSubstrings(text, table, seedOptions).pieces).toEqual([]);
  });

  it('rejects substrings with an unknown character', () => {
    const { text, table } = preTokenText([
      [' abc', 3],
      [' abd', 3],
    ]);
    // Mark "b" as a character outside the table, as the trainer does for rare characters.
    const b = table.ids.get(0x62)!;
    for (let i = 0; i < text.text.length; i++) if (text.text[i] === b) text.text[i] = table.unknownId;
    expect(extractSeedSubstrings(text, table, seedOptions).pieces).toEqual([]);
  });

  it('skips substrings seen once', () => {
    const { text, table } = preTokenText([
      [' ab', 1],
      [' cd', 1],
    ]);
    expect(extractSeedSubstrings(text, table, { seedSize: 100, maxPieceLength: 16, splitDigits: false }).pieces).toEqual([]);
  });

  it('caps seeds by size and piece length', () => {
    const { text, table } = preTokenText([
      [' ab', 3],
      [' abc', 2],
    ]);
    expect(extractSeedSubstrings(text, table, { seedSize: 1, maxPieceLength: 16, splitDigits: false }).pieces).toEqual([' ab']);
    expect(extractSeedSubstrings(text, table, { seedSize: 100, maxPieceLength: 2, splitDigits: false }).pieces).toEqual(['ab']);
  });
});

describe('isValidPiece', () => {
  const table = buildCharacterTable([...' ab,1ıİ\u0301αβ'].map((c) => c.codePointAt(0)!));
  const valid = (piece: string, splitDigits = false): boolean => {
    const ids = Int32Array.from([...piece].map((c) => table.ids.get(c.codePointAt(0)!)!));
    return isValidPiece(table, ids, 0, ids.length, splitDigits);
  };

  it('allows a space only first', () => {
    expect(valid(' ab')).toBe(true);
    expect(valid('a b')).toBe(false);
    expect(valid('ab ')).toBe(false);
  });

  it('rejects mixed scripts', () => {
    expect(valid('ab,')).toBe(false);
    expect(valid('aα')).toBe(false);
    expect(valid('αβ')).toBe(true);
    expect(valid('ıİa')).toBe(true);
  });

  it('lets combining marks join', () => {
    expect(valid('a\u0301b')).toBe(true);
  });

  it('splits digits on request', () => {
    expect(valid('1,')).toBe(true);
    expect(valid('1,', true)).toBe(false);
    expect(valid('1', true)).toBe(true);
  });
});

describe('chooseRequiredCharacters', () => {
  it('stops once coverage is reached', () => {
    const counts = new Map([
      [0x61, 90],
      [0x62, 9],
      [0x63, 1],
    ]);
    expect(chooseRequiredCharacters(counts, 0.95).required.map(([c]) => c)).toEqual([0x61, 0x62]);
    expect(chooseRequiredCharacters(counts, 1).required.map(([c]) => c)).toEqual([0x61, 0x62, 0x63]);
  });
});
