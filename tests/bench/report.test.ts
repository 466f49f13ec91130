import { describe, expect, it } from 'vitest';
import { renderCsvReport } from '../../bench/report/csv.js';
import { renderMarkdownReport } from '../../bench/report/markdown.js';
import { renderTerminalReport } from '../../bench/report/table.js';
import type { BenchReport } from '../../bench/runner.js';

const names = ['char', 'bpe-8k', 'bpe-32k', 'unigram-8k', 'unigram-32k', 'lib-8k', 'a-very-long-tokenizer-name-indeed', 'gpt2'];

function report(): BenchReport {
  return {
    toksmithVersion: 'test',
    createdAt: '',
    settings: { mode: 'line', countSpecials: false, excludeNonalpha: false, caseSensitive: false, renyiAlpha: 2.5 },
    notes: ['documents: each line encoded alone'],
    lexicons: [],
    termLists: [],
    tokenizers: names.map((name) => ({ name, file: `${name}.tok`, vocabSize: 1000, vocabSizeNoSpecials: 1000 })),
    corpora: [{ name: 'tr, eval', kind: 'corpus', files: [], documents: 10, chars: 1000, bytes: 1100, words: 150 }],
    results: names.map((name, index) => ({
      tokenizer: name,
      corpus: 'tr, eval',
      figures: { tokens: 1_000_000 + index, tokensPerChar: 0.25 + index / 100, trPercent: 40 + index, roundTripFailures: 0 },
    })),
    summary: [],
  };
}

describe('renderTerminalReport', () => {
  it('fits 100 columns by splitting into several tables', () => {
    const text = renderTerminalReport(report(), undefined, [], { color: false });
    for (const line of text.split('\n').filter((line) => !line.startsWith('note:'))) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(text).toMatch(/\(1\/2\)/);
    expect(text).toMatch(/\(2\/2\)/);
  });

  it('highlights the best value of a row', () => {
    const text = renderTerminalReport(report(), undefined, [], { color: true, figures: ['tokens'] });
    // The lowest token count (the first tokenizer's) is the only bold green cell.
    expect(text.match(/\x1b\[1m\x1b\[32m|\x1b\[32m\x1b\[1m/g)).toHaveLength(1);
    expect(text).toMatch(/1,000,000/);
  });
});

describe('renderMarkdownReport', () => {
  it('bolds the best value and names each key', () => {
    const text = renderMarkdownReport(report());
    expect(text).toContain('| tokens (`tokens`) | **1,000,000** | 1,000,001 |');
    expect(text).toContain('| %TR (`trPercent`) | 40.00 |');
    expect(text).toContain('**47.00** |');
  });
});

describe('renderCsvReport', () => {
  it('writes one row per pair and quotes commas', () => {
    const lines = renderCsvReport(report()).trim().split('\n');
    expect(lines).toHaveLength(names.length + 1);
    expect(lines[0]!.startsWith('tokenizer,corpus,kind,vocabSize,')).toBe(true);
    expect(lines[1]!.startsWith('char,"tr, eval",corpus,,,1000000,0.25,')).toBe(true);
  });
});
