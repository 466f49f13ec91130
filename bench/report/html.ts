// Self-contained HTML report of a bench run: the figure tables plus charts drawn as inline SVG
// from the report's own numbers. Nothing is loaded from outside the file (no scripts, fonts or
// styles by URL), so it opens offline and can be attached to a CI job or an issue.
// Charts: tokens per character, %TR and %Pure, token-length distribution per vocabulary, and
// with a previous report the change of every pair.

import type { BenchReport } from '../runner.js';
import { FIGURES } from '../metrics/keys.js';
import type { Comparison } from './compare.js';

/** Learned-piece counts by length in characters, for one tokenizer. */
export interface TokenLengthDistribution {
  tokenizer: string;
  /** [length in characters, number of pieces], ascending by length. */
  counts: [number, number][];
}

export interface HtmlReportInput {
  report: BenchReport;
  tokenLengths: TokenLengthDistribution[];
  comparison?: Comparison;
}

/** One bar of a grouped bar chart. */
interface Bar {
  series: string;
  value: number;
}

interface Group {
  label: string;
  bars: Bar[];
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Draws a grouped bar chart as SVG. Values may be negative (for changes); the zero line is drawn.
 * The SVG scales to its container through its viewBox.
 */
function groupedBarChart(id: string, title: string, unit: string, groups: Group[], digits: number, barWidth = 18): string {
  const series = [...new Set(groups.flatMap((group) => group.bars.map((bar) => bar.series)))];
  const values = groups.flatMap((group) => group.bars.map((bar) => bar.value));
  const maxValue = Math.max(0, ...values);
  const minValue = Math.min(0, ...values);
  const span = maxValue - minValue || 1;
  const groupGap = Math.max(10, barWidth * 1.5);
  const left = 56;
  const top = 34;
  const plotHeight = 220;
  const groupWidths = groups.map((group) => group.bars.length * barWidth);
  const width = Math.max(360, left + groupWidths.reduce((sum, w) => sum + w + groupGap, 0) + 10);
  const legendColumns = Math.max(1, Math.floor((width - left) / 150));
  const legendHeight = 18 * Math.ceil(series.length / legendColumns);
  const height = top + plotHeight + 70 + legendHeight;
  const y = (value: number): number => top + ((maxValue - value) / span) * plotHeight;
  const parts: string[] = [];
  // The SVG shrinks to fit narrow screens but never grows past its drawn size.
  parts.push(`<svg id="${id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" style="max-width: ${width}px" role="img" aria-label="${escapeHtml(title)}">`);
  parts.push(`<title>${escapeHtml(title)}</title>`);
  parts.push(`<text x="${left}" y="18" class="chart-title">${escapeHtml(title)}</text>`);

  // Axis with four ticks.
  for (let tick = 0; tick <= 4; tick++) {
    const value = minValue + (span * tick) / 4;
    const tickY = y(value);
    parts.push(`<line x1="${left}" x2="${width - 6}" y1="${tickY.toFixed(1)}" y2="${tickY.toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${(tickY + 4).toFixed(1)}" class="tick" text-anchor="end">${formatNumber(value, digits)}</text>`);
  }
  parts.push(`<text x="12" y="${top + plotHeight / 2}" class="tick" transform="rotate(-90 12 ${top + plotHeight / 2})" text-anchor="middle">${escapeHtml(unit)}</text>`);
  parts.push(`<line x1="${left}" x2="${width - 6}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" class="axis"/>`);

  let x = left + groupGap / 2;
  groups.forEach((group, groupIndex) => {
    group.bars.forEach((bar, barIndex) => {
      const color = PALETTE[series.indexOf(bar.series) % PALETTE.length];
      const y0 = y(Math.max(0, bar.value));
      const barHeight = Math.max(0.5, Math.abs(y(bar.value) - y(0)));
      parts.push(
        `<rect x="${(x + barIndex * barWidth).toFixed(1)}" y="${y0.toFixed(1)}" width="${barWidth - 2}" height="${barHeight.toFixed(1)}" fill="${color}">` +
          `<title>${escapeHtml(`${group.label} · ${bar.series}: ${formatNumber(bar.value, digits)}`)}</title></rect>`,
      );
    });
    const center = x + groupWidths[groupIndex]! / 2;
    parts.push(`<text x="${center.toFixed(1)}" y="${top + plotHeight + 16}" class="label" text-anchor="end" transform="rotate(-30 ${center.toFixed(1)} ${top + plotHeight + 16})">${escapeHtml(truncate(group.label, 28))}</text>`);
    x += groupWidths[groupIndex]! + groupGap;
  });

  // Legend in as many columns as fit.
  series.forEach((name, index) => {
    const legendX = left + (index % legendColumns) * 150;
    const legendY = top + plotHeight + 70 + Math.floor(index / legendColumns) * 18;
    parts.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${PALETTE[index % PALETTE.length]}"/>`);
    parts.push(`<text x="${legendX + 16}" y="${legendY}" class="label">${escapeHtml(truncate(name, 20))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function corpusNames(report: BenchReport): string[] {
  return report.corpora.filter((corpus) => corpus.kind === 'corpus').map((corpus) => corpus.name);
}

function figure(report: BenchReport, tokenizer: string, corpus: string, key: keyof BenchReport['results'][number]['figures']): number | undefined {
  return report.results.find((result) => result.tokenizer === tokenizer && result.corpus === corpus)?.figures[key];
}

function tokensPerCharChart(report: BenchReport): string {
  const groups: Group[] = corpusNames(report).map((corpus) => ({
    label: corpus,
    bars: report.tokenizers.flatMap((tokenizer) => {
      const value = figure(report, tokenizer.name, corpus, 'tokensPerChar');
      return value === undefined ? [] : [{ series: tokenizer.name, value }];
    }),
  }));
  return groupedBarChart('chart-tokens-per-char', 'Tokens per character (lower is better)', 'tokens per char', groups, 3);
}

function trPureChart(report: BenchReport): string {
  const groups: Group[] = [];
  for (const corpus of corpusNames(report)) {
    for (const tokenizer of report.tokenizers) {
      const tr = figure(report, tokenizer.name, corpus, 'trPercent');
      const pure = figure(report, tokenizer.name, corpus, 'purePercent');
      if (tr === undefined && pure === undefined) continue;
      const bars: Bar[] = [];
      if (tr !== undefined) bars.push({ series: '%TR', value: tr });
      if (pure !== undefined) bars.push({ series: '%Pure', value: pure });
      groups.push({ label: `${tokenizer.name} · ${corpus}`, bars });
    }
  }
  if (groups.length === 0) {
    return '<svg id="chart-tr-pure" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 40"><text x="8" y="24" class="label">%TR and %Pure need word and morpheme lists (--lang tr, --words, --morphemes).</text></svg>';
  }
  return groupedBarChart('chart-tr-pure', '%TR and %Pure (higher is better)', 'percent of keys', groups, 1);
}

function tokenLengthChart(distributions: TokenLengthDistribution[]): string {
  // Lengths above 16 characters share one bucket so that a few very long pieces do not stretch the axis.
  const cap = 16;
  const groups: Group[] = [];
  for (let length = 1; length <= cap; length++) {
    const bars = distributions.map((distribution) => {
      const total = distribution.counts.reduce((sum, [, count]) => sum + count, 0) || 1;
      const count = distribution.counts.filter(([pieceLength]) => (length === cap ? pieceLength >= cap : pieceLength === length)).reduce((sum, [, n]) => sum + n, 0);
      return { series: distribution.tokenizer, value: (100 * count) / total };
    });
    groups.push({ label: length === cap ? `${cap}+` : String(length), bars });
  }
  return groupedBarChart('chart-token-length', 'Vocabulary pieces by length in characters', 'share of pieces, %', groups, 1, distributions.length > 3 ? 6 : 10);
}

function changeChart(comparison: Comparison): string {
  const groups: Group[] = comparison.changes
    .filter((change) => change.key === 'tokens' || change.key === 'tokensPerChar' || change.key === 'trPercent')
    .reduce<Group[]>((list, change) => {
      const label = `${change.tokenizer} · ${change.corpus}`;
      let group = list.find((candidate) => candidate.label === label);
      if (group === undefined) {
        group = { label, bars: [] };
        list.push(group);
      }
      const value = change.key === 'trPercent' ? change.change : change.relativePercent ?? 0;
      group.bars.push({ series: change.key === 'trPercent' ? '%TR (points)' : `${change.key} (%)`, value });
      return list;
    }, []);
  return groupedBarChart('chart-change', `Change against ${comparison.previousFile}`, 'change', groups, 2);
}

function figureTables(report: BenchReport): string {
  const sections: string[] = [];
  for (const corpus of report.corpora) {
    const rows = FIGURES.filter((info) => report.tokenizers.some((tokenizer) => figure(report, tokenizer.name, corpus.name, info.key) !== undefined));
    const header = `<tr><th>${escapeHtml(corpus.kind === 'terms' ? 'term list' : 'figure')}</th>${report.tokenizers.map((tokenizer) => `<th>${escapeHtml(tokenizer.name)}</th>`).join('')}</tr>`;
    const body = rows.map((info) => {
      const values = report.tokenizers.map((tokenizer) => figure(report, tokenizer.name, corpus.name, info.key));
      const defined = values.filter((value): value is number => value !== undefined);
      const best = info.better === 'higher' ? Math.max(...defined) : info.better === 'lower' ? Math.min(...defined) : undefined;
      const cells = values.map((value) => {
        if (value === undefined) return '<td>–</td>';
        const mark = best !== undefined && defined.length > 1 && value === best ? ' class="best"' : '';
        return `<td${mark}>${formatNumber(value, info.digits)}</td>`;
      });
      return `<tr><th scope="row">${escapeHtml(info.label)}</th>${cells.join('')}</tr>`;
    });
    sections.push(
      `<h3>${escapeHtml(corpus.name)} <small>${corpus.documents.toLocaleString('en-US')} ${corpus.kind === 'terms' ? 'terms' : 'documents'}, ${corpus.bytes.toLocaleString('en-US')} bytes</small></h3>` +
        `<div class="scroll"><table>${header}${body.join('')}</table></div>`,
    );
  }
  return sections.join('\n');
}

/** Renders the whole report as one HTML document. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { report } = input;
  const lexicons = report.lexicons
    .map((lexicon) => `<li>${escapeHtml(`${lexicon.kind} list ${lexicon.file}: ${lexicon.entries.toLocaleString('en-US')} entries`)}</li>`)
    .join('');
  const notes = report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  const charts = [tokensPerCharChart(report), trPureChart(report), tokenLengthChart(input.tokenLengths)];
  if (input.comparison !== undefined) charts.push(changeChart(input.comparison));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>toksmith bench report</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px; padding: 12px; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; margin-top: 1.6em; } h3 { font-size: 1em; } small { color: #666; font-weight: normal; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.charts svg { width: 100%; height: auto; border: 1px solid #ddd; border-radius: 6px; background: #fff; }
.chart-title { font-size: 14px; font-weight: 600; } .tick, .label { font-size: 11px; fill: #444; }
.grid { stroke: #eee; } .axis { stroke: #888; }
.scroll { overflow-x: auto; } table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; } th[scope=row] { text-align: left; font-weight: normal; }
td.best { font-weight: 700; background: #e8f5e9; }
</style>
</head>
<body>
<h1>toksmith bench report</h1>
<p>toksmith ${escapeHtml(report.toksmithVersion)}, ${escapeHtml(report.createdAt)}; ${report.tokenizers.length} tokenizers on ${corpusNames(report).length} corpora, ${escapeHtml(report.settings.mode)} mode.</p>
<h2>Charts</h2>
<div class="charts">
${charts.join('\n')}
</div>
<h2>Figures</h2>
${figureTables(report)}
<h2>Definitions and word lists</h2>
<ul>${notes}</ul>
<ul>${lexicons}</ul>
</body>
</html>
`;
}
