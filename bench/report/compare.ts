// CI mode: pairs a report with an earlier one by tokenizer and corpus name and computes each
// figure's change (current minus previous). It checks `--fail-on` thresholds such as `tokens>+1%`
// (relative) or `trPercent<-0.5` (absolute, so percentage points for percent keys).

import { readFileSync } from 'node:fs';
import { ToksmithError, UsageError } from '../../src/errors.js';
import { FIGURE_KEYS, figureInfo, type FigureKey } from '../metrics/keys.js';
import type { BenchReport } from '../runner.js';

/** The change of one figure of one tokenizer × corpus pair. */
export interface FigureChange {
  tokenizer: string;
  corpus: string;
  key: FigureKey;
  previous: number;
  current: number;
  /** current − previous, in the figure's unit (percentage points for percent keys). */
  change: number;
  /** 100 · change / |previous|; null when previous is 0 and current is not. */
  relativePercent: number | null;
}

export interface Comparison {
  previousFile: string;
  changes: FigureChange[];
  /** Pairs found in only one of the two reports, as `tokenizer × corpus`. */
  unmatchedPairs: string[];
}

/** A parsed `--fail-on` expression. */
export interface FailRule {
  expression: string;
  key: FigureKey;
  op: '>' | '<';
  threshold: number;
  relative: boolean;
}

/** A change that crossed a threshold. */
export interface Crossing {
  rule: FailRule;
  change: FigureChange;
}

const RULE = /^\s*([A-Za-z]+)\s*([<>])\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(%?)\s*$/;

/** Parses `KEY<op>N[%]`; throws a usage error for a malformed expression or an unknown key. */
export function parseFailOn(expression: string): FailRule {
  const match = RULE.exec(expression);
  if (match === null) {
    throw new UsageError(`--fail-on '${expression}': malformed threshold`, "write KEY>N or KEY<N with an optional sign and %, such as 'tokens>+1%' or 'trPercent<-0.5'");
  }
  const [, key, op, number, percent] = match;
  if (figureInfo(key!) === undefined) {
    throw new UsageError(`--fail-on '${expression}': unknown figure key '${key}'`, `use one of: ${FIGURE_KEYS.join(', ')}`);
  }
  return { expression, key: key as FigureKey, op: op as '>' | '<', threshold: Number(number), relative: percent === '%' };
}

/** Reads an earlier JSON report; throws a one-line error naming `--compare-to` when it is not one. */
export function readPreviousReport(path: string): BenchReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ToksmithError(`--compare-to ${path}: ${missing ? 'file not found' : `cannot read: ${(error as Error).message}`}`, {
      hint: 'pass a report written by toksmith bench --format json',
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ToksmithError(`--compare-to ${path}: invalid JSON (${(error as Error).message})`, { hint: 'pass a report written by toksmith bench --format json', cause: error });
  }
  const results = (parsed as Partial<BenchReport> | null)?.results;
  if (!Array.isArray(results) || !results.every((pair) => typeof pair?.tokenizer === 'string' && typeof pair?.corpus === 'string' && typeof pair?.figures === 'object')) {
    throw new ToksmithError(`--compare-to ${path}: not a bench report (no results with tokenizer, corpus and figures)`, {
      hint: 'pass a report written by toksmith bench --format json',
    });
  }
  return parsed as BenchReport;
}

/** Pairs two reports by tokenizer and corpus name and lists the change of every shared figure. */
export function compareReports(current: BenchReport, previous: BenchReport, previousFile: string): Comparison {
  const pairName = (pair: { tokenizer: string; corpus: string }): string => `${pair.tokenizer} × ${pair.corpus}`;
  const earlier = new Map(previous.results.map((pair) => [pairName(pair), pair]));
  const changes: FigureChange[] = [];
  const unmatchedPairs: string[] = [];
  const matched = new Set<string>();
  for (const pair of current.results) {
    const before = earlier.get(pairName(pair));
    if (before === undefined) {
      unmatchedPairs.push(pairName(pair));
      continue;
    }
    matched.add(pairName(pair));
    for (const key of FIGURE_KEYS) {
      const now = pair.figures[key];
      const then = before.figures[key];
      if (typeof now !== 'number' || typeof then !== 'number') continue;
      const change = now - then;
      let relativePercent: number | null = (100 * change) / Math.abs(then);
      if (then === 0) relativePercent = change === 0 ? 0 : null;
      changes.push({ tokenizer: pair.tokenizer, corpus: pair.corpus, key, previous: then, current: now, change, relativePercent });
    }
  }
  for (const name of earlier.keys()) if (!matched.has(name)) unmatchedPairs.push(name);
  return { previousFile, changes, unmatchedPairs };
}

/** Returns true when `change` crosses the rule's threshold. */
export function crosses(rule: FailRule, change: FigureChange): boolean {
  let value: number;
  if (rule.relative) {
    // From zero any change is an infinite relative change in its direction.
    value = change.relativePercent ?? (change.change > 0 ? Infinity : -Infinity);
  } else {
    value = change.change;
  }
  return rule.op === '>' ? value > rule.threshold : value < rule.threshold;
}

/**
 * Checks every rule against the changes. Throws a one-line error when a rule's figure is in no
 * pair of both reports, since such a rule could never fail.
 */
export function findCrossings(comparison: Comparison, rules: readonly FailRule[]): Crossing[] {
  const crossings: Crossing[] = [];
  for (const rule of rules) {
    const relevant = comparison.changes.filter((change) => change.key === rule.key);
    if (relevant.length === 0) {
      throw new ToksmithError(`--fail-on '${rule.expression}': no tokenizer × corpus pair has ${rule.key} in both this run and ${comparison.previousFile}`, {
        hint: rule.key.startsWith('tr') || rule.key.startsWith('pure') ? 'pass --lang tr or --words/--morphemes in both runs' : 'check that both runs use the same tokenizer and corpus names and options',
      });
    }
    for (const change of relevant) if (crosses(rule, change)) crossings.push({ rule, change });
  }
  return crossings;
}

/** Describes a crossing in one line, naming the pair, the figure and both values. */
export function describeCrossing(crossing: Crossing): string {
  const { rule, change } = crossing;
  const relative = change.relativePercent === null ? 'from 0' : `${change.relativePercent >= 0 ? '+' : ''}${change.relativePercent.toFixed(2)}%`;
  const absolute = `${change.change >= 0 ? '+' : ''}${Number(change.change.toPrecision(6))}`;
  const previous = Number(change.previous.toPrecision(6));
  const current = Number(change.current.toPrecision(6));
  return `${change.tokenizer} × ${change.corpus}: ${change.key} ${previous} → ${current} (${rule.relative ? relative : absolute}) crosses '${rule.expression}'`;
}
