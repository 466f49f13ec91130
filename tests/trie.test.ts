import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SortedTrie, sortIdsByBytes } from '../src/sorted-trie.js';
import { ByteTrie } from '../src/trie.js';
import { pieceStoreFromPieces } from '../src/vocab.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('ByteTrie', () => {
  const pieces = ['a', 'ab', 'abc', 'b', 'bcd', 'ç', 'çay'].map(encode);
  const trie = ByteTrie.build(pieces);

  it('finds the longest prefix', () => {
    const match = new Int32Array(1);
    const bytes = encode('abcd');
    expect(trie.longestPrefix(bytes, 0, bytes.length, match)).toBe(3);
    expect(match[0]).toBe(2);
    expect(trie.longestPrefix(bytes, 1, bytes.length, match)).toBe(3);
    expect(match[0]).toBe(4);
  });

  it('respects the end of the range', () => {
    const match = new Int32Array(1);
    const bytes = encode('abcd');
    expect(trie.longestPrefix(bytes, 0, 2, match)).toBe(2);
    expect(match[0]).toBe(1);
  });

  it('returns zero when nothing matches', () => {
    const match = new Int32Array(1);
    const bytes = encode('xyz');
    expect(trie.longestPrefix(bytes, 0, bytes.length, match)).toBe(0);
  });

  it('lists all prefixes shortest first', () => {
    const ids = new Int32Array(trie.maxPieceBytes);
    const lengths = new Int32Array(trie.maxPieceBytes);
    const bytes = encode('abcx');
    const found = trie.prefixes(bytes, 0, bytes.length, ids, lengths);
    expect(found).toBe(3);
    expect(Array.from(ids.subarray(0, found))).toEqual([0, 1, 2]);
    expect(Array.from(lengths.subarray(0, found))).toEqual([1, 2, 3]);
  });

  it('matches multi-byte pieces by bytes', () => {
    const bytes = encode('çaylar');
    expect(trie.lookup(bytes, 0, 2)).toBe(5);
    expect(trie.lookup(bytes, 0, 4)).toBe(6);
    expect(trie.lookup(bytes, 0, 1)).toBe(-1);
  });

  it('skips pieces excluded at build time', () => {
    const partial = ByteTrie.build(pieces, (id) => id !== 2);
    const match = new Int32Array(1);
    const bytes = encode('abc');
    expect(partial.longestPrefix(bytes, 0, bytes.length, match)).toBe(2);
  });

  it('grows past its initial capacity', () => {
    const many = Array.from({ length: 5000 }, (_, i) => encode(`piece-${i}-${'x'.repeat(i % 7)}`));
    const big = ByteTrie.build(many);
    for (let i = 0; i < many.length; i += 97) expect(big.lookup(many[i]!)).toBe(i);
  });
});

describe('SortedTrie', () => {
  const ascii = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'ç', ' '), maxLength: 5 });

  it('answers like ByteTrie on random vocabularies', () => {
    fc.assert(
      fc.property(fc.array(ascii, { maxLength: 40 }), fc.array(ascii, { maxLength: 10 }), (words, queries) => {
        const pieces = words.map(encode);
        const dynamic = ByteTrie.build(pieces);
        const sorted = SortedTrie.build(pieceStoreFromPieces(pieces));
        const expectedMatch = new Int32Array(1);
        const actualMatch = new Int32Array(1);
        const size = Math.max(1, dynamic.maxPieceBytes);
        for (const query of queries) {
          const bytes = encode(query);
          for (let start = 0; start <= bytes.length; start++) {
            const expectedLength = dynamic.longestPrefix(bytes, start, bytes.length, expectedMatch);
            expect(sorted.longestPrefix(bytes, start, bytes.length, actualMatch)).toBe(expectedLength);
            if (expectedLength > 0) expect(actualMatch[0]).toBe(expectedMatch[0]);
            const ids = [new Int32Array(size), new Int32Array(size)] as const;
            const lengths = [new Int32Array(size), new Int32Array(size)] as const;
            const found = dynamic.prefixes(bytes, start, bytes.length, ids[0], lengths[0]);
            expect(sorted.prefixes(bytes, start, bytes.length, ids[1], lengths[1])).toBe(found);
            expect(Array.from(ids[1].subarray(0, found))).toEqual(Array.from(ids[0].subarray(0, found)));
            expect(Array.from(lengths[1].subarray(0, found))).toEqual(Array.from(lengths[0].subarray(0, found)));
          }
          expect(sorted.lookup(bytes)).toBe(dynamic.lookup(bytes));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('binary-searches nodes with many children', () => {
    const pieces = Array.from({ length: 200 }, (_, i) => Uint8Array.of(0x61, i));
    const sorted = SortedTrie.build(pieceStoreFromPieces(pieces));
    for (let i = 0; i < 200; i++) expect(sorted.lookup(Uint8Array.of(0x61, i))).toBe(i);
    expect(sorted.lookup(Uint8Array.of(0x61, 250))).toBe(-1);
  });

  it('sorts ids by bytes, shorter first', () => {
    expect(Array.from(sortIdsByBytes(pieceStoreFromPieces(['b', 'ab', 'a', '', 'é'].map(encode))))).toEqual([3, 2, 1, 0, 4]);
  });
});
