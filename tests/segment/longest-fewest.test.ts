import { describe, expect, it } from 'vitest';
import { Encoder } from '../../src/encoder.js';
import { PieceKind, type Vocab } from '../../src/vocab.js';

const utf8 = new TextEncoder();

/** A tiny vocabulary: <unk>, 256 byte pieces, then the given pieces from id 257 on. */
function tinyVocab(pieces: string[], byteFallback = true): Vocab {
  const all = [utf8.encode('<unk>')];
  const kinds = [PieceKind.unknown as number];
  if (byteFallback) {
    for (let b = 0; b < 256; b++) {
      all.push(Uint8Array.of(b));
      kinds.push(PieceKind.byte);
    }
  }
  for (const piece of pieces) {
    all.push(utf8.encode(piece));
    kinds.push(PieceKind.normal);
  }
  return { algorithm: 'char', pieces: all, kinds: Uint8Array.from(kinds), normalizer: 'none', preTokenizer: { type: 'none' }, defaultMethod: 'longest' };
}

function pieces(encoder: Encoder, text: string): string[] {
  const decoder = new TextDecoder();
  return encoder.encode(text).ids.map((id) => {
    const kind = encoder.vocab.kinds[id];
    if (kind === PieceKind.byte) return `<0x${encoder.vocab.pieces[id]![0]!.toString(16).toUpperCase().padStart(2, '0')}>`;
    if (kind === PieceKind.unknown) return '<unk>';
    return decoder.decode(encoder.vocab.pieces[id]!);
  });
}

describe('longest method', () => {
  // Worked by hand: at 0 the longest piece is "abc"; at 3 "d" is the only match.
  it('takes the longest piece at each position', () => {
    const encoder = new Encoder(tinyVocab(['a', 'b', 'c', 'd', 'ab', 'abc', 'cd']), 'longest');
    expect(pieces(encoder, 'abcd')).toEqual(['abc', 'd']);
  });

  // Greedy is not optimal: "ab"+"c"+"de"... the greedy path takes "abc", then "d", "e".
  it('is greedy where fewest is not', () => {
    const encoder = new Encoder(tinyVocab(['a', 'b', 'c', 'd', 'e', 'ab', 'abc', 'cde']), 'longest');
    expect(pieces(encoder, 'abcde')).toEqual(['abc', 'd', 'e']);
  });

  it('falls back to bytes for unknown characters', () => {
    const encoder = new Encoder(tinyVocab(['a']), 'longest');
    expect(pieces(encoder, 'aé')).toEqual(['a', '<0xC3>', '<0xA9>']);
  });

  it('emits one unknown piece per character without byte fallback', () => {
    const encoder = new Encoder(tinyVocab(['a'], false), 'longest');
    expect(pieces(encoder, 'aé😀a')).toEqual(['a', '<unk>', '<unk>', 'a']);
  });
});

describe('fewest method', () => {
  // Worked by hand: "ab"+"cde" is 2 tokens; greedy gives "abc"+"d"+"e" (3).
  it('finds the fewest tokens', () => {
    const encoder = new Encoder(tinyVocab(['a', 'b', 'c', 'd', 'e', 'ab', 'abc', 'cde']), 'fewest');
    expect(pieces(encoder, 'abcde')).toEqual(['ab', 'cde']);
  });

  // "abcd" splits into two pieces either as "ab"+"cd" or "abc"+"d": the longer first piece wins.
  it('breaks ties toward the longer first piece', () => {
    const encoder = new Encoder(tinyVocab(['a', 'b', 'c', 'd', 'ab', 'cd', 'abc']), 'fewest');
    expect(pieces(encoder, 'abcd')).toEqual(['abc', 'd']);
  });

  // Three-way tie on 3 tokens: "a"+"bc"+"de", "ab"+"c"+"de", "ab"+"cd"+"e".
  // Longest first piece is "ab"; then for "cde" the longer first piece "cd" wins.
  it('breaks later ties toward longer pieces too', () => {
    const encoder = new Encoder(tinyVocab(['a', 'b', 'c', 'd', 'e', 'ab', 'bc', 'cd', 'de']), 'fewest');
    expect(pieces(encoder, 'abcde')).toEqual(['ab', 'cd', 'e']);
  });

  it('counts byte fallback as one token per byte', () => {
    const encoder = new Encoder(tinyVocab(['x', 'xé', 'éy', 'y']), 'fewest');
    expect(pieces(encoder, 'xéy')).toEqual(['xé', 'y']);
    expect(pieces(encoder, 'ğ')).toEqual(['<0xC4>', '<0x9F>']);
  });

  // Greedy takes " t" at 3 and must then spell "h", "e" (4 tokens); fewest uses " "+"the" (3).
  it('beats greedy across a space', () => {
    const vocab = tinyVocab(['t', 'h', 'e', 'th', 'the', ' ', ' t']);
    expect(pieces(new Encoder(vocab, 'longest'), 'the the')).toEqual(['the', ' t', 'h', 'e']);
    expect(pieces(new Encoder(vocab, 'fewest'), 'the the')).toEqual(['the', ' ', 'the']);
  });
});
