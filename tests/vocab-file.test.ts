import { describe, expect, it } from 'vitest';
import { deserializeVocab, serializeVocab, vocabSectionOf } from '../src/vocab-file.js';
import { PieceKind, type Vocab } from '../src/vocab.js';

const utf8 = new TextEncoder();

function sampleVocab(): Vocab {
  return {
    algorithm: 'bpe',
    pieces: ['<unk>', 'a', 'b', 'ab', 'çay', ''].map((piece) => utf8.encode(piece)),
    kinds: Uint8Array.of(PieceKind.unknown, PieceKind.normal, PieceKind.normal, PieceKind.normal, PieceKind.normal, PieceKind.normal),
    scores: Float64Array.of(0, -1.5, -2.25, -0.125, -3, -Infinity),
    merges: Int32Array.of(1, 2),
    normalizer: 'nfkc',
    preTokenizer: { type: 'metaspace', prefixSpace: true },
    defaultMethod: 'merges',
    provenance: { command: 'toksmith train', corpus: [{ file: 'a.txt', bytes: 3, sha256: 'ab' }], createdAt: '2026-01-01T00:00:00Z', toksmithVersion: '0.1.0' },
  };
}

describe('vocab file', () => {
  it('round-trips every field', () => {
    const vocab = sampleVocab();
    const loaded = deserializeVocab(serializeVocab(vocab), 'test.tok');
    expect(loaded.algorithm).toBe('bpe');
    expect(loaded.pieces.map((piece) => Buffer.from(piece).toString())).toEqual(['<unk>', 'a', 'b', 'ab', 'çay', '']);
    expect(Array.from(loaded.kinds)).toEqual(Array.from(vocab.kinds));
    expect(Array.from(loaded.scores!)).toEqual(Array.from(vocab.scores!));
    expect(Array.from(loaded.merges!)).toEqual([1, 2]);
    expect(loaded.normalizer).toBe('nfkc');
    expect(loaded.preTokenizer).toEqual({ type: 'metaspace', prefixSpace: true });
    expect(loaded.defaultMethod).toBe('merges');
    expect(loaded.provenance).toEqual(vocab.provenance);
  });

  it('keeps the vocabulary section independent of provenance', () => {
    const first = sampleVocab();
    const second = sampleVocab();
    second.provenance = { ...second.provenance!, createdAt: '2027-05-05T00:00:00Z', command: 'other' };
    const a = serializeVocab(first);
    const b = serializeVocab(second);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(vocabSectionOf(a)).equals(Buffer.from(vocabSectionOf(b)))).toBe(true);
  });

  it('rejects a foreign file', () => {
    expect(() => deserializeVocab(utf8.encode('{"model": {}}'), 'tokenizer.json')).toThrow(/tokenizer.json: not a toksmith vocabulary file/);
  });

  it('rejects a truncated file', () => {
    const file = serializeVocab(sampleVocab());
    expect(() => deserializeVocab(file.subarray(0, file.length - 5), 'cut.tok')).toThrow(/cut.tok: truncated vocabulary file/);
    expect(() => deserializeVocab(file.subarray(0, 12), 'cut.tok')).toThrow(/cut.tok: truncated vocabulary file/);
  });

  it('rejects a corrupted byte', () => {
    const file = serializeVocab(sampleVocab());
    file[40] = file[40]! ^ 0xff;
    expect(() => deserializeVocab(file, 'bad.tok')).toThrow(/bad.tok: corrupt vocabulary file/);
  });

  it('rejects a newer format version', () => {
    const file = serializeVocab(sampleVocab());
    file[8] = 99;
    expect(() => deserializeVocab(file, 'new.tok')).toThrow(/format version 99 is newer/);
  });
});
