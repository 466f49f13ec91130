import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../bench/report/html.js';
import type { BenchReport } from '../../bench/runner.js';

function sampleReport(): BenchReport {
  const pair = (tokenizer: string, corpus: string, tokensPerChar: number, trPercent: number) => ({
    tokenizer,
    corpus,
    figures: { tokens: Math.round(tokensPerChar * 1000), tokensPerChar, trPercent, purePercent: trPercent / 2, roundTripFailures: 0 },
  });
  return {
    toksmithVersion: '0.1.0',
    createdAt: '2026-12-04T00:00:00.000Z',
    settings: { mode: 'line', countSpecials: false, excludeNonalpha: false, caseSensitive: false, renyiAlpha: 2.5 },
    notes: ['Keys are whitespace-split decoded tokens <b>'],
    lexicons: [],
    termLists: [],
    tokenizers: [
      { name: 'char', file: 'char.tok', vocabSize: 300, vocabSizeNoSpecials: 299 },
      { name: 'bpe <8k>', file: 'bpe.tok', vocabSize: 8000, vocabSizeNoSpecials: 8000 },
    ],
    corpora: [{ name: 'tr', kind: 'corpus', files: [{ file: 'tr.txt', bytes: 1000 }], documents: 10, chars: 1000, bytes: 1100, words: 150 }],
    results: [pair('char', 'tr', 1.0, 10), pair('bpe <8k>', 'tr', 0.3, 55)],
    summary: [],
  } as BenchReport;
}

describe('HTML report', () => {
  const html = renderHtmlReport({
    report: sampleReport(),
    tokenLengths: [
      { tokenizer: 'char', counts: [[1, 40]] },
      { tokenizer: 'bpe <8k>', counts: [[1, 100], [2, 300], [5, 50], [30, 2]] },
    ],
  });

  it('contains every required chart', () => {
    for (const id of ['chart-tokens-per-char', 'chart-tr-pure', 'chart-token-length']) expect(html).toContain(`id="${id}"`);
    expect(html).not.toContain('id="chart-change"');
  });

  it('loads nothing from outside the file', () => {
    const urls = html.match(/(?:src|href)\s*=|url\(|@import|https?:\/\/[^"]*/g) ?? [];
    expect(urls.filter((url) => url !== 'http://www.w3.org/2000/svg')).toEqual([]);
  });

  it('escapes names and notes', () => {
    expect(html).toContain('bpe &lt;8k&gt;');
    expect(html).toContain('tokens &lt;b&gt;');
    expect(html).not.toContain('<b>');
  });

  it('marks the best value of a row', () => {
    expect(html).toMatch(/<td class="best">0\.3000<\/td>/);
  });

  it('adds the change chart with a comparison', () => {
    const withChange = renderHtmlReport({
      report: sampleReport(),
      tokenLengths: [],
      comparison: {
        previousFile: 'previous.json',
        unmatchedPairs: [],
        changes: [{ tokenizer: 'char', corpus: 'tr', key: 'tokens', previous: 900, current: 1000, change: 100, relativePercent: 11.1 }],
      },
    });
    expect(withChange).toContain('id="chart-change"');
  });
});
