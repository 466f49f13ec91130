// `toksmith demo`: the main job end to end on the sample corpora that ship in bench/corpora:
// train a vocabulary, encode the held-out files, check that decoding restores them, and print
// a small comparison table.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import { Command } from 'commander';
import { countCharacters, trainCharVocab } from '../../trainers/char.js';
import { fileSource, readLineBatches, type InputDigest } from '../corpus.js';
import { Decoder, Encoder } from '../encoder.js';
import { utf8ByteLength, utf8Decoder } from '../utf8.js';
import { loadVocab, saveVocab } from '../vocab-file.js';
import { packageRoot, TOKSMITH_VERSION } from '../version.js';
import { progressOptions, progressFor, type ProgressOptions } from './common.js';

interface DemoOptions extends ProgressOptions {
  outDir?: string;
}

interface Row {
  corpus: string;
  lines: number;
  chars: number;
  bytes: number;
  tokens: number;
  roundTripFailures: number;
}

async function measure(path: string, encoder: Encoder, decoder: Decoder): Promise<Row> {
  const row: Row = { corpus: path.split('/').pop()!, lines: 0, chars: 0, bytes: 0, tokens: 0, roundTripFailures: 0 };
  for await (const batch of readLineBatches([fileSource(path)])) {
    for (const line of batch.lines) {
      const ids = encoder.encode(line).ids;
      row.lines++;
      row.chars += [...line].length;
      row.bytes += utf8ByteLength(line);
      row.tokens += ids.length;
      if (utf8Decoder.decode(decoder.decode(ids)) !== line) row.roundTripFailures++;
    }
  }
  return row;
}

export function demoCommand(): Command {
  const command = new Command('demo')
    .summary('train and apply a vocabulary on the bundled sample corpora')
    .description('Train a char vocabulary on bench/corpora/*.train.txt, encode the held-out files, check round trips and print a table.')
    .option('--out-dir <dir>', 'keep the trained vocabulary in this folder (default: a temporary folder, removed afterwards)');
  for (const option of progressOptions()) command.addOption(option);
  command.action(async (options: DemoOptions) => {
    const progress = progressFor(options);
    const corpora = join(packageRoot(), 'bench', 'corpora');
    const files = readdirSync(corpora).filter((name) => name.endsWith('.txt')).sort();
    const trainFiles = files.filter((name) => name.endsWith('.train.txt')).map((name) => join(corpora, name));
    const evalFiles = files.filter((name) => !name.endsWith('.train.txt')).map((name) => join(corpora, name));
    const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'toksmith-demo-'));

    try {
      // 1. Train and save, then load back as a user's encode would.
      const startedAt = Date.now();
      const digests: InputDigest[] = [];
      const batches = readLineBatches(trainFiles.map((file) => fileSource(file)), { progress, onDigest: (digest) => digests.push(digest) });
      const counts = await countCharacters(batches, 'none', { type: 'none' });
      counts.corpus.push(...digests);
      const vocab = trainCharVocab(counts, { characterCoverage: 0.9995, byteFallback: true, specials: [], normalizer: 'none', preTokenizer: { type: 'none' } }, progress);
      vocab.provenance = { ...vocab.provenance!, command: 'toksmith demo', createdAt: new Date().toISOString(), toksmithVersion: TOKSMITH_VERSION };
      const vocabPath = join(outDir, 'char.tok');
      saveVocab(vocab, vocabPath);
      const trainMs = Date.now() - startedAt;

      // 2. Encode every held-out file and check the round trip.
      const loaded = loadVocab(vocabPath);
      const encoder = new Encoder(loaded);
      const decoder = new Decoder(loaded);
      const rows: Row[] = [];
      for (const file of evalFiles) rows.push(await measure(file, encoder, decoder));

      const trainedBytes = counts.corpus.reduce((sum, file) => sum + file.bytes, 0);
      process.stdout.write(
        `${chalk.bold('toksmith demo')}: char vocabulary of ${loaded.pieces.length} ids trained on ${trainFiles.length} files ` +
          `(${(trainedBytes / 1e6).toFixed(2)} MB) in ${trainMs} ms, saved as ${vocabPath}\n\n`,
      );
      process.stdout.write(renderTable(rows));
    } finally {
      if (options.outDir === undefined) rmSync(outDir, { recursive: true, force: true });
    }
  });
  return command;
}

function renderTable(rows: Row[]): string {
  const titles = ['corpus', 'lines', 'chars', 'tokens', 'tokens/char', 'bytes/token', 'round trip'];
  const body = rows.map((row) => [
    row.corpus,
    String(row.lines),
    String(row.chars),
    String(row.tokens),
    (row.tokens / Math.max(1, row.chars)).toFixed(3),
    (row.bytes / Math.max(1, row.tokens)).toFixed(3),
    row.roundTripFailures === 0 ? 'exact' : `${row.roundTripFailures} lines differ`,
  ]);
  const widths = titles.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const format = (cells: string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [chalk.bold(format(titles)), ...body.map(format)].join('\n') + '\n';
}
