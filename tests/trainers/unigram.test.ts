import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../src/encoder.js';
import { silentProgress } from '../../src/progress.js';
import { ByteTrie } from '../../src/trie.js';
import { PieceKind, type Vocab } from '../../src/vocab.js';
import { CountTable } from '../../trainers/counting.js';
import { countPreTokens, LINE_PRE_TOKEN_UNIT } from '../../trainers/unigram/counting.js';
import { digamma } from '../../trainers/unigram/em.js';
import { TrainingLattice } from '../../trainers/unigram/lattice.js';
import { addExpectedCounts, addViterbiCounts, buildLatticeCache } from '../../trainers/unigram/lattice-cache.js';
import { UNIGRAM_DEFAULTS, type UnigramTrainerOptions } from '../../trainers/unigram/options.js';
import { trainUnigramVocab } from '../../trainers/unigram/train.js';

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

function options(overrides: Partial<UnigramTrainerOptions> = {}): UnigramTrainerOptions {
  return {
    ...UNIGRAM_DEFAULTS,
    specials: [],
    normalizer: 'none',
    preTokenizer: { type: 'metaspace', prefixSpace: true },
    byteFallback: true,
    characterCoverage: 1,
    splitDigits: false,
    seed: 0,
    threads: 1,
    ...overrides,
  };
}

function preTokenCounts(entries: [string, number][]): CountTable {
  const table = new CountTable({ unit: LINE_PRE_TOKEN_UNIT, normalizer: 'none', preTokenizer: { type: 'metaspace', prefixSpace: true } });
  for (const [key, count] of entries) table.add(key, count);
  return table;
}

function learned(vocab: Vocab): string[] {
  const result: string[] = [];
  vocab.pieces.forEach((piece, id) => {
    if (vocab.kinds[id] === PieceKind.normal) result.push(decoder.decode(piece));
  });
  return result;
}

describe('trainUnigramVocab', () => {
  // Worked by hand for " ab" × 6, 2 of them at a line end, so " ab" and "ab" are followed by
  // two different symbols: seeds are ' ', 'a', 'b' (6 each), " ab" (6 × 3 = 18) and
  // "ab" (6 × 2 = 12), so p(" ab") = 18/48. The posterior of " ab" is 0.375 / 0.408 ≈ 0.92,
  // and the first M step keeps only " ab" (5.5 expected); ' ' (0.49), "ab" (0.46), 'a' and 'b'
  // fall under 0.5. The required characters return with the lowest score (0), each next one
  // 0.0001 lower; ' ' ties with " ab" at 0 and sorts first by code point.
  it('learns the pieces worked out by hand', async () => {
    const vocab = await trainUnigramVocab(preTokenCounts([[' ab', 4], [' ab\n', 2]]), options({ vocabSize: 261 }), silentProgress);
    expect(learned(vocab)).toEqual([' ', ' ab', 'a', 'b']);
    expect([...vocab.scores!.slice(257)]).toEqual([0, 0, -0.0001, -0.0002]);
  });

  it('lays out ids like SentencePiece', async () => {
    const vocab = await trainUnigramVocab(preTokenCounts([[' ab', 6], [' ba', 3]]), options({ vocabSize: 264, specials: ['<s>', '</s>'] }), silentProgress);
    expect(decoder.decode(vocab.pieces[0]!)).toBe('<unk>');
    expect(vocab.kinds[0]).toBe(PieceKind.unknown);
    expect(decoder.decode(vocab.pieces[1]!)).toBe('<s>');
    expect(vocab.kinds[2]).toBe(PieceKind.special);
    expect(vocab.kinds[3]).toBe(PieceKind.byte);
    expect(vocab.pieces[3]).toEqual(Uint8Array.of(0));
    expect(vocab.kinds[258]).toBe(PieceKind.byte);
    expect(vocab.kinds[259]).toBe(PieceKind.normal);
    expect(vocab.defaultMethod).toBe('viterbi');
    const scores = [...vocab.scores!.slice(259)];
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('keeps every required character', async () => {
    const vocab = await trainUnigramVocab(preTokenCounts([[' hello', 50], [' help', 20], [' world', 10], [' zq', 1]]), options({ vocabSize: 270 }), silentProgress);
    const pieces = learned(vocab);
    for (const character of ' helowrdpzq') expect(pieces).toContain(character);
    expect(pieces.length).toBeLessThanOrEqual(270 - 257);
  });

  it('respects the maximum piece length', async () => {
    const vocab = await trainUnigramVocab(preTokenCounts([[' abcdef', 40], [' abcxyz', 30]]), options({ vocabSize: 300, maxPieceLength: 3 }), silentProgress);
    for (const piece of learned(vocab)) expect([...piece].length).toBeLessThanOrEqual(3);
  });

  it('keeps digits apart with splitDigits', async () => {
    const vocab = await trainUnigramVocab(preTokenCounts([[' 2024', 40], [' 2025', 30]]), options({ vocabSize: 300, splitDigits: true }), silentProgress);
    for (const piece of learned(vocab)) expect(/\d/.test(piece) && [...piece].length > 1).toBe(false);
  });

  it('is deterministic', async () => {
    const counts = preTokenCounts([[' the', 30], [' then', 10], [' other', 8], [' there', 5], [' tea', 4]]);
    const first = await trainUnigramVocab(counts, options({ vocabSize: 280 }), silentProgress);
    const second = await trainUnigramVocab(counts, options({ vocabSize: 280 }), silentProgress);
    expect(learned(second)).toEqual(learned(first));
    expect(second.scores).toEqual(first.scores);
  });

  it('rejects a vocabulary smaller than the required characters', async () => {
    await expect(trainUnigramVocab(preTokenCounts([[' abcdef', 3]]), options({ vocabSize: 260 }), silentProgress)).rejects.toThrow(/requires 7 characters/);
  });

  it('round-trips text through its vocabulary', async () => {
    const vocab = await trainUnigramVocab(preTokenCounts([[' the', 30], [' then', 10], [' other', 8], [' ü', 2]]), options({ vocabSize: 280 }), silentProgress);
    const encoder = new Encoder(vocab);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        expect(decoder.decode(encoder.decode(encoder.encode(text).ids))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('digamma', () => {
  it('matches known values', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649, 9);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260, 9);
    expect(digamma(10)).toBeCloseTo(2.2517525891, 9);
  });
});

describe('lattice cache', () => {
  // "ç" and "😀" are 2 and 4 bytes and no piece, so they take unknown edges of those lengths.
  const words = ['aab', 'abba', 'b', 'abcab', 'cccc', 'açab', 'ç', '😀bab'];
  const pieces = ['a', 'b', 'ab', 'ba', 'abb', 'bc'];

  function setUp(scores: number[]) {
    const pieceBytes = pieces.map((piece) => utf8.encode(piece));
    const trie = ByteTrie.build(pieceBytes);
    const bytes = utf8.encode(words.join(''));
    const starts = [0];
    for (const word of words) starts.push(starts.at(-1)! + utf8.encode(word).length);
    const input = { bytes, starts: Int32Array.from(starts), counts: Float64Array.from(words.map((_, k) => k + 1)) };
    return { trie, input, scores: Float64Array.from(scores) };
  }

  it('gives the expected counts of the uncached lattice', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: -12, max: -0.1, noNaN: true }), fc.constant(-Infinity)), { minLength: 6, maxLength: 6 }), (scores) => {
        const { trie, input, scores: table } = setUp(scores);
        const unknownScore = Math.min(...scores.filter((s) => s !== -Infinity), -1) - 10;
        const expectedCached = new Float64Array(pieces.length);
        const sums = addExpectedCounts(buildLatticeCache(trie, input), input.counts, table, unknownScore, expectedCached);
        const lattice = new TrainingLattice(trie, table, unknownScore);
        const expectedOracle = new Float64Array(pieces.length);
        let logLikelihood = 0;
        words.forEach((_, w) => {
          logLikelihood += input.counts[w]! * lattice.addExpectedCounts(input.bytes, input.starts[w]!, input.starts[w + 1]!, input.counts[w]!, expectedOracle);
        });
        expect(sums.logLikelihood).toBeCloseTo(logLikelihood, 8);
        expectedCached.forEach((value, id) => expect(value).toBeCloseTo(expectedOracle[id]!, 8));
      }),
      { numRuns: 100 },
    );
  });

  it('gives the Viterbi counts of the uncached lattice', () => {
    const { trie, input, scores } = setUp([-2, -2.5, -1, -1.2, -3, -4]);
    const frequency = new Float64Array(pieces.length);
    addViterbiCounts(buildLatticeCache(trie, input), input.counts, scores, -14, frequency);
    const lattice = new TrainingLattice(trie, scores, -14);
    const oracle = new Float64Array(pieces.length);
    words.forEach((_, w) => {
      const ids: number[] = [];
      lattice.viterbi(input.bytes, input.starts[w]!, input.starts[w + 1]!, ids);
      for (const id of ids) if (id >= 0) oracle[id]! += input.counts[w]!;
    });
    expect([...frequency]).toEqual([...oracle]);
  });
});

