// Markdown report, fit for a CI job summary or bench/RESULTS.md: one table per corpus (figures
// by tokenizer, best value in bold), then the changes since an earlier report and the
// thresholds, when comparing.

import { figureInfo } from '../metrics/keys.js';
import type { BenchReport } from '../runner.js';
import { describeCrossing, type Comparison, type Crossing } from './compare.js';
import { bestIndices, describeCorpus, describeLexicons, describeRoundTripFailures, formatChange, formatFigure, sectionsOf } from './format.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function tableRow(cells: string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

/** Renders the report as Markdown; `headingLevel` sets the level of section headings. */
export function renderMarkdownReport(report: BenchReport, comparison?: Comparison, crossings: readonly Crossing[] = [], headingLevel = 3): string {
  const heading = '#'.repeat(headingLevel);
  const lines: string[] = [];
  if (comparison !== undefined) {
    lines.push(crossings.length === 0 ? `**Bench: no threshold crossed** against \`${comparison.previousFile}\`.` : `**Bench: ${crossings.length} thresholds crossed** against \`${comparison.previousFile}\`:`);
    for (const crossing of crossings) lines.push(`- ${describeCrossing(crossing)}`);
    lines.push('');
  }
  for (const section of sectionsOf(report)) {
    lines.push(`${heading} ${describeCorpus(section.corpus, report.settings.mode)}`, '');
    lines.push(tableRow(['figure', ...section.pairs.map((pair) => pair.tokenizer)]));
    lines.push(tableRow(['---', ...section.pairs.map(() => '---:')]));
    for (const info of section.figures) {
      const values = section.pairs.map((pair) => pair.figures[info.key]);
      const best = bestIndices(info, values);
      lines.push(tableRow([`${info.label} (\`${info.key}\`)`, ...values.map((value, index) => (best.has(index) ? `**${formatFigure(info, value)}**` : formatFigure(info, value)))]));
    }
    lines.push('');
  }
  const failures = describeRoundTripFailures(report);
  if (failures.length > 0) lines.push(...failures.map((line) => `- round trip: ${line}`), '');

  if (comparison !== undefined && comparison.changes.length > 0) {
    lines.push(`${heading} Changes since \`${comparison.previousFile}\``, '');
    lines.push(tableRow(['tokenizer', 'corpus', 'figure', 'previous', 'current', 'change']));
    lines.push(tableRow(['---', '---', '---', '---:', '---:', '---:']));
    for (const change of comparison.changes) {
      if (change.change === 0) continue;
      const info = figureInfo(change.key)!;
      lines.push(tableRow([change.tokenizer, change.corpus, change.key, formatFigure(info, change.previous), formatFigure(info, change.current), formatChange(info, change.change, change.relativePercent)]));
    }
    const unchanged = comparison.changes.filter((change) => change.change === 0).length;
    lines.push('', `${unchanged} figures unchanged.`);
    if (comparison.unmatchedPairs.length > 0) lines.push(`Not in both reports: ${comparison.unmatchedPairs.join(', ')}.`);
    lines.push('');
  }

  lines.push(`Settings: ${report.notes.join('; ')}.`);
  const lexicons = describeLexicons(report);
  if (lexicons.length > 0) lines.push(`Lists: ${lexicons.join('; ')}.`);
  lines.push(`toksmith ${report.toksmithVersion}.`);
  return lines.join('\n') + '\n';
}
