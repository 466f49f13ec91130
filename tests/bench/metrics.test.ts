import { describe, expect, it } from 'vitest';
import { efficiencyGainPercent, fewerTokensPercent } from '../../bench/metrics/baseline.js';
import { continuedWordCount, continuedWordRate } from '../../bench/metrics/continued-word-rate.js';
import { fertility } from '../../bench/metrics/fertility.js';
import { renyiEfficiency } from '../../bench/metrics/renyi-efficiency.js';
import { firstDifferingByte } from '../../bench/metrics/round-trip.js';
import { termTokensMean } from '../../bench/metrics/term-tokens.js';
import { countCodePoints, wordByteSpans } from '../../bench/metrics/text-counts.js';
import { encodeMBps } from '../../bench/metrics/throughput.js';
import { bytesPerToken, charsPerToken } from '../../bench/metrics/token-size.js';
import { meanTokensPerChar, tokensPerChar } from '../../bench/metrics/tokens-per-char.js';
import { countValidKeys, isNonAlphabetic, keysOf, trPurePercents, type KeyLexicon } from '../../bench/metrics/tr-pure.js';
import { vocabUtilization } from '../../bench/metrics/vocab-utilization.js';

describe('text counts', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(countCodePoints('aİ😀')).toBe(3);
  });

  it('finds word byte spans split on Unicode white space', () => {
    // "ç" is two bytes; U+00A0 (no-break space) separates words too.
    expect(wordByteSpans('ab  çd\u00a0e')).toEqual([0, 2, 4, 7, 9, 10]);
  });

  it('ignores U+FEFF as a separator', () => {
    expect(wordByteSpans('a\uFEFFb')).toEqual([0, 5]);
  });
});

describe('compression figures', () => {
  it('computes tokens per char and the KL3M mean', () => {
    expect(tokensPerChar(5, 10)).toBe(0.5);
    expect(tokensPerChar(5, 0)).toBeUndefined();
    expect(meanTokensPerChar([0.5, 0.25])).toBe(0.375);
  });

  it('computes baseline gains on totals', () => {
    // 75 tokens against a baseline of 100: 25% fewer; TPC 0.2 against 0.25: 25% more efficient.
    expect(fewerTokensPercent(75, 100)).toBeCloseTo(25, 12);
    expect(efficiencyGainPercent(0.2, 0.25)).toBeCloseTo(25, 12);
    expect(fewerTokensPercent(10, 0)).toBeUndefined();
  });

  it('computes token size, fertility, utilisation and throughput', () => {
    expect(bytesPerToken(12, 4)).toBe(3);
    expect(charsPerToken(10, 4)).toBe(2.5);
    expect(fertility(9, 3)).toBe(3);
    expect(fertility(9, 0)).toBeUndefined();
    expect(vocabUtilization(3, 12)).toBe(0.25);
    expect(encodeMBps(2_000_000, 4)).toBe(0.5);
    expect(termTokensMean([1, 2, 3])).toBe(2);
  });
});

describe('continuedWordCount', () => {
  // Text "ab cd": words at bytes [0, 2) and [3, 5).
  const words = [0, 2, 3, 5];

  it('counts a word split into two tokens', () => {
    expect(continuedWordCount(words, [0, 1, 1, 3, 3, 5])).toBe(1);
  });

  it('counts a token spanning two words once per word', () => {
    expect(continuedWordCount(words, [0, 5])).toBe(0);
    expect(continuedWordCount(words, [0, 4, 4, 5])).toBe(1);
  });

  it('ignores tokens that cover no byte', () => {
    expect(continuedWordCount(words, [0, 0, 0, 2, 2, 2, 3, 5])).toBe(0);
  });

  it('returns the share of continued words', () => {
    expect(continuedWordRate(1, 4)).toBe(0.25);
    expect(continuedWordRate(0, 0)).toBeUndefined();
  });
});

