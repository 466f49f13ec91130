// Terminal report: one table per corpus with a row per figure and a column per tokenizer, the
// best value of each row highlighted. A table wider than the width limit (100 columns by
// default) is split into several tables with fewer tokenizer columns each.

import chalkDefault, { Chalk, type ChalkInstance } from 'chalk';
import { figureInfo, type FigureInfo, type FigureKey } from '../metrics/keys.js';
import type { BenchReport } from '../runner.js';
import type { Comparison, Crossing } from './compare.js';
import { describeCrossing } from './compare.js';
import { bestIndices, describeCorpus, describeLexicons, describeRoundTripFailures, formatChange, formatFigure, sectionsOf } from './format.js';

export interface TableOptions {
  /** Maximum line width in columns. @default 100 */
  width?: number;
  /** Colour and bold: true forces them, false turns them off. @default on when chalk detects a colour terminal */
  color?: boolean;
  /** Rows to show, in display order. @default every figure that some pair reports */
  figures?: readonly FigureKey[];
  /** Leave out the settings notes under the title. @default false */
  compact?: boolean;
}

let chalk: ChalkInstance = chalkDefault;

const GAP = 2;
const MAX_NAME = 18;

function count(value: number, singular: string, plural: string): string {
  return `${value} ${value === 1 ? singular : plural}`;
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

interface Grid {
  title: string;
  columns: string[];
  rows: { label: string; cells: string[]; best: Set<number> }[];
}

/** Splits a grid's columns into groups that fit `width`, and renders each group as a table. */
function renderGrid(grid: Grid, width: number): string[] {
  const labelWidth = Math.max(...grid.rows.map((row) => row.label.length), 6);
  const columnWidths = grid.columns.map((name, column) => Math.max(name.length, ...grid.rows.map((row) => row.cells[column]!.length)));
  const groups: number[][] = [];
  let group: number[] = [];
  let used = labelWidth;
  columnWidths.forEach((columnWidth, column) => {
    if (group.length > 0 && used + GAP + columnWidth > width) {
      groups.push(group);
      group = [];
      used = labelWidth;
    }
    group.push(column);
    used += GAP + columnWidth;
  });
  if (group.length > 0) groups.push(group);

  const blocks: string[] = [];
  groups.forEach((columns, index) => {
    const title = groups.length > 1 ? `${grid.title} (${index + 1}/${groups.length})` : grid.title;
    const lines = [chalk.bold(title)];
    const header = 'figure'.padEnd(labelWidth) + columns.map((column) => ' '.repeat(GAP) + grid.columns[column]!.padStart(columnWidths[column]!)).join('');
    lines.push(chalk.dim(header));
    for (const row of grid.rows) {
      let line = row.label.padEnd(labelWidth);
      for (const column of columns) {
        const cell = row.cells[column]!.padStart(columnWidths[column]!);
        line += ' '.repeat(GAP) + (row.best.has(column) ? chalk.green.bold(cell) : cell);
      }
      lines.push(line);
    }
    blocks.push(lines.join('\n'));
  });
  return blocks;
}

function figureGrid(title: string, names: string[], figures: FigureInfo[], valuesOf: (info: FigureInfo) => (number | undefined)[]): Grid {
  return {
    title,
    columns: names,
    rows: figures.map((info) => {
      const values = valuesOf(info);
      return { label: info.label, cells: values.map((value) => formatFigure(info, value)), best: bestIndices(info, values) };
    }),
  };
}

/** Renders the report (and, in CI mode, the changes and crossed thresholds) for a terminal. */
export function renderTerminalReport(report: BenchReport, comparison?: Comparison, crossings: readonly Crossing[] = [], options: TableOptions = {}): string {
  const width = options.width ?? 100;
  chalk = options.color === undefined ? chalkDefault : new Chalk({ level: options.color ? Math.max(1, chalkDefault.level) as 1 | 2 | 3 : 0 });
  const blocks: string[] = [];
  const corpusCount = report.corpora.filter((corpus) => corpus.kind === 'corpus').length;
  const header = [
    `${chalk.bold('toksmith bench')} ${report.toksmithVersion}: ${count(report.tokenizers.length, 'tokenizer', 'tokenizers')}, ` +
      `${count(corpusCount, 'corpus', 'corpora')}, ${count(report.corpora.length - corpusCount, 'term list', 'term lists')}`,
    ...describeLexicons(report),
    ...(options.compact ? [] : report.notes.map((note) => chalk.dim(`note: ${note}`))),
  ];
  blocks.push(header.join('\n'));

  for (const section of sectionsOf(report)) {
    const names = section.pairs.map((pair) => shorten(pair.tokenizer, MAX_NAME));
    const figures = options.figures === undefined ? section.figures : section.figures.filter((info) => options.figures!.includes(info.key));
    const grid = figureGrid(describeCorpus(section.corpus, report.settings.mode), names, figures, (info) => section.pairs.map((pair) => pair.figures[info.key]));
    blocks.push(...renderGrid(grid, width));
  }

  const means = report.summary.filter((entry) => entry.tokensPerCharMean !== undefined);
  if (means.length > 0 && report.corpora.filter((corpus) => corpus.kind === 'corpus').length > 1) {
    blocks.push(`KL3M average tokens per char (unweighted mean over corpora): ${means.map((entry) => `${entry.tokenizer} ${entry.tokensPerCharMean!.toFixed(4)}`).join(', ')}`);
  }
  const failures = describeRoundTripFailures(report);
  if (failures.length > 0) blocks.push(failures.map((line) => chalk.yellow(`round trip: ${line}`)).join('\n'));

  if (comparison !== undefined) blocks.push(...renderChanges(report, comparison, width), renderCrossings(comparison, crossings));
  return blocks.join('\n\n') + '\n';
}

function renderChanges(report: BenchReport, comparison: Comparison, width: number): string[] {
  const blocks: string[] = [];
  for (const corpus of report.corpora) {
    const changes = comparison.changes.filter((change) => change.corpus === corpus.name);
    if (changes.length === 0) continue;
    const tokenizers = report.tokenizers.map((tokenizer) => tokenizer.name).filter((name) => changes.some((change) => change.tokenizer === name));
    const keys = [...new Set(changes.map((change) => change.key))];
    const grid: Grid = {
      title: `change of ${corpus.name} since ${comparison.previousFile}`,
      columns: tokenizers.map((name) => shorten(name, MAX_NAME)),
      rows: keys.map((key) => {
        const info = figureInfo(key)!;
        const cells = tokenizers.map((name) => {
          const change = changes.find((candidate) => candidate.tokenizer === name && candidate.key === key);
          return change === undefined ? '–' : formatChange(info, change.change, change.relativePercent);
        });
        return { label: info.label, cells, best: new Set<number>() };
      }),
    };
    blocks.push(...renderGrid(grid, width));
  }
  if (comparison.unmatchedPairs.length > 0) blocks.push(chalk.yellow(`not in both reports: ${comparison.unmatchedPairs.join(', ')}`));
  return blocks;
}

function renderCrossings(comparison: Comparison, crossings: readonly Crossing[]): string {
  if (crossings.length === 0) return chalk.green(`no threshold crossed against ${comparison.previousFile}`);
  return crossings.map((crossing) => chalk.red(`threshold crossed: ${describeCrossing(crossing)}`)).join('\n');
}
