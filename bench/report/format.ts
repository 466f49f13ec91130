// Number formatting and best-value selection shared by the terminal and Markdown writers.

import { isAbsolute, relative } from 'node:path';
import { FIGURES, type FigureInfo, type FigureKey } from '../metrics/keys.js';
import type { BenchReport, CorpusSummary, PairResult } from '../runner.js';

/** Formats a figure for a table: grouped integers, fixed decimals otherwise. */
export function formatFigure(info: FigureInfo, value: number | undefined): string {
  if (value === undefined) return '–';
  if (info.digits === 0) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(info.digits);
}

/** Formats a signed change, with the relative change in brackets when it is known. */
export function formatChange(info: FigureInfo, change: number, relativePercent: number | null): string {
  const sign = signOf(change);
  const magnitude = formatFigure(info, Math.abs(change));
  const unit = info.percent ? ' pp' : '';
  if (relativePercent === null) return `${sign}${magnitude}${unit} (new)`;
  if (info.percent) return `${sign}${magnitude}${unit}`;
  return `${sign}${magnitude} (${signOf(relativePercent)}${Math.abs(relativePercent).toFixed(2)}%)`;
}

function signOf(value: number): string {
  if (value > 0) return '+';
  if (value < 0) return '−';
  return '±';
}

/** Returns the indices of the best values of a row (ties all win), or none when nothing ranks. */
export function bestIndices(info: FigureInfo, values: readonly (number | undefined)[]): Set<number> {
  const present = values.filter((value): value is number => value !== undefined);
  if (info.better === 'none' || present.length < 2) return new Set();
  const best = info.better === 'higher' ? Math.max(...present) : Math.min(...present);
  if (present.every((value) => value === best)) return new Set();
  const indices = new Set<number>();
  values.forEach((value, index) => {
    if (value === best) indices.add(index);
  });
  return indices;
}

/** One corpus with its pairs in tokenizer order, and the figures that any pair has. */
export interface CorpusSection {
  corpus: CorpusSummary;
  pairs: PairResult[];
  figures: FigureInfo[];
}

/** Groups the results by corpus, in report order, keeping only figures some pair reports. */
export function sectionsOf(report: BenchReport): CorpusSection[] {
  return report.corpora.map((corpus) => {
    const pairs = report.tokenizers
      .map((tokenizer) => report.results.find((pair) => pair.corpus === corpus.name && pair.tokenizer === tokenizer.name))
      .filter((pair): pair is PairResult => pair !== undefined);
    const figures = FIGURES.filter((info) => pairs.some((pair) => pair.figures[info.key] !== undefined));
    return { corpus, pairs, figures };
  });
}

/** Describes what a corpus or term list holds, for section titles. */
export function describeCorpus(corpus: CorpusSummary, mode: 'line' | 'document'): string {
  if (corpus.kind === 'terms') return `terms ${corpus.name}: ${corpus.documents.toLocaleString('en-US')} terms, ${corpus.chars.toLocaleString('en-US')} chars`;
  const unit = mode === 'line' ? 'lines' : 'documents';
  return (
    `corpus ${corpus.name}: ${corpus.documents.toLocaleString('en-US')} ${unit}, ${corpus.chars.toLocaleString('en-US')} chars, ` +
    `${corpus.bytes.toLocaleString('en-US')} bytes, ${corpus.words.toLocaleString('en-US')} words`
  );
}

/** Describes the word and morpheme lists of a report, one line each. */
export function describeLexicons(report: BenchReport): string[] {
  return report.lexicons.map(
    (source) => `${source.kind} list ${displayPath(source.file)}${source.column === undefined ? '' : `:${source.column}`}: ${source.entries.toLocaleString('en-US')} entries`,
  );
}

/** Shows a path relative to the working folder when it lies inside it, as given otherwise. */
function displayPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return isAbsolute(path) && relativePath !== '' && !relativePath.startsWith('..') && !isAbsolute(relativePath) ? relativePath : path;
}

/** Lists the pairs with round-trip failures, with where the first listed failures are. */
export function describeRoundTripFailures(report: BenchReport, perPair = 5): string[] {
  const lines: string[] = [];
  for (const pair of report.results) {
    const count = pair.figures.roundTripFailures ?? 0;
    if (count === 0) continue;
    const places = (pair.roundTripFailureList ?? [])
      .slice(0, perPair)
      .map((failure) => `${failure.source}${failure.line === undefined ? '' : `:${failure.line}`} at byte ${failure.byteOffset}`);
    lines.push(`${pair.tokenizer} on ${pair.corpus}: ${count} documents differ after decoding (first: ${places.join('; ')})`);
  }
  return lines;
}

export type { FigureKey };
