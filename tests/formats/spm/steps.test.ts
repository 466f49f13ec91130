import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySpmWhitespace, normalizeSpmWhitespace, type SpmWhitespaceOptions } from '../../../src/formats/spm/steps.js';

const OPTION_SETS: SpmWhitespaceOptions[] = [];
for (let bits = 0; bits < 16; bits++) {
  OPTION_SETS.push({
    addDummyPrefix: (bits & 1) !== 0,
    removeExtraWhitespaces: (bits & 2) !== 0,
    escapeWhitespaces: (bits & 4) !== 0,
    treatWhitespaceAsSuffix: (bits & 8) !== 0,
  });
}

describe('spm-whitespace step', () => {
  it('fast text equals the aligned reference', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\u2581', '\t', 'é') });
    fc.assert(
      fc.property(text, fc.constantFrom(...OPTION_SETS), (input, options) => {
        expect(normalizeSpmWhitespace(input, options)).toBe(applySpmWhitespace(input, options).text);
      }),
    );
  });

  it('follows SentencePiece defaults', () => {
    const defaults = OPTION_SETS[7]!;
    expect(applySpmWhitespace('  Hello   world  ', defaults).text).toBe('\u2581Hello\u2581world');
    expect(applySpmWhitespace('x\u2581', defaults).text).toBe('\u2581x');
    expect(applySpmWhitespace('   ', defaults).text).toBe('');
  });

  it('maps each unit to its origin', () => {
    const { text, origins } = applySpmWhitespace('  ab  c', OPTION_SETS[7]!);
    expect(text).toBe('\u2581ab\u2581c');
    expect([...origins]).toEqual([2, 2, 3, 4, 6, 7]);
  });
});