describe('renyiEfficiency', () => {
  it('gives log k / log |V| for a uniform distribution over k ids', () => {
    expect(renyiEfficiency([1, 1], 4)).toBeCloseTo(0.5, 12);
    expect(renyiEfficiency([5, 5], 4, 1)).toBeCloseTo(0.5, 12);
  });

  it('matches a hand-computed order-2 value', () => {
    // p = (0.75, 0.25): H_2 = -ln(0.625) = 0.470004; divided by ln 2 = 0.678072.
    expect(renyiEfficiency([3, 1, 0], 2, 2)).toBeCloseTo(0.678072, 6);
  });

  it('is undefined without tokens', () => {
    expect(renyiEfficiency([0, 0], 4)).toBeUndefined();
  });
});

describe('firstDifferingByte', () => {
  it('finds the first difference or a length mismatch', () => {
    expect(firstDifferingByte(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(-1);
    expect(firstDifferingByte(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 9, 3))).toBe(1);
    expect(firstDifferingByte(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(2);
  });
});

describe('keysOf', () => {
  it('splits on whitespace and drops whitespace-only tokens', () => {
    expect(keysOf(' Risk')).toEqual(['Risk']);
    expect(keysOf('a b')).toEqual(['a', 'b']);
    expect(keysOf(' \t')).toEqual([]);
  });

  it('strips word-boundary markers', () => {
    expect(keysOf('\u2581ev')).toEqual(['ev']);
    expect(keysOf('\u0120ev')).toEqual(['ev']);
    expect(keysOf('##ler')).toEqual(['ler']);
  });

  it('classifies keys without letters', () => {
    expect(isNonAlphabetic('12.')).toBe(true);
    expect(isNonAlphabetic('ş1')).toBe(false);
  });
});

describe('countValidKeys', () => {
  const lexicon: KeyLexicon = { words: new Set(['risk', 'ışık', 'istanbul']), morphemes: new Set(['ler']), caseSensitive: false };
  // Distinct decoded tokens with occurrence counts.
  const tokens: [string, number][] = [
    [' Risk', 3],
    ['Risk', 1],
    ['ler', 2],
    [' ', 5],
    ['xq', 1],
    ['.', 1],
  ];

  it('computes %TR and %Pure over distinct whitespace-split keys', () => {
    // Keys: Risk, ler, xq, "." (" Risk" and "Risk" collapse; " " has no key).
    const counts = countValidKeys(tokens, lexicon, false);
    expect(counts.keys).toBe(4);
    expect(counts.trKeys).toBe(2);
    expect(counts.pureKeys).toBe(1);
    const percents = trPurePercents(counts);
    expect(percents.trPercent).toBe(50);
    expect(percents.purePercent).toBe(25);
  });

  it('weights keys by token occurrences', () => {
    // Occurrences: Risk 3 + 1, ler 2, xq 1, "." 1 = 8; valid for %TR 6, for %Pure 2.
    const percents = trPurePercents(countValidKeys(tokens, lexicon, false));
    expect(percents.trPercentTokens).toBe(75);
    expect(percents.purePercentTokens).toBe(25);
  });

  it('drops keys without letters with excludeNonalpha', () => {
    const percents = trPurePercents(countValidKeys(tokens, lexicon, true));
    expect(percents.trPercent).toBeCloseTo(200 / 3, 12);
    expect(percents.trPercentTokens).toBeCloseTo(600 / 7, 12);
  });

  it('lower-cases keys the Turkish way', () => {
    const counts = countValidKeys([['IŞIK', 1], ['İstanbul', 1]], lexicon, false);
    expect(counts.trKeys).toBe(2);
  });

  it('compares as written when case-sensitive', () => {
    const counts = countValidKeys([['IŞIK', 1], ['ışık', 1]], { ...lexicon, caseSensitive: true }, false);
    expect(counts.keys).toBe(2);
    expect(counts.trKeys).toBe(1);
  });

  it('returns no percentages without keys', () => {
    expect(trPurePercents(countValidKeys([[' ', 3]], lexicon, false))).toEqual({});
  });
});
