// Progress on stderr for the CLI: a redrawn bar on a terminal, throttled key=value lines
// otherwise, JSON lines with --progress json, nothing with --quiet. Nothing goes to stdout.

import type { Progress, ProgressFields } from '../progress.js';

export const PROGRESS_MODES = ['auto', 'bar', 'lines', 'json'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

const BAR_INTERVAL_MS = 100;
const LINE_INTERVAL_MS = 2000;
/** Stages shorter than this print nothing in `lines` mode, so quick pipeline steps stay silent. */
const QUIET_STAGE_MS = 1000;

function formatAmount(value: number, unit: string | undefined): string {
  if (unit === 'bytes') {
    if (value >= 1e9) return `${(value / 1e9).toFixed(2)} GB`;
    if (value >= 1e6) return `${(value / 1e6).toFixed(1)} MB`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(1)} kB`;
    return `${value} B`;
  }
  return value.toLocaleString('en-US');
}

function formatRate(done: number, elapsedMs: number, unit: string | undefined): string {
  if (elapsedMs <= 0) return '';
  const perSecond = (done * 1000) / elapsedMs;
  return unit === 'bytes' ? `${(perSecond / 1e6).toFixed(1)} MB/s` : `${Math.round(perSecond).toLocaleString('en-US')} ${unit ?? 'items'}/s`;
}

function formatFields(fields: ProgressFields | undefined): string {
  if (fields === undefined) return '';
  return Object.entries(fields)
    .map(([key, value]) => ` ${key}=${value}`)
    .join('');
}

/** Creates the stderr progress reporter for a command. */
export function createProgressReporter(mode: ProgressMode, quiet: boolean, stream: Writable): Progress {
  if (quiet) {
    return { start() {}, update() {}, finish() {}, notice() {} };
  }
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  let stage = '';
  let total: number | undefined;
  let unit: string | undefined;
  let startedAt = 0;
  let lastDrawAt = 0;
  let done = 0;
  let barVisible = false;

  const elapsed = (): number => Date.now() - startedAt;

  const draw = (final: boolean, fields?: ProgressFields): void => {
    const elapsedMs = elapsed();
    const rate = formatRate(done, elapsedMs, unit);
    if (resolved === 'json') {
      const record: Record<string, unknown> = { stage, done, elapsedMs };
      if (total !== undefined) record.total = total;
      if (unit !== undefined) record.unit = unit;
      if (final) record.finished = true;
      stream.write(JSON.stringify({ ...record, ...fields }) + '\n');
      return;
    }
    if (resolved === 'lines') {
      // A stage that reported no amount (only its final figures) prints just those.
      if (final && done === 0) {
        stream.write(`${stage}: finished elapsed=${(elapsedMs / 1000).toFixed(1)}s${formatFields(fields)}\n`);
        return;
      }
      const totalPart = total === undefined ? '' : ` total=${total}`;
      const perSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
      const rateText = unit === 'bytes' ? `${(perSecond / 1e6).toFixed(1)}MB/s` : `${perSecond.toFixed(1)}/s`;
      const ratePart = perSecond > 0 ? ` rate=${rateText}` : '';
      stream.write(`${stage}: done=${done}${totalPart}${ratePart} elapsed=${(elapsedMs / 1000).toFixed(1)}s${final ? ' finished' : ''}${formatFields(fields)}\n`);
      return;
    }
    const width = 24;
    const ratio = total !== undefined && total > 0 ? Math.min(1, done / total) : undefined;
    const bar = ratio === undefined ? '' : `[${'#'.repeat(Math.round(ratio * width)).padEnd(width, '.')}] ${(ratio * 100).toFixed(0).padStart(3)}% `;
    const amount = total === undefined ? formatAmount(done, unit) : `${formatAmount(done, unit)}/${formatAmount(total, unit)}`;
    stream.write(`\r\x1b[2K${stage} ${bar}${amount} ${rate}${formatFields(fields)}`);
    barVisible = true;
    if (final) {
      stream.write('\n');
      barVisible = false;
    }
  };

  return {
    start(name, stageTotal, stageUnit) {
      stage = name;
      total = stageTotal;
      unit = stageUnit;
      done = 0;
      startedAt = Date.now();
      lastDrawAt = startedAt;
    },
    update(value, fields) {
      done = value;
      const now = Date.now();
      const interval = resolved === 'bar' ? BAR_INTERVAL_MS : LINE_INTERVAL_MS;
      if (now - lastDrawAt < interval) return;
      if (resolved === 'lines' && now - startedAt < QUIET_STAGE_MS) return;
      lastDrawAt = now;
      draw(false, fields);
    },
    finish(fields) {
      if (resolved === 'lines' && elapsed() < QUIET_STAGE_MS) return;
      draw(true, fields);
    },
    notice(message) {
      if (barVisible) {
        stream.write('\n');
        barVisible = false;
      }
      stream.write(resolved === 'json' ? JSON.stringify({ notice: message }) + '\n' : `toksmith: note: ${message}\n`);
    },
  };
}
