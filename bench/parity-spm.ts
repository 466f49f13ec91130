// SentencePiece parity (`npm run bench:parity-spm`). Trains a BPE and a Unigram model with
// spm_train, with default options apart from the size, the sample and the maximum sentence
// length. Then encodes every line of every corpus file in ../shared/data (tr, en, legal, finance,
// code) with toksmith's .model reader and with `spm_encode --output_format=id`, and compares the
// ids line by line. Prints a Markdown section for bench/RESULTS.md and exits 1 on any mismatch.
// Usage: npm run bench:parity-spm [-- --vocab-size 8000 --sample 300000 --keep --models DIR --write]
// (--write puts the section into bench/RESULTS.md).
// Takes about 15 minutes on 2 cores (training is most of it).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Encoder } from '../src/encoder.js';
import { readVocabFile } from '../src/tokenizer-loader.js';
import { describeMachine } from './machine.js';
import { writeResultsSection } from './results-file.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = join(root, '..', 'shared', 'data');
const CORPUS_FOLDERS = ['tr', 'en', 'legal', 'finance', 'code'];
const RESULTS_TITLE = 'SentencePiece parity';

const { values: options } = parseArgs({
  options: {
    'vocab-size': { type: 'string', default: '8000' },
    sample: { type: 'string', default: '300000' },
    keep: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    /** Folder with spm-bpe.model and spm-unigram.model from an earlier --keep run, to skip training. */
    models: { type: 'string' },
  },
});

interface FileResult {
  file: string;
  lines: number;
  mismatches: number;
  firstMismatch?: string;
  toksmithSeconds: number;
  spmSeconds: number;
  tokens: number;
}

function corpusFiles(): string[] {
  const files: string[] = [];
  for (const folder of CORPUS_FOLDERS) {
    for (const name of readdirSync(join(dataDir, folder)).sort()) if (name.endsWith('.txt')) files.push(join(dataDir, folder, name));
  }
  return files;
}

function train(work: string, modelType: 'bpe' | 'unigram', inputs: string[]): string {
  const prefix = join(work, `spm-${modelType}`);
  const args = [
    `--input=${inputs.join(',')}`,
    `--model_prefix=${prefix}`,
    `--model_type=${modelType}`,
    `--vocab_size=${options['vocab-size']}`,
    `--input_sentence_size=${options.sample}`,
    '--shuffle_input_sentence=true',
    // The longest line of the data (a State of the Union address) has 217,083 characters.
    '--max_sentence_length=1000000',
    '--minloglevel=2',
  ];
  const started = process.hrtime.bigint();
  const result = spawnSync('nice', ['-n', '5', 'spm_train', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`spm_train failed (${result.status}): ${result.stderr.slice(-2000)}`);
  console.error(`trained ${modelType} in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s: spm_train ${args.join(' ')}`);
  return `${prefix}.model`;
}

function compareFile(model: string, encoder: Encoder, file: string): FileResult {
  let started = process.hrtime.bigint();
  const reference = execFileSync('spm_encode', [`--model=${model}`, '--output_format=id', file], { maxBuffer: 1 << 30 }).toString().split('\n');
  const spmSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  started = process.hrtime.bigint();
  const ours = lines.map((line) => encoder.encode(line).ids);
  const toksmithSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result: FileResult = { file: file.slice(dataDir.length + 1), lines: lines.length, mismatches: 0, toksmithSeconds, spmSeconds, tokens: 0 };
  for (let i = 0; i < lines.length; i++) {
    const ids = ours[i]!.join(' ');
    result.tokens += ours[i]!.length;
    if (ids === (reference[i] ?? '')) continue;
    result.mismatches++;
    result.firstMismatch ??= `line ${i + 1}: ${JSON.stringify(lines[i]!.slice(0, 120))}\n  toksmith ${ids.slice(0, 200)}\n  spm      ${(reference[i] ?? '').slice(0, 200)}`;
  }
  return result;
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'parity-spm-'));
  const machine = describeMachine();
  const inputs = corpusFiles().filter((file) => /\/(tr|en)\/[^/]+\.train\.txt$/.test(file));
  const files = corpusFiles();
  const spmVersion = spawnSync('spm_encode', ['--version'], { encoding: 'utf8' });

  // 1. Train (or reuse) each model and compare every file.
  const sections: string[] = [];
  let failed = false;
  for (const modelType of ['bpe', 'unigram'] as const) {
    const model = options.models === undefined ? train(work, modelType, inputs) : join(options.models, `spm-${modelType}.model`);
    const encoder = new Encoder(readVocabFile(model));
    const rows: FileResult[] = [];
    for (const file of files) {
      const result = compareFile(model, encoder, file);
      rows.push(result);
      console.error(`${modelType} ${result.file}: ${result.lines} lines, ${result.mismatches} mismatches`);
      if (result.firstMismatch !== undefined) console.error(result.firstMismatch);
    }
    const totalLines = rows.reduce((sum, row) => sum + row.lines, 0);
    const totalMismatches = rows.reduce((sum, row) => sum + row.mismatches, 0);
    failed ||= totalMismatches > 0;
    const table = [
      `#### ${modelType === 'bpe' ? 'BPE' : 'Unigram'} ${options['vocab-size']} (${totalLines.toLocaleString('en-US')} lines, ${(((totalLines - totalMismatches) / totalLines) * 100).toFixed(3)}% identical)`,
      '',
      '| file | lines | tokens | mismatched lines | toksmith s | spm_encode s |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map((row) => `| ${row.file} | ${row.lines.toLocaleString('en-US')} | ${row.tokens.toLocaleString('en-US')} | ${row.mismatches} | ${row.toksmithSeconds.toFixed(1)} | ${row.spmSeconds.toFixed(1)} |`),
    ];
    sections.push(table.join('\n'));
  }

  // 2. Print the section, and write it into bench/RESULTS.md with --write.
  const body = [
    `Command: \`npm run bench:parity-spm -- --vocab-size ${options['vocab-size']} --sample ${options.sample}${options.models === undefined ? '' : ' --models DIR'}\`${options.models === undefined ? '' : ' (models trained by an earlier run with the same options)'}. Models: spm_train ${(spmVersion.stdout || spmVersion.stderr).trim()} with default options, ${options['vocab-size']} pieces, trained on a shuffled sample of ${Number(options.sample).toLocaleString('en-US')} lines of ${inputs.map((file) => basename(file)).join(', ')} (\`--max_sentence_length=1000000\`, so no line is dropped). Every line of every file is encoded by toksmith (library \`Encoder\` on the .model file, one thread) and by \`spm_encode --output_format=id\`; a line matches when the id lists are equal. Seconds are wall time per file, toksmith in-process and spm_encode as a whole process.`,
    '',
    `Machine: ${machine} at the start, load average ${loadavg().map((value) => value.toFixed(2)).join(' ')} at the end.`,
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
  console.log(`## ${RESULTS_TITLE}\n\n${body}`);
  if (options.write) writeResultsSection(root, RESULTS_TITLE, body.trimEnd());
  if (options.keep) console.error(`models kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
  if (failed) process.exitCode = 1;
}

main();
