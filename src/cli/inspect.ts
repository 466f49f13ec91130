// `toksmith inspect`: what a vocabulary file holds: algorithm, sizes, specials, text settings,
// provenance, the longest pieces, and lookups of pieces or ids. `--json` prints all of it,
// every piece included, as one JSON document.

import { Command } from 'commander';
import { ToksmithError, UsageError } from '../errors.js';
import { lenientUtf8Decoder, utf8Encoder } from '../utf8.js';
import type { PipelineSpec } from '../pipeline/spec.js';
import { countKinds, PieceKind, pieceLabel, type Vocab } from '../vocab.js';
import { collect, parsePositiveInteger } from './common.js';
import { openVocab, patternOption, VOCAB_HELP, type VocabLoadOptions } from './vocab-options.js';
import { displayPiece } from './encode-format.js';

interface InspectOptions extends VocabLoadOptions {
  json?: boolean;
  histogram?: boolean;
  id?: string[];
  piece?: string[];
  top: number;
}

const KIND_NAMES = ['normal', 'special', 'unknown', 'byte'] as const;

function lookupId(vocab: Vocab, value: string): Record<string, unknown> {
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid --id '${value}'`, 'use a whole number');
  const id = Number(value);
  if (id >= vocab.kinds.length) {
    throw new ToksmithError(`no id ${value} in this vocabulary (ids run from 0 to ${vocab.kinds.length - 1})`);
  }
  return describePiece(vocab, id);
}

/** Looks up every requested id and piece; failures are collected so the others still print. */
function lookupAll(vocab: Vocab, options: InspectOptions): { found: Record<string, unknown>[]; missing: string[] } {
  const found: Record<string, unknown>[] = [];
  const missing: string[] = [];
  const attempt = (lookup: () => Record<string, unknown>): void => {
    try {
      found.push(lookup());
    } catch (error) {
      if (!(error instanceof ToksmithError) || error instanceof UsageError) throw error;
      missing.push(error.message);
    }
  };
  for (const id of options.id ?? []) attempt(() => lookupId(vocab, id));
  for (const piece of options.piece ?? []) attempt(() => lookupPiece(vocab, piece));
  return { found, missing };
}

function lookupPiece(vocab: Vocab, text: string): Record<string, unknown> {
  // The pieces format shows spaces as ▁, so accept that spelling too.
  const candidates = [text, text.replace(/\u2581/g, ' ')];
  for (const candidate of candidates) {
    const bytes = utf8Encoder.encode(candidate);
    const id = vocab.pieces.findIndex(
      (piece, index) => vocab.kinds[index] !== PieceKind.byte && piece.length === bytes.length && piece.every((b, i) => b === bytes[i]),
    );
    if (id >= 0) return describePiece(vocab, id);
  }
  const byteName = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
  if (byteName !== null) {
    const id = vocab.pieces.findIndex((piece, index) => vocab.kinds[index] === PieceKind.byte && piece[0] === parseInt(byteName[1]!, 16));
    if (id >= 0) return describePiece(vocab, id);
  }
  throw new ToksmithError(`piece '${text}' is not in this vocabulary`);
}

function describePiece(vocab: Vocab, id: number): Record<string, unknown> {
  const piece = vocab.pieces[id]!;
  const description: Record<string, unknown> = {
    id,
    piece: pieceLabel(vocab, id, displayPiece),
    kind: KIND_NAMES[vocab.kinds[id]!] ?? 'unknown',
    bytes: Buffer.from(piece).toString('hex'),
  };
  if (vocab.scores !== undefined) description.score = vocab.scores[id];
  return description;
}

function longestPieces(vocab: Vocab, top: number): number[] {
  const ids: number[] = [];
  for (let id = 0; id < vocab.pieces.length; id++) if (vocab.kinds[id] === PieceKind.normal) ids.push(id);
  return ids.sort((a, b) => vocab.pieces[b]!.length - vocab.pieces[a]!.length || a - b).slice(0, top);
}

function summary(vocab: Vocab): Record<string, unknown> {
  const kinds = countKinds(vocab);
  return {
    algorithm: vocab.algorithm,
    vocabSize: vocab.pieces.length,
    pieces: kinds,
    specials: vocab.pieces.flatMap((_, id) => (vocab.kinds[id] === PieceKind.special || vocab.kinds[id] === PieceKind.unknown ? [describePiece(vocab, id)] : [])),
    normalizer: vocab.normalizer,
    preTokenizer: vocab.preTokenizer,
    defaultMethod: vocab.defaultMethod,
    merges: vocab.merges === undefined ? 0 : vocab.merges.length / 2,
    hasScores: vocab.scores !== undefined,
    pipeline: vocab.pipeline ?? null,
    provenance: vocab.provenance ?? null,
  };
}

/** Describes an imported pipeline in one line per part, such as `normalizers  nfc, lowercase`. */
function pipelineLines(pipeline: PipelineSpec): string[] {
  const names = (steps: { type: string }[]): string => steps.map((step) => step.type).join(', ') || '(none)';
  const lines = [`imported from    ${pipeline.source} (${pipeline.model.type} model)`];
  if (pipeline.normalizers.length > 0) lines.push(`normalizers      ${names(pipeline.normalizers)}`);
  if (pipeline.preTokenizers.length > 0) lines.push(`pre-tokenizers   ${names(pipeline.preTokenizers)}`);
  if (pipeline.decoders.length > 0) lines.push(`decoders         ${names(pipeline.decoders)}`);
  if (pipeline.template !== undefined) {
    lines.push(`template         ${pipeline.template.map((item) => ('id' in item ? `id ${item.id}` : 'TEXT')).join(' ')}`);
  }
  return lines;
}

/** Counts learned pieces by length in characters; an invalid UTF-8 sequence counts as one. */
export function pieceLengthCounts(vocab: Vocab): Map<number, number> {
  const counts = new Map<number, number>();
  for (let id = 0; id < vocab.pieces.length; id++) {
    if (vocab.kinds[id] !== PieceKind.normal) continue;
    const length = [...lenientUtf8Decoder.decode(vocab.pieces[id])].length;
    counts.set(length, (counts.get(length) ?? 0) + 1);
  }
  return counts;
}

/** Draws the piece-length distribution as horizontal bars, one row per length. */
function renderHistogram(vocab: Vocab, width = 50): string {
  const counts = pieceLengthCounts(vocab);
  if (counts.size === 0) return 'no learned pieces\n';
  const lengths = [...counts.keys()].sort((a, b) => a - b);
  const maxCount = Math.max(...counts.values());
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const countWidth = String(maxCount).length;
  const rows = ['chars  ' + 'pieces'.padStart(countWidth) + '  share'];
  for (let length = lengths[0]!; length <= lengths.at(-1)!; length++) {
    const count = counts.get(length) ?? 0;
    const bar = '█'.repeat(Math.round((count / maxCount) * width)) || (count > 0 ? '▏' : '');
    rows.push(`${String(length).padStart(5)}  ${String(count).padStart(countWidth)}  ${((100 * count) / total).toFixed(1).padStart(5)}%  ${bar}`);
  }
  return rows.join('\n') + '\n';
}

/** Lists specials as `piece=id`; empty ones (ids an imported encoding leaves unused) only as a count. */
function specialsLine(specials: { id: number; piece: string; bytes: string }[]): string {
  const named = specials.filter((special) => special.bytes !== '').map((special) => `${special.piece}=${special.id}`);
  const reserved = specials.length - named.length;
  if (reserved > 0) named.push(`(${reserved} reserved ${reserved === 1 ? 'id' : 'ids'} with no text)`);
  return named.join(' ') || '(none)';
}

function printText(vocab: Vocab, options: InspectOptions, lookups: Record<string, unknown>[]): string {
  const info = summary(vocab);
  const kinds = countKinds(vocab);
  const lines = [
    `algorithm        ${vocab.algorithm}`,
    `vocab size       ${vocab.kinds.length} (${kinds.normal} normal, ${kinds.byte} byte-fallback, ${kinds.special} special, ${kinds.unknown} unknown)`,
    `specials         ${specialsLine(info.specials as { id: number; piece: string; bytes: string }[])}`,
    `normalizer       ${(vocab.pipeline?.normalizers.length ?? 0) > 0 ? 'imported steps (see normalizers)' : vocab.normalizer}`,
    `pre-tokenizer    ${(vocab.pipeline?.preTokenizers.length ?? 0) > 0 ? 'imported steps (see pre-tokenizers)' : vocab.preTokenizer.type}${vocab.preTokenizer.type === 'metaspace' ? ` (prefix space ${vocab.preTokenizer.prefixSpace === false ? 'off' : 'on'})` : ''}`,
    `default method   ${vocab.defaultMethod}`,
  ];
  if (vocab.pipeline !== undefined) lines.push(...pipelineLines(vocab.pipeline));
  if (vocab.merges !== undefined) {
    // Merges derived from ranks or scores list every split of a piece into two pieces, so there are more merges than pieces.
    const derived = vocab.pipeline?.model.rankMergesByResult === true ? ' (derived from piece ranks: every split of a piece into two pieces)' : '';
    lines.push(`merges           ${vocab.merges.length / 2}${derived}`);
  }
  const provenance = vocab.provenance;
  if (provenance !== undefined) {
    lines.push(`created          ${provenance.createdAt} by toksmith ${provenance.toksmithVersion}`);
    lines.push(`command          ${provenance.command}`);
    for (const file of provenance.corpus) lines.push(`corpus           ${file.file} (${file.bytes} bytes, sha256 ${file.sha256.slice(0, 16)}…)`);
    for (const [key, value] of Object.entries(provenance.training ?? {})) lines.push(`training         ${key}=${value}`);
  }
  lines.push(`longest (bytes)  ${longestPieces(vocab, options.top).map((id) => `${displayPiece(vocab.pieces[id]!)}=${id}`).join(' ')}`);
  for (const lookup of lookups) {
    lines.push(`lookup           id ${lookup.id}: ${lookup.piece} (${lookup.kind}, bytes ${lookup.bytes}${lookup.score === undefined ? '' : `, score ${lookup.score}`})`);
  }
  return lines.join('\n') + '\n';
}

export function inspectCommand(): Command {
  return new Command('inspect')
    .summary('show what a vocabulary file holds')
    .description('Show a vocabulary\'s algorithm, size, specials, settings, provenance and longest pieces, or look up ids and pieces.')
    .argument('<vocab>', VOCAB_HELP)
    .addOption(patternOption())
    .option('--json', 'print everything, every piece included, as JSON')
    .option('--id <id>', 'look up an id (repeatable)', collect)
    .option('--piece <text>', 'look up a piece; ▁ may stand for a space (repeatable)', collect)
    .option('--histogram', 'print the distribution of learned piece lengths (in characters) as a bar chart')
    .option('--top <n>', 'number of longest pieces to list', parsePositiveInteger('--top'), 10)
    .action((path: string, options: InspectOptions) => {
      const vocab = openVocab(path, options);
      const { found: lookups, missing } = lookupAll(vocab, options);
      const reportMissing = (): void => {
        if (missing.length === 0) return;
        throw new ToksmithError(missing.join('; '), { hint: 'the other lookups were printed above' });
      };
      if (options.json) {
        const document = {
          ...summary(vocab),
          longestPieces: longestPieces(vocab, options.top).map((id) => describePiece(vocab, id)),
          ...(lookups.length > 0 ? { lookups } : {}),
          vocab: vocab.pieces.map((_, id) => describePiece(vocab, id)),
          ...(vocab.merges === undefined ? {} : { mergeList: Array.from({ length: vocab.merges.length / 2 }, (_, rank) => [vocab.merges![2 * rank], vocab.merges![2 * rank + 1]]) }),
        };
        process.stdout.write(JSON.stringify(document, null, 2) + '\n');
        reportMissing();
        return;
      }
      if (options.histogram) {
        process.stdout.write(renderHistogram(vocab));
        return;
      }
      process.stdout.write(printText(vocab, options, lookups));
      reportMissing();
    });
}
