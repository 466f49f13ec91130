// CSV report: one row per tokenizer × corpus pair and one column per figure key, quoted as
// RFC 4180 specifies. A figure that does not apply is an empty cell.

import { FIGURE_KEYS } from '../metrics/keys.js';
import type { BenchReport } from '../runner.js';

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Renders the figures of every pair as CSV with a header line. */
export function renderCsvReport(report: BenchReport): string {
  const lines = [['tokenizer', 'corpus', 'kind', ...FIGURE_KEYS].join(',')];
  for (const pair of report.results) {
    const kind = report.corpora.find((corpus) => corpus.name === pair.corpus)?.kind ?? 'corpus';
    const cells = [pair.tokenizer, pair.corpus, kind, ...FIGURE_KEYS.map((key) => (pair.figures[key] === undefined ? '' : String(pair.figures[key])))];
    lines.push(cells.map(quote).join(','));
  }
  return lines.join('\n') + '\n';
}
