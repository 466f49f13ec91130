// JSON report: the whole report object, plus the comparison and crossed thresholds in CI mode.
// `--compare-to` reads this format back; figures sit under `results[].figures` by their keys.

import type { BenchReport } from '../runner.js';
import type { Comparison, Crossing } from './compare.js';

/** Renders the report as indented JSON; relative changes from zero are null. */
export function renderJsonReport(report: BenchReport, comparison?: Comparison, crossings: readonly Crossing[] = []): string {
  const document: Record<string, unknown> = { ...report };
  if (comparison !== undefined) {
    document.comparison = {
      ...comparison,
      crossed: crossings.map((crossing) => ({ expression: crossing.rule.expression, tokenizer: crossing.change.tokenizer, corpus: crossing.change.corpus, key: crossing.change.key })),
    };
  }
  return JSON.stringify(document, null, 2) + '\n';
}
