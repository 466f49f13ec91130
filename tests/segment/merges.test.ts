import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../src/encoder.js';
import { PieceKind, type Vocab } from '../../src/vocab.js';
import { CountTable } from '../../trainers/counting.js';
import type { BpeTrainerOptions } from '../../trainers/bpe/options.js';
import { PRE_TOKEN_UNIT } from '../../trainers/bpe/pre-token-counting.js';
import { trainBpeVocab } from '../../trainers/bpe/train.js';

const utf8 = new TextEncoder();
const text = new TextDecoder();

function train(corpus: string[], overrides: Partial<BpeTrainerOptions> = {}): Vocab {
  const table = new CountTable({ unit: PRE_TOKEN_UNIT, normalizer: 'none', preTokenizer: { type: 'none' } });
  for (const line of corpus) if (line.length > 0) table.add(line, 1);
  return trainBpeVocab(table, {
    alphabet: 'bytes',
    vocabSize: 400,
    minFrequency: 1,
    initialAlphabet: '',
    characterCoverage: 1,
    byteFallback: true,
    specials: [],
    normalizer: 'none',
    preTokenizer: { type: 'none' },
    seed: 0,
    threads: 1,
    ...overrides,
  });
}

/**
 * Reference merge order, quadratic: repeatedly find the adjacent pair with the lowest merge
 * rank, leftmost on ties, and join it.
 */
function naiveMerges(vocab: Vocab, input: string): number[] {
  const ids = new Map<string, number>();
  vocab.pieces.forEach((piece, id) => {
    if (vocab.kinds[id] === PieceKind.normal) ids.set(text.decode(piece), id);
  });
  const ranks = new Map<string, number>();
  for (let rank = vocab.merges!.length / 2 - 1; rank >= 0; rank--) ranks.set(`${vocab.merges![2 * rank]},${vocab.merges![2 * rank + 1]}`, rank);
  const symbols = [...utf8.encode(input)].map((byte) => vocab.pieces.findIndex((piece, id) => vocab.kinds[id] === PieceKind.normal && piece.length === 1 && piece[0] === byte));
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = ranks.get(`${symbols[i]},${symbols[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    if (best < 0) return symbols;
    const joined = new Uint8Array([...vocab.pieces[symbols[best]!]!, ...vocab.pieces[symbols[best + 1]!]!]);
    const id = vocab.pieces.findIndex((piece, k) => vocab.kinds[k] === PieceKind.normal && piece.length === joined.length && piece.every((b, j) => b === joined[j]));
    symbols.splice(best, 2, id);
  }
}

describe('merges method', () => {
  it('equals the quadratic reference on random strings', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', ' ', 'é', '€');
    fc.assert(
      fc.property(fc.array(fc.string({ unit: alphabet, maxLength: 30 }), { minLength: 1, maxLength: 20 }), fc.string({ unit: alphabet, maxLength: 60 }), (corpus, input) => {
        const vocab = train(corpus);
        const encoder = new Encoder(vocab, 'merges');
        expect(encoder.encode(input).ids).toEqual(naiveMerges(vocab, input));
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips arbitrary text with every method', () => {
    const vocab = train(['the quick brown fox', 'jumps over the lazy dog', 'çalışkan öğrenciler', '東京タワー']);
    const encoders = (['merges', 'longest', 'fewest'] as const).map((method) => new Encoder(vocab, method));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (input) => {
        for (const encoder of encoders) expect(text.decode(encoder.decode(encoder.encode(input).ids))).toBe(input);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same ids from its cache', () => {
    for (const vocab of [train(['abcabc', 'aabbcc']), train([' abab', ' abba'], { alphabet: 'chars' })]) {
      const encoder = new Encoder(vocab, 'merges');
      for (const input of ['abcab', 'ab€ab', 'cab']) {
        const first = encoder.encode(input, true);
        const second = encoder.encode(input, true);
        expect(second).toEqual(first);
        expect(first.ids).toEqual(new Encoder(vocab, 'merges').encode(input).ids);
      }
    }
  });

  it('equals the reference on one long repeated letter', () => {
    const vocab = train(['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']);
    const input = 'a'.repeat(777);
    expect(new Encoder(vocab).encode(input).ids).toEqual(naiveMerges(vocab, input));
  });

  it('encodes pathological inputs', () => {
    const vocab = train(['aaaaaaaaaaaaaaaa', 'Hello----------------', 'Hello world']);
    const encoder = new Encoder(vocab);
    for (const input of ['a'.repeat(100_000), 'Hello' + '-'.repeat(50_000)]) {
      const ids = encoder.encode(input).ids;
      expect(text.decode(encoder.decode(ids))).toBe(input);
      expect(ids.length).toBeLessThan(input.length);
    }
  });

  it('falls back to byte pieces for characters outside a character-level alphabet', () => {
    const vocab = train([' abab', ' abba'], { alphabet: 'chars' });
    const encoder = new Encoder(vocab, 'merges');
    const ids = encoder.encode('ab€ab').ids;
    const kinds = ids.map((id) => vocab.kinds[id]);
    expect(kinds.filter((kind) => kind === PieceKind.byte)).toHaveLength(3);
    expect(text.decode(encoder.decode(ids))).toBe('ab€ab');
  });

  it('rejects a vocabulary without merges', () => {
    const vocab = train(['abc']);
    delete vocab.merges;
    expect(() => new Encoder(vocab, 'merges')).toThrow(/cannot apply/);
  });
});

describe('longest and fewest on BPE vocabularies', () => {
  it('fewest never exceeds merges', () => {
    const vocab = train(['low lower lowest newer newest', 'wider widest']);
    const merges = new Encoder(vocab, 'merges');
    const fewest = new Encoder(vocab, 'fewest');
    for (const input of ['lowest', 'newest wider', 'slower']) {
      expect(fewest.encode(input).ids.length).toBeLessThanOrEqual(merges.encode(input).ids.length);
    }
  });
});
