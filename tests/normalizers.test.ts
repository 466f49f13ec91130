import { describe, expect, it } from 'vitest';
import { createNormalizer, lowercaseCodePoints } from '../src/normalizers.js';

describe('lowercase normalizers', () => {
  it('lower-cases per code point without final sigma', () => {
    expect(lowercaseCodePoints('ΟΔΟΣ', false)).toBe('οδοσ');
    expect('ΟΔΟΣ'.toLowerCase()).toBe('οδος');
  });

  it('maps Turkish dotted and dotless I', () => {
    expect(lowercaseCodePoints('IİIı', true)).toBe('ıiıı');
    expect(lowercaseCodePoints('ISPARTA', true)).toBe('ısparta');
  });

  it('keeps the generic rule for İ', () => {
    expect(lowercaseCodePoints('İ', false)).toBe('i\u0307');
    expect(lowercaseCodePoints('I', false)).toBe('i');
  });

  it('leaves lower-case ASCII untouched', () => {
    const text = 'already lower 123 !?';
    expect(lowercaseCodePoints(text, true)).toBe(text);
  });
});

describe('Unicode normalizers', () => {
  it('composes with nfc', () => {
    expect(createNormalizer('nfc').normalize('e\u0301', false).text).toBe('é');
  });

  it('folds compatibility forms with nfkc', () => {
    expect(createNormalizer('nfkc').normalize('ﬁ①', false).text).toBe('fi1');
  });

  it('aligns each cluster to the original', () => {
    const { text, alignment } = createNormalizer('nfkc').normalize('aﬁe\u0301', true);
    expect(text).toBe('afié');
    expect(alignment).toBeDefined();
    expect(Array.from(alignment!.normStart)).toEqual([0, 1, 3]);
    expect(Array.from(alignment!.origStart)).toEqual([0, 1, 2]);
    expect(Array.from(alignment!.origEnd)).toEqual([1, 2, 4]);
  });

  it('rejects an unknown name', () => {
    expect(() => createNormalizer('nfx')).toThrow(/unknown normalizer 'nfx'/);
  });
});
