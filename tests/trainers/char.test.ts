import { describe, expect, it } from 'vitest';
import { countCharacters, trainCharVocab, type CharTrainerOptions } from '../../trainers/char.js';
import { CountTable } from '../../trainers/counting.js';
import type { LineBatch } from '../../src/corpus.js';
import { encodeVocabSection } from '../../src/vocab-file.js';
import { PieceKind } from '../../src/vocab.js';

async function* batchesOf(lines: string[]): AsyncGenerator<LineBatch> {
  yield { source: 'test', firstLineNumber: 1, lines };
}

const defaults: CharTrainerOptions = { characterCoverage: 1, byteFallback: true, specials: [], normalizer: 'none', preTokenizer: { type: 'none' } };
const text = (piece: Uint8Array): string => new TextDecoder().decode(piece);

describe('char trainer', () => {
  it('orders reserved pieces then characters by frequency', async () => {
    const counts = await countCharacters(batchesOf(['bbbaac', 'b']), 'none', { type: 'none' });
    const vocab = trainCharVocab(counts, { ...defaults, specials: ['<s>', '</s>'] });
    expect(text(vocab.pieces[0]!)).toBe('<unk>');
    expect(vocab.kinds[0]).toBe(PieceKind.unknown);
    expect(vocab.pieces.slice(1, 3).map(text)).toEqual(['<s>', '</s>']);
    expect(vocab.kinds[3]).toBe(PieceKind.byte);
    expect(vocab.pieces[3]).toEqual(Uint8Array.of(0));
    expect(vocab.pieces.slice(259).map(text)).toEqual(['b', 'a', 'c']);
    expect(vocab.pieces).toHaveLength(262);
  });

  it('breaks frequency ties by code point', async () => {
    const counts = await countCharacters(batchesOf(['😀ba']), 'none', { type: 'none' });
    const vocab = trainCharVocab(counts, { ...defaults, byteFallback: false });
    expect(vocab.pieces.slice(1).map(text)).toEqual(['a', 'b', '😀']);
  });

  // 10 occurrences: a=6, b=3, c=1. Coverage 0.9 keeps a and b (0.9 reached), not c.
  it('stops at the character coverage', async () => {
    const counts = await countCharacters(batchesOf(['aaaaaabbbc']), 'none', { type: 'none' });
    const vocab = trainCharVocab(counts, { ...defaults, characterCoverage: 0.9 });
    expect(vocab.pieces.slice(257).map(text)).toEqual(['a', 'b']);
  });

  it('stops at the vocabulary size', async () => {
    const counts = await countCharacters(batchesOf(['aaaaaabbbc']), 'none', { type: 'none' });
    const vocab = trainCharVocab(counts, { ...defaults, vocabSize: 258 });
    expect(vocab.pieces).toHaveLength(258);
    expect(text(vocab.pieces[257]!)).toBe('a');
  });

  it('rejects a size without room for characters', async () => {
    const counts = await countCharacters(batchesOf(['abc']), 'none', { type: 'none' });
    expect(() => trainCharVocab(counts, { ...defaults, vocabSize: 257 })).toThrow(/--vocab-size 257 is too small/);
  });

  it('rejects duplicate specials', async () => {
    const counts = await countCharacters(batchesOf(['abc']), 'none', { type: 'none' });
    expect(() => trainCharVocab(counts, { ...defaults, specials: ['<s>', '<s>'] })).toThrow(/duplicate special token/);
  });

  it('counts after normalization', async () => {
    const counts = await countCharacters(batchesOf(['İI']), 'lowercase-tr', { type: 'none' });
    expect([...counts.counts.keys()].sort()).toEqual(['i', 'ı']);
  });

  it('counts the metaspace prefix space', async () => {
    const counts = await countCharacters(batchesOf(['a b']), 'none', { type: 'metaspace', prefixSpace: true });
    expect(counts.counts.get(' ')).toBe(2);
  });

  it('trains the same vocabulary section twice', async () => {
    const lines = ['merhaba dünya', 'çay şeker', 'İstanbul'];
    const first = trainCharVocab(await countCharacters(batchesOf(lines), 'none', { type: 'none' }), defaults);
    const second = trainCharVocab(await countCharacters(batchesOf([...lines]), 'none', { type: 'none' }), defaults);
    expect(Buffer.from(encodeVocabSection(first)).equals(Buffer.from(encodeVocabSection(second)))).toBe(true);
  });

  it('rejects an empty corpus', () => {
    expect(() => trainCharVocab(new CountTable({ unit: 'chars', normalizer: 'none', preTokenizer: { type: 'none' } }), defaults)).toThrow(/corpus is empty/);
  });
});

describe('CountTable', () => {
  it('merges counts made with the same settings', () => {
    const settings = { unit: 'chars', normalizer: 'none' as const, preTokenizer: { type: 'none' as const } };
    const a = new CountTable(settings);
    a.add('x', 2);
    const b = new CountTable(settings);
    b.add('x', 3);
    b.add('y');
    a.merge(b, 'b.counts');
    expect(a.counts.get('x')).toBe(5);
    expect(a.counts.get('y')).toBe(1);
  });

  it('rejects counts made with other settings', () => {
    const a = new CountTable({ unit: 'chars', normalizer: 'none', preTokenizer: { type: 'none' } });
    const b = new CountTable({ unit: 'chars', normalizer: 'nfkc', preTokenizer: { type: 'none' } });
    expect(() => a.merge(b, 'b.counts')).toThrow(/b.counts: counts were made with other settings/);
  });
});
