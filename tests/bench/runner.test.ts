import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/runner.js';
import { SortedStrings } from '../../bench/sorted-strings.js';
import { streamSource } from '../../src/corpus.js';
import { silentProgress } from '../../src/progress.js';
import type { LoadedTokenizer } from '../../src/tokenizer-loader.js';

/**
 * Builds a hand-made tokenizer: one id per character of a fixed alphabet and id 0 as a special it adds
 * at the start of every text (like BOS), so every figure can be worked out by hand.
 */
function letterTokenizer(name: string, alphabet: string): LoadedTokenizer {
  const letters = ['<s>', ...alphabet];
  const idOf = new Map(letters.map((letter, id) => [letter, id]));
  const utf8 = new TextEncoder();
  return {
    name,
    file: `${name}.test`,
    vocabSize: letters.length,
    vocabSizeNoSpecials: letters.length - 1,
    encode: (text) => [0, ...[...text].map((letter) => idOf.get(letter) ?? idOf.get('?')!)],
    decode: (ids) => utf8.encode(ids.map((id) => (id === 0 ? '' : letters[id]!)).join('')),
    tokenText: (id) => (id === 0 ? '<s>' : letters[id]!),
    isSpecial: (id) => id === 0,
    pieceByteLength: (id) => (id === 0 ? 0 : utf8.encode(letters[id]!).length),
  };
}

function corpus(name: string, text: string) {
  return { name, sources: [streamSource(name, (async function* () { yield new TextEncoder().encode(text); })())] };
}

describe('runBench', () => {
  it('computes corpus figures for a hand-made tokenizer', async () => {
    // Lines "ab a" and "b?": 6 chars, 3 words, 6 tokens without the two BOS ids.
    const tokenizer = letterTokenizer('letters', 'ab ?');
    const report = await runBench([tokenizer], [corpus('tiny', 'ab a\nb?\n')], [], {}, silentProgress);
    const figures = report.results[0]!.figures;
    expect(report.corpora[0]).toMatchObject({ documents: 2, chars: 6, bytes: 6, words: 3 });
    expect(figures.tokens).toBe(6);
    expect(figures.tokensPerChar).toBe(1);
    expect(figures.fertility).toBe(2);
    // "ab" and "b?" are split in two tokens, "a" is not.
    expect(figures.continuedWordRate).toBeCloseTo(2 / 3, 12);
    expect(figures.uniqueTokens).toBe(4);
    expect(figures.vocabUtilization).toBe(0.8);
    expect(figures.roundTripFailures).toBe(0);
    expect(figures.trPercent).toBeUndefined();
  });

  it('encodes whole files in document mode', async () => {
    // One document "ab a\nb?\n": 8 chars with both line feeds, 3 words.
    const report = await runBench([letterTokenizer('letters', 'ab ?\n')], [corpus('tiny', 'ab a\nb?\n')], [], { document: true }, silentProgress);
    expect(report.settings.mode).toBe('document');
    expect(report.corpora[0]).toMatchObject({ documents: 1, chars: 8, bytes: 8, words: 3 });
    expect(report.results[0]!.figures.tokens).toBe(8);
    expect(report.results[0]!.figures.roundTripFailures).toBe(0);
  });

  it('counts specials with countSpecials', async () => {
    const report = await runBench([letterTokenizer('letters', 'ab ?')], [corpus('tiny', 'ab a\nb?\n')], [], { countSpecials: true }, silentProgress);
    expect(report.results[0]!.figures.tokens).toBe(8);
  });

  it('lists round-trip failures with the first differing byte', async () => {
    // "c" is not in the alphabet, so it decodes as "?".
    const report = await runBench([letterTokenizer('letters', 'ab ?')], [corpus('tiny', 'ab\nacb\n')], [], {}, silentProgress);
    expect(report.results[0]!.figures.roundTripFailures).toBe(1);
    expect(report.results[0]!.roundTripFailureList).toEqual([{ source: 'tiny', line: 2, byteOffset: 1 }]);
  });

  it('computes %TR and %Pure with a lexicon', async () => {
    // Keys: a, b; "a" is a word, "b" is nothing.
    const lexicon = { words: new SortedStrings(['a']), morphemes: new SortedStrings([]), caseSensitive: false, sources: [] };
    const report = await runBench([letterTokenizer('letters', 'ab ')], [corpus('tiny', 'ab a\n')], [], { lexicon }, silentProgress);
    expect(report.results[0]!.figures).toMatchObject({ trPercent: 50, purePercent: 0, trPercentTokens: (100 * 2) / 3, purePercentTokens: 0 });
  });

  it('reports term lists and baseline gains', async () => {
    const short = letterTokenizer('short', 'ab');
    const report = await runBench([short, { ...letterTokenizer('long', 'ab'), encode: (text) => [...short.encode(text), ...short.encode(text).slice(1)] }], [], [{ name: 'terms', file: 't', terms: ['ab', 'a'] }], { baselineTokenizer: 'long' }, silentProgress);
    const [shortPair, longPair] = report.results;
    expect(shortPair!.figures.termTokensMean).toBe(1.5);
    expect(longPair!.figures.termTokensMean).toBe(3);
    expect(shortPair!.figures.fewerTokensPercent).toBe(50);
    expect(shortPair!.figures.efficiencyGainPercent).toBe(100);
    expect(longPair!.figures.fewerTokensPercent).toBe(0);
  });
});
