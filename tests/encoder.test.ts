import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countCharacters, trainCharVocab } from '../trainers/char.js';
import { Decoder, Encoder } from '../src/encoder.js';
import type { LineBatch } from '../src/corpus.js';
import type { NormalizerName } from '../src/normalizers.js';
import type { PreTokenizerSpec } from '../src/pre-tokenizers.js';
import type { MethodName, Vocab } from '../src/vocab.js';

const utf8 = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

async function* batchesOf(lines: string[]): AsyncGenerator<LineBatch> {
  yield { source: 'test', firstLineNumber: 1, lines };
}

async function charVocab(lines: string[], normalizer: NormalizerName = 'none', preTokenizer: PreTokenizerSpec = { type: 'none' }): Promise<Vocab> {
  const counts = await countCharacters(batchesOf(lines), normalizer, preTokenizer);
  return trainCharVocab(counts, { characterCoverage: 1, byteFallback: true, specials: [], normalizer, preTokenizer });
}

/** Characters that break naive tokenizers: astral, combining marks, ZWJ emoji, CR, LF, NUL, Turkish I. */
const TRICKY = ['a', 'z', ' ', '\r', '\n', '\0', '\t', 'İ', 'ı', 'I', 'i', 'é', 'e\u0301', '😀', '👩‍👩‍👧', '𝔘', '\u2581', '\uFEFF', 'Σ', 'ß', 'ǅ', '한', '\u1100\u1161'];
const trickyText = fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), { maxLength: 30 }).map((parts) => parts.join(''));
/** Random Unicode without lone surrogates, which UTF-8 cannot carry. */
const validText = trickyText.map((text) => text.toWellFormed());

describe('Encoder round trip', () => {
  const methods: MethodName[] = ['longest', 'fewest'];
  const preTokenizers: PreTokenizerSpec[] = [{ type: 'none' }, { type: 'metaspace', prefixSpace: true }, { type: 'metaspace', prefixSpace: false }, { type: 'gpt2' }];

  for (const preTokenizer of preTokenizers) {
    for (const method of methods) {
      it(`restores bytes (${preTokenizer.type}${preTokenizer.prefixSpace === false ? ' no prefix' : ''}, ${method})`, async () => {
        // Train on a little text so most characters fall back to bytes and some do not.
        const vocab = await charVocab(['abc İı e\u0301 😀 \t\r'], 'none', preTokenizer);
        const encoder = new Encoder(vocab, method);
        const decoder = new Decoder(vocab);
        fc.assert(
          fc.property(validText, (text) => {
            const decoded = decoder.decode(encoder.encode(text).ids);
            expect(Buffer.from(decoded).equals(Buffer.from(utf8.encode(text)))).toBe(true);
          }),
          { numRuns: 300 },
        );
      });
    }
  }

  it('gives offsets that slice out each piece', async () => {
    const vocab = await charVocab(['abc İı 😀']);
    const encoder = new Encoder(vocab, 'longest');
    fc.assert(
      fc.property(validText, (text) => {
        const bytes = utf8.encode(text);
        const { ids, offsets } = encoder.encode(text, true);
        expect(offsets).toHaveLength(ids.length * 2);
        let previousEnd = 0;
        ids.forEach((id, k) => {
          const start = offsets![2 * k]!;
          const end = offsets![2 * k + 1]!;
          expect(start).toBe(previousEnd);
          expect(Buffer.from(bytes.subarray(start, end)).equals(Buffer.from(vocab.pieces[id]!))).toBe(true);
          previousEnd = end;
        });
        expect(previousEnd).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Encoder offsets with normalizers', () => {
  it('maps lower-cased pieces to original bytes', async () => {
    const vocab = await charVocab(['istanbul ıi'], 'lowercase-tr');
    const encoder = new Encoder(vocab, 'longest');
    const text = 'İSTANBUL';
    const { ids, offsets } = encoder.encode(text, true);
    expect(ids).toHaveLength(8);
    // İ is two bytes in the input and one piece "i".
    expect(offsets!.slice(0, 4)).toEqual([0, 2, 2, 3]);
    expect(offsets!.at(-1)).toBe(utf8.encode(text).length);
  });

  it('maps the metaspace prefix space to an empty span', async () => {
    const vocab = await charVocab(['a b'], 'none', { type: 'metaspace', prefixSpace: true });
    const encoder = new Encoder(vocab, 'longest');
    const { offsets } = encoder.encode('a b', true);
    expect(offsets).toEqual([0, 0, 0, 1, 1, 2, 2, 3]);
  });

  it('covers a decomposed character composed by NFC', async () => {
    const vocab = await charVocab(['é'], 'nfc');
    const encoder = new Encoder(vocab, 'longest');
    const { ids, offsets } = encoder.encode('e\u0301x', true);
    // "é" is one learned piece covering both input characters; "x" falls back to one byte.
    expect(ids).toHaveLength(2);
    expect(offsets).toEqual([0, 3, 3, 4]);
  });
});

describe('Decoder', () => {
  it('rejects an id outside the vocabulary', async () => {
    const vocab = await charVocab(['ab']);
    expect(() => new Decoder(vocab).decode([vocab.pieces.length])).toThrow(/outside the vocabulary/);
  });

  it('decodes the unknown piece as U+FFFD', async () => {
    const counts = await countCharacters(batchesOf(['ab']), 'none', { type: 'none' });
    const vocab = trainCharVocab(counts, { characterCoverage: 1, byteFallback: false, specials: [], normalizer: 'none', preTokenizer: { type: 'none' } });
    const encoder = new Encoder(vocab);
    const ids = encoder.encode('aXb').ids;
    expect(strictDecoder.decode(new Decoder(vocab).decode(ids))).toBe('a\uFFFDb');
  });
});
