import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../src/encoder.js';
import { pieceRanks, supportsLib, TwoPathParser } from '../../src/segment/lib.js';
import { ByteTrie } from '../../src/trie.js';
import { PieceKind, type Vocab } from '../../src/vocab.js';

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/**
 * Builds a LiB vocabulary: <unk>, 256 byte pieces, then `pieces` from id 257 on, ranked in the
 * order given (scores −rank), unless `ranking` lists them best first.
 */
function libVocab(pieces: string[], ranking: string[] = pieces): Vocab {
  const all = [utf8.encode('<unk>')];
  const kinds = [PieceKind.unknown as number];
  for (let b = 0; b < 256; b++) {
    all.push(Uint8Array.of(b));
    kinds.push(PieceKind.byte);
  }
  for (const piece of pieces) {
    all.push(utf8.encode(piece));
    kinds.push(PieceKind.normal);
  }
  const scores = new Float64Array(all.length);
  pieces.forEach((piece, k) => {
    scores[257 + k] = -ranking.indexOf(piece);
  });
  return { algorithm: 'lib', pieces: all, kinds: Uint8Array.from(kinds), scores, normalizer: 'none', preTokenizer: { type: 'none' }, defaultMethod: 'lib' };
}

function segment(vocab: Vocab, input: string, method: 'lib' | 'longest' = 'lib'): string[] {
  const encoder = new Encoder(vocab, method);
  return encoder.encode(input).ids.map((id) => (vocab.kinds[id] === PieceKind.byte ? `<0x${vocab.pieces[id]![0]!.toString(16).toUpperCase()}>` : text(vocab.pieces[id]!)));
}

describe('lib method', () => {
  // Worked by hand: at 0 the longest piece is "ab", the second-longest "a". Longest-first:
  // ab|c|d (3 tokens). Shorter-first: a|bcd (2 tokens), and both end at 4, so it wins.
  it('keeps the parse with fewer tokens where the two paths meet', () => {
    const vocab = libVocab(['a', 'b', 'c', 'd', 'ab', 'bcd']);
    expect(segment(vocab, 'abcd', 'longest')).toEqual(['ab', 'c', 'd']);
    expect(segment(vocab, 'abcd')).toEqual(['a', 'bcd']);
  });

  // ab|c and a|bc both take 2 tokens, so the rank sums decide.
  it('breaks a token tie by the lower rank sum', () => {
    // Ranks a0 b1 c2 ab3 bc4: ab|c = 3+2 = 5, a|bc = 0+4 = 4.
    expect(segment(libVocab(['a', 'b', 'c', 'ab', 'bc']), 'abc')).toEqual(['a', 'bc']);
    // Ranks a0 b1 c2 ab3 x4 y5 bc6: ab|c = 5, a|bc = 6.
    expect(segment(libVocab(['a', 'b', 'c', 'ab', 'x', 'y', 'bc']), 'abc')).toEqual(['ab', 'c']);
  });

  it('keeps the longest-first parse on a full tie', () => {
    // Ranks a0 ab1 c2 bc3 b4: ab|c = 1+2 = 3 and a|bc = 0+3 = 3.
    expect(segment(libVocab(['a', 'b', 'c', 'ab', 'bc'], ['a', 'ab', 'c', 'bc', 'b']), 'abc')).toEqual(['ab', 'c']);
  });

  // Ranks a0 b1 c2 d3 bc4 de5 bcd6 e7 ab8. At 0: ab|c|de (8+2+5 = 15) against a|bcd|e
  // (0+6+7 = 13), 3 tokens each, so a|bcd|e wins and is emitted whole. A fresh decision at 1
  // would pick bc|de (4+5 = 9) over bcd|e (6+7 = 13) and give a|bc|de instead.
  it('emits the whole winning parse, not only its first chunk', () => {
    const vocab = libVocab(['a', 'b', 'c', 'd', 'bc', 'de', 'bcd', 'e', 'ab']);
    expect(segment(vocab, 'abcde')).toEqual(['a', 'bcd', 'e']);
    expect(segment(vocab, 'bcde')).toEqual(['bc', 'de']);
  });

  it('falls back to bytes for characters without a piece', () => {
    const vocab = libVocab(['a', 'b', 'ab']);
    expect(segment(vocab, 'aéb')).toEqual(['a', '<0xC3>', '<0xA9>', 'b']);
  });

  it('counts fallback bytes as tokens when comparing the paths', () => {
    // Longest first: ab, then é falls back to 2 byte pieces (3 tokens); shorter first: a|bé
    // (2 tokens), so the shorter start wins.
    const vocab = libVocab(['a', 'b', 'ab', 'bé']);
    expect(segment(vocab, 'abé')).toEqual(['a', 'bé']);
  });

  it('round-trips any text exactly', () => {
    const vocab = libVocab(['a', 'b', ' ', 'ab', 'b a', 'ba', 'aab', ' b', 'ş', 'şa']);
    const encoder = new Encoder(vocab, 'lib');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'ş', 'x') }), fc.string({ unit: 'grapheme' })), (input) => {
        expect(text(encoder.decode(encoder.encode(input).ids))).toBe(input);
      }),
    );
  });

  it('applies to vocabularies with scores and to LiB ones', () => {
    const vocab = libVocab(['a']);
    expect(supportsLib(vocab)).toBe(true);
    expect(supportsLib({ ...vocab, algorithm: 'char', scores: undefined })).toBe(false);
    expect(supportsLib({ ...vocab, algorithm: 'unigram' })).toBe(true);
  });
});

describe('pieceRanks', () => {
  it('ranks normal pieces by descending score, then by id', () => {
    const vocab = libVocab(['x', 'y', 'z'], ['z', 'x', 'y']);
    const ranks = pieceRanks(vocab);
    expect([ranks[257], ranks[258], ranks[259]]).toEqual([1, 2, 0]);
  });
});

describe('TwoPathParser', () => {
  it('reports characters without a piece as id -1', () => {
    const trie = ByteTrie.build([utf8.encode('a')]);
    const parser = new TwoPathParser({ trie, ranks: [0] }, () => 1);
    const chunks: number[] = [];
    parser.parse(utf8.encode('aza'), 0, 3, (id, start, end) => chunks.push(id, start, end));
    expect(chunks).toEqual([0, 0, 1, -1, 1, 2, 0, 2, 3]);
  });
});
