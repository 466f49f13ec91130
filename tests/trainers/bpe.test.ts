import { describe, expect, it } from 'vitest';
import { Encoder } from '../../src/encoder.js';
import { PieceKind, type Vocab } from '../../src/vocab.js';
import { CountTable } from '../../trainers/counting.js';
import { selectCharacterAlphabet } from '../../trainers/bpe/alphabet.js';
import type { BpeTrainerOptions } from '../../trainers/bpe/options.js';
import { PRE_TOKEN_UNIT } from '../../trainers/bpe/pre-token-counting.js';
import { trainBpeVocab } from '../../trainers/bpe/train.js';

const text = new TextDecoder();

function counts(entries: Record<string, number>, preTokenizer: 'none' | 'gpt2' | 'metaspace' = 'none'): CountTable {
  const table = new CountTable({ unit: PRE_TOKEN_UNIT, normalizer: 'none', preTokenizer: { type: preTokenizer } });
  for (const [key, count] of Object.entries(entries)) table.add(key, count);
  return table;
}

function options(overrides: Partial<BpeTrainerOptions> = {}): BpeTrainerOptions {
  return {
    alphabet: 'bytes',
    vocabSize: 1000,
    minFrequency: 2,
    initialAlphabet: '',
    characterCoverage: 1,
    byteFallback: true,
    specials: [],
    normalizer: 'none',
    preTokenizer: { type: 'none' },
    seed: 0,
    threads: 1,
    ...overrides,
  };
}

/** Merges as "left+right" strings in rank order. */
function mergeList(vocab: Vocab): string[] {
  const merges: string[] = [];
  for (let rank = 0; rank < vocab.merges!.length / 2; rank++) {
    merges.push(`${text.decode(vocab.pieces[vocab.merges![2 * rank]!])}+${text.decode(vocab.pieces[vocab.merges![2 * rank + 1]!])}`);
  }
  return merges;
}

function encodePieces(vocab: Vocab, input: string): string[] {
  return new Encoder(vocab).encode(input).ids.map((id) => text.decode(vocab.pieces[id]));
}

// Sennrich et al.'s example corpus without end-of-word markers. Worked by hand:
// pairs e+s and s+t both occur 9 times and e < s, so es comes first, then est (9);
// l+o and o+w tie at 7 and l < o; at 6, e+w < n+ew < w+est by left piece bytes; then the
// 3s (d < i < w) and the 2s (e < l).
const TEXTBOOK = { low: 5, lower: 2, newest: 6, widest: 3 };
const TEXTBOOK_MERGES = ['e+s', 'es+t', 'l+o', 'lo+w', 'e+w', 'ew+est', 'n+ewest', 'd+est', 'i+dest', 'w+idest', 'e+r', 'low+er'];

describe('trainBpeVocab byte-level', () => {
  it('learns the textbook merges in order', () => {
    const vocab = trainBpeVocab(counts(TEXTBOOK), options());
    expect(mergeList(vocab)).toEqual(TEXTBOOK_MERGES);
    expect(vocab.provenance?.training?.stoppedBy).toBe('frequency');
  });

  it('stops at the requested vocabulary size', () => {
    const vocab = trainBpeVocab(counts(TEXTBOOK), options({ vocabSize: 256 + 7 }));
    expect(vocab.pieces).toHaveLength(263);
    expect(mergeList(vocab)).toEqual(TEXTBOOK_MERGES.slice(0, 7));
  });

  it('puts specials first, then the 256 bytes, then merged pieces', () => {
    const vocab = trainBpeVocab(counts(TEXTBOOK), options({ specials: ['<s>', '</s>'] }));
    expect(text.decode(vocab.pieces[0])).toBe('<s>');
    expect(text.decode(vocab.pieces[1])).toBe('</s>');
    expect(vocab.kinds[0]).toBe(PieceKind.special);
    for (let byte = 0; byte < 256; byte++) {
      expect(vocab.pieces[2 + byte]).toEqual(Uint8Array.of(byte));
      expect(vocab.kinds[2 + byte]).toBe(PieceKind.normal);
    }
    expect(text.decode(vocab.pieces[258])).toBe('es');
    expect(vocab.defaultMethod).toBe('merges');
  });

  it('encodes a new word with the learned merges', () => {
    const vocab = trainBpeVocab(counts(TEXTBOOK), options());
    // es, est, lo, low apply in rank order; low+est is no merge.
    expect(encodePieces(vocab, 'lowest')).toEqual(['low', 'est']);
  });

  it('merges the most frequent pair first', () => {
    const vocab = trainBpeVocab(counts({ ab: 2, zy: 5 }), options({ vocabSize: 257 }));
    expect(mergeList(vocab)).toEqual(['z+y']);
  });

  it('breaks count ties by byte order', () => {
    const vocab = trainBpeVocab(counts({ zy: 3, ab: 3, ma: 3 }), options());
    expect(mergeList(vocab)).toEqual(['a+b', 'm+a', 'z+y']);
  });

  it('respects the minimum frequency', () => {
    const vocab = trainBpeVocab(counts({ ab: 1, cd: 2 }), options({ minFrequency: 2 }));
    expect(mergeList(vocab)).toEqual(['c+d']);
    expect(vocab.provenance?.training?.stoppedBy).toBe('frequency');
  });

  it('respects the maximum token length in bytes', () => {
    const vocab = trainBpeVocab(counts({ abcdefgh: 10, 'çççç': 10 }), options({ maxTokenLength: 3 }));
    for (let id = 0; id < vocab.pieces.length; id++) expect(vocab.pieces[id]!.length).toBeLessThanOrEqual(3);
    expect(mergeList(vocab).length).toBeGreaterThan(0);
  });

  it('never merges a special token', () => {
    const vocab = trainBpeVocab(counts({ '<s>': 50, 'a<s>': 20 }), options({ specials: ['<s>'] }));
    for (const id of vocab.merges!) expect(vocab.kinds[id]).toBe(PieceKind.normal);
    // Text that spells a special is encoded as normal pieces, never as the special id.
    const ids = new Encoder(vocab).encode('<s>').ids;
    expect(ids).not.toContain(0);
    expect(text.decode(vocab.pieces[ids[0]!])).toBe('<s>');
  });

  it('does not depend on the order of the counts', () => {
    const forward = trainBpeVocab(counts({ hello: 4, help: 3, yellow: 2, fellow: 2 }), options());
    const backward = trainBpeVocab(counts({ fellow: 2, yellow: 2, help: 3, hello: 4 }), options());
    expect(mergeList(backward)).toEqual(mergeList(forward));
  });

  it('merges overlapping pairs left to right', () => {
    // "aaa" contains a+a twice (count 2 × 3), but only one merge fits: aa a.
    const vocab = trainBpeVocab(counts({ aaa: 3 }), options({ minFrequency: 1 }));
    expect(mergeList(vocab)).toEqual(['a+a', 'aa+a']);
  });

  it('rejects counts of another unit', () => {
    const table = new CountTable({ unit: 'chars', normalizer: 'none', preTokenizer: { type: 'none' } });
    table.add('a', 1);
    expect(() => trainBpeVocab(table, options())).toThrow(/cannot train a bpe vocabulary/);
  });
});

