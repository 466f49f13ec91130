import { describe, expect, it } from 'vitest';
import { compareReports, crosses, findCrossings, parseFailOn, type FigureChange } from '../../bench/report/compare.js';
import type { BenchReport } from '../../bench/runner.js';
import { ToksmithError, UsageError } from '../../src/errors.js';

function reportWith(results: BenchReport['results']): BenchReport {
  return {
    toksmithVersion: 'test',
    createdAt: '',
    settings: { mode: 'line', countSpecials: false, excludeNonalpha: false, caseSensitive: false, renyiAlpha: 2.5 },
    notes: [],
    lexicons: [],
    termLists: [],
    tokenizers: [],
    corpora: [],
    results,
    summary: [],
  };
}

function change(key: FigureChange['key'], previous: number, current: number): FigureChange {
  const delta = current - previous;
  let relativePercent: number | null = (100 * delta) / previous;
  if (previous === 0) relativePercent = delta === 0 ? 0 : null;
  return { tokenizer: 't', corpus: 'c', key, previous, current, change: delta, relativePercent };
}

describe('parseFailOn', () => {
  it('parses relative and absolute thresholds with signs', () => {
    expect(parseFailOn('tokens>+1%')).toMatchObject({ key: 'tokens', op: '>', threshold: 1, relative: true });
    expect(parseFailOn('trPercent<-0.5')).toMatchObject({ key: 'trPercent', op: '<', threshold: -0.5, relative: false });
  });

  it('rejects malformed expressions', () => {
    for (const expression of ['tokens>>1', 'tokens=1', 'tokens>', '>1', 'tokens>1%%']) {
      expect(() => parseFailOn(expression), expression).toThrow(UsageError);
    }
  });

  it('rejects unknown keys', () => {
    expect(() => parseFailOn('tokenCount>1')).toThrow(/unknown figure key 'tokenCount'/);
  });
});

describe('crosses', () => {
  it('checks relative changes', () => {
    const rule = parseFailOn('tokens>+1%');
    expect(crosses(rule, change('tokens', 1000, 1011))).toBe(true);
    expect(crosses(rule, change('tokens', 1000, 1010))).toBe(false);
  });

  it('checks absolute changes in percentage points', () => {
    const rule = parseFailOn('trPercent<-0.5');
    expect(crosses(rule, change('trPercent', 40, 39.4))).toBe(true);
    expect(crosses(rule, change('trPercent', 40, 39.6))).toBe(false);
  });

  it('treats a rise from zero as infinite relative growth', () => {
    expect(crosses(parseFailOn('roundTripFailures>+50%'), change('roundTripFailures', 0, 1))).toBe(true);
  });
});

describe('compareReports', () => {
  const previous = reportWith([{ tokenizer: 'a', corpus: 'c', figures: { tokens: 100, trPercent: 40 } }, { tokenizer: 'gone', corpus: 'c', figures: { tokens: 1 } }]);
  const current = reportWith([{ tokenizer: 'a', corpus: 'c', figures: { tokens: 110, trPercent: 40 } }, { tokenizer: 'new', corpus: 'c', figures: { tokens: 1 } }]);

  it('pairs results by tokenizer and corpus name', () => {
    const comparison = compareReports(current, previous, 'prev.json');
    expect(comparison.changes.map((item) => [item.key, item.change, item.relativePercent])).toEqual([
      ['tokens', 10, 10],
      ['trPercent', 0, 0],
    ]);
    expect(comparison.unmatchedPairs).toEqual(['new × c', 'gone × c']);
  });

  it('lists each crossing with its pair', () => {
    const crossings = findCrossings(compareReports(current, previous, 'prev.json'), [parseFailOn('tokens>+5%')]);
    expect(crossings).toHaveLength(1);
    expect(crossings[0]!.change.tokenizer).toBe('a');
  });

  it('rejects a rule whose figure neither run has', () => {
    expect(() => findCrossings(compareReports(current, previous, 'prev.json'), [parseFailOn('purePercent<-1')])).toThrow(ToksmithError);
  });
});