describe('lattice cache with long pieces', () => {
  // A 300-byte piece needs 16-bit edge lengths.
  it('gives the counts of the uncached lattice', () => {
    const pieceBytes = ['a'.repeat(300), 'a', 'b'].map((piece) => utf8.encode(piece));
    const trie = ByteTrie.build(pieceBytes);
    const bytes = utf8.encode('a'.repeat(301) + 'b' + 'ab');
    const input = { bytes, starts: Int32Array.from([0, 302, 304]), counts: Float64Array.from([2, 3]) };
    const scores = Float64Array.from([-5, -2, -2]);
    const cache = buildLatticeCache(trie, input);
    expect(cache.edgeLength.BYTES_PER_ELEMENT).toBe(2);

    const frequency = new Float64Array(3);
    addViterbiCounts(cache, input.counts, scores, -12, frequency);
    expect([...frequency]).toEqual([2, 2 + 3, 2 + 3]);

    const expectedCached = new Float64Array(3);
    addExpectedCounts(cache, input.counts, scores, -12, expectedCached);
    const lattice = new TrainingLattice(trie, scores, -12);
    const expectedOracle = new Float64Array(3);
    lattice.addExpectedCounts(bytes, 0, 302, 2, expectedOracle);
    lattice.addExpectedCounts(bytes, 302, 304, 3, expectedOracle);
    expectedCached.forEach((value, id) => expect(value).toBeCloseTo(expectedOracle[id]!, 8));
  });
});

describe('countPreTokens', () => {
  async function* batches(lines: string[]) {
    yield { source: 'test', firstLineNumber: 1, lines };
  }

  it('marks the last pre-token of each line', async () => {
    const settings = { normalizer: 'none', preTokenizer: { type: 'metaspace', prefixSpace: true }, inputSentenceSize: 0, seed: 0 } as const;
    const table = await countPreTokens(batches(['ab cd', 'cd ab', '', 'ab']), settings, silentProgress);
    expect(table.settings.unit).toBe(LINE_PRE_TOKEN_UNIT);
    expect(Object.fromEntries(table.counts)).toEqual({ ' ab': 1, ' cd\n': 1, ' cd': 1, ' ab\n': 2 });
  });
});