describe('trainBpeVocab character-level', () => {
  it('orders <unk>, specials, byte pieces, characters, merges', () => {
    const vocab = trainBpeVocab(counts({ ' low': 5, ' lower': 2 }, 'metaspace'), options({ alphabet: 'chars', specials: ['<s>'] }));
    expect(vocab.kinds[0]).toBe(PieceKind.unknown);
    expect(vocab.kinds[1]).toBe(PieceKind.special);
    expect(vocab.kinds[2]).toBe(PieceKind.byte);
    expect(vocab.kinds[257]).toBe(PieceKind.byte);
    // Characters by count: space, l, o, w (7 each, by code point), then e, r (2 each).
    expect([2, 3, 4, 5, 6, 7].map((k) => text.decode(vocab.pieces[256 + k]))).toEqual([' ', 'l', 'o', 'w', 'e', 'r']);
    expect(mergeList(vocab).slice(0, 3)).toEqual([' +l', ' l+o', ' lo+w']);
  });

  it('keeps real spaces in pieces', () => {
    const vocab = trainBpeVocab(counts({ ' the': 9 }, 'metaspace'), options({ alphabet: 'chars' }));
    expect(text.decode(vocab.pieces[vocab.pieces.length - 1])).toBe(' the');
  });

  it('respects the maximum token length in characters', () => {
    const vocab = trainBpeVocab(counts({ ' çalışmak': 9, ' çalıştı': 7 }, 'metaspace'), options({ alphabet: 'chars', maxTokenLength: 3 }));
    for (let id = 0; id < vocab.pieces.length; id++) {
      if (vocab.kinds[id] === PieceKind.normal) expect([...text.decode(vocab.pieces[id])].length).toBeLessThanOrEqual(3);
    }
    expect(mergeList(vocab).length).toBeGreaterThan(3);
  });

  it('falls back to byte pieces for characters outside the alphabet', () => {
    const vocab = trainBpeVocab(counts({ ' ab': 100, ' é': 1 }, 'metaspace'), options({ alphabet: 'chars', characterCoverage: 0.9 }));
    const encoder = new Encoder(vocab);
    const ids = encoder.encode('abé').ids;
    expect(ids.slice(-2).map((id) => vocab.kinds[id])).toEqual([PieceKind.byte, PieceKind.byte]);
    expect(text.decode(encoder.decode(ids))).toBe('abé');
  });

  it('never merges across a character outside the alphabet', () => {
    const vocab = trainBpeVocab(counts({ ' a€b': 10 }, 'metaspace'), options({ alphabet: 'chars', limitAlphabet: 3 }));
    expect(mergeList(vocab)).toEqual([' +a']);
  });
});

describe('selectCharacterAlphabet', () => {
  it('stops when the coverage is reached', () => {
    const alphabet = selectCharacterAlphabet(counts({ aaaaaaaab: 1, c: 1 }), { characterCoverage: 0.8, initialAlphabet: '' });
    expect(alphabet.characters).toEqual(['a']);
    expect(alphabet.coverage).toBe(0.8);
  });

  it('always keeps the initial alphabet', () => {
    const alphabet = selectCharacterAlphabet(counts({ aaaa: 1 }), { characterCoverage: 1, initialAlphabet: 'zq' });
    expect(alphabet.characters).toEqual(['a', 'q', 'z']);
  });

  it('keeps at most the alphabet limit', () => {
    const alphabet = selectCharacterAlphabet(counts({ aaabbc: 1 }), { characterCoverage: 1, initialAlphabet: '', limitAlphabet: 2 });
    expect(alphabet.characters).toEqual(['a', 'b']);
  });
});
