// LiB training bench (`npm run bench:lib`): trains 8k LiB vocabularies on the ../shared/data tr
// and en train files next to the other registered trainers (BPE, Unigram) at the same size,
// then runs `toksmith bench` on held-out text and every eval file. Reports token count,
// distinct types used, %TR and %Pure (Turkish), training time and round trips, and writes the
// table into bench/RESULTS.md under "## LiB training". Trainers that are not registered are
// named as missing instead of failing the run.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveInputs, streamSource } from '../src/corpus.js';
import { Encoder } from '../src/encoder.js';
import { silentProgress } from '../src/progress.js';
import { saveVocab } from '../src/vocab-file.js';
import { PieceKind, type Algorithm, type Vocab } from '../src/vocab.js';
import { findTrainer, type CommonTrainOptions } from '../trainers/index.js';
import { describeMachine } from './machine.js';

const DATA = resolve('..', 'shared', 'data');
const VOCAB_SIZE = 8000;
/** Steps of the longer LiB run (the lexicon grows freely, then the lowest ranks are pruned). */
const LONG_LIB_STEPS = 1000;
const RESULTS = 'bench/RESULTS.md';
const SECTION = '## LiB training';

interface Contender {
  name: string;
  model: Algorithm;
  raw: Record<string, unknown>;
  command: string;
}

const CONTENDERS: Contender[] = [
  { name: 'lib', model: 'lib', raw: {}, command: 'train --model lib --vocab-size 8000' },
  { name: `lib-${LONG_LIB_STEPS}`, model: 'lib', raw: { steps: LONG_LIB_STEPS }, command: `train --model lib --vocab-size 8000 --steps ${LONG_LIB_STEPS}` },
  { name: 'bpe', model: 'bpe', raw: {}, command: 'train --model bpe --vocab-size 8000' },
  { name: 'unigram', model: 'unigram', raw: {}, command: 'train --model unigram --vocab-size 8000' },
];

interface Language {
  code: 'tr' | 'en';
  trainFiles: string[];
  /** Held-out text of the language, not in the train files. */
  heldOut: string;
}

interface Trained {
  name: string;
  file: string;
  trainSeconds: number;
  multiWordPieces: number;
  multiWordTokenShare: number;
}

const evalFiles = ['tr', 'legal', 'finance'].flatMap((folder) =>
  readdirSync(join(DATA, folder))
    .filter((file) => file.endsWith('.eval.txt'))
    .map((file) => join(DATA, folder, file)),
);

/** Tells whether a piece has a space between two non-space characters (two or more words). */
function isMultiWord(piece: string): boolean {
  return /\S \S/u.test(piece);
}

async function train(contender: Contender, language: Language, dir: string): Promise<Trained | undefined> {
  const trainer = findTrainer(contender.model);
  if (trainer === undefined) return undefined;
  const common: CommonTrainOptions = {
    vocabSize: VOCAB_SIZE,
    specials: [],
    normalizer: 'none',
    byteFallback: true,
    characterCoverage: 0.9995,
    seed: 0,
    threads: 1,
    raw: contender.raw,
  };
  trainer.check(common);
  const started = performance.now();
  const sources = await resolveInputs(language.trainFiles, streamSource('-', process.stdin));
  const counts = await trainer.count(sources, { onInvalid: 'error' }, common, silentProgress);
  const vocab = await trainer.train(counts, common, silentProgress);
  const trainSeconds = (performance.now() - started) / 1000;
  const file = join(dir, `${language.code}-${contender.name}.tok`);
  saveVocab(vocab, file);
  return { name: contender.name, file, trainSeconds, ...multiWordFigures(vocab, language.heldOut) };
}

/** Multi-word pieces in the vocabulary, and the share of held-out tokens that are one. */
function multiWordFigures(vocab: Vocab, heldOutFile: string): { multiWordPieces: number; multiWordTokenShare: number } {
  const decoder = new TextDecoder();
  const multiWord = vocab.pieces.map((piece, id) => vocab.kinds[id] === PieceKind.normal && isMultiWord(decoder.decode(piece)));
  const encoder = new Encoder(vocab);
  let tokens = 0;
  let multiWordTokens = 0;
  for (const line of readFileSync(heldOutFile, 'utf8').split('\n')) {
    for (const id of encoder.encode(line).ids) {
      tokens++;
      if (multiWord[id]) multiWordTokens++;
    }
  }
  return { multiWordPieces: multiWord.filter(Boolean).length, multiWordTokenShare: multiWordTokens / tokens };
}

interface BenchJson {
  results: { tokenizer: string; corpus: string; figures: Record<string, number> }[];
}

/** Runs `toksmith bench` (from the sources, so no stale build) and returns its JSON report. */
function runBench(trained: Trained[], corpora: [string, string][], lang: string | undefined): BenchJson {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'bench', '-f', 'json', '-q'];
  for (const entry of trained) args.push('-t', `${entry.name}=${entry.file}`);
  for (const [name, file] of corpora) args.push('-c', `${name}=${file}`);
  if (lang !== undefined) args.push('--lang', lang);
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`toksmith bench failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as BenchJson;
}

function figure(report: BenchJson, tokenizer: string, corpus: string, key: string): number | undefined {
  return report.results.find((result) => result.tokenizer === tokenizer && result.corpus === corpus)?.figures[key];
}

function format(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'toksmith-lib-bench-'));
  try {
    // The Moby-Dick train file contains bench/corpora/en-moby-dick.heldout.txt; train without those lines.
    const mobyHeldOut = resolve('bench/corpora/en-moby-dick.heldout.txt');
    const heldOutLines = new Set(readFileSync(mobyHeldOut, 'utf8').split('\n').filter((line) => line.length > 0));
    const mobyTrain = join(dir, 'en-moby-dick.train-without-heldout.txt');
    writeFileSync(mobyTrain, readFileSync(join(DATA, 'en', 'en-moby-dick.train.txt'), 'utf8').split('\n').filter((line) => !heldOutLines.has(line)).join('\n'));
    const languages: Language[] = [
      { code: 'tr', trainFiles: readdirSync(join(DATA, 'tr')).filter((f) => f.endsWith('.train.txt')).map((f) => join(DATA, 'tr', f)), heldOut: join(DATA, 'tr', 'tr-ud-treebanks.eval.txt') },
      {
        code: 'en',
        trainFiles: [...readdirSync(join(DATA, 'en')).filter((f) => f.endsWith('.train.txt') && f !== 'en-moby-dick.train.txt').map((f) => join(DATA, 'en', f)), mobyTrain],
        heldOut: mobyHeldOut,
      },
    ];

    const machine = describeMachine();
    const lines: string[] = [];
    const missing = new Set<string>();
    let libCheck = '';
    for (const language of languages) {
      // 1. Train every contender, one after another.
      const trained: Trained[] = [];
      for (const contender of CONTENDERS) {
        process.stderr.write(`${language.code}: training ${contender.name}…\n`);
        const result = await train(contender, language, dir);
        if (result === undefined) missing.add(contender.model);
        else trained.push(result);
      }

      // 2. Bench them side by side on held-out text and on every eval file.
      process.stderr.write(`${language.code}: bench…\n`);
      const corpora: [string, string][] = [['heldout', language.heldOut], ...evalFiles.map((file): [string, string] => [file.split('/').pop()!.replace('.eval.txt', ''), file])];
      const report = runBench(trained, corpora, language.code === 'tr' ? 'tr' : undefined);

      // 3. The table rows.
      const heldOutName = language.heldOut.split('/').pop()!;
      lines.push('', `### ${language.code}: train on ${language.trainFiles.map((file) => file.split('/').pop()).join(', ')}; held-out text ${heldOutName}`, '');
      const trColumns = language.code === 'tr' ? ' %TR | %Pure |' : '';
      lines.push(`| tokenizer | train s | tokens | chars/token | types used |${trColumns} multi-word pieces | multi-word tokens | round-trip failures (all eval files) |`);
      lines.push(`|---|---:|---:|---:|---:|${language.code === 'tr' ? '---:|---:|' : ''}---:|---:|---:|`);
      for (const entry of trained) {
        const failures = corpora.reduce((sum, [name]) => sum + (figure(report, entry.name, name, 'roundTripFailures') ?? NaN), 0);
        const trCells = language.code === 'tr' ? ` ${format(figure(report, entry.name, 'heldout', 'trPercent'), 2)} | ${format(figure(report, entry.name, 'heldout', 'purePercent'), 2)} |` : '';
        lines.push(
          `| ${entry.name} | ${format(entry.trainSeconds, 1)} | ${format(figure(report, entry.name, 'heldout', 'tokens'))} | ${format(figure(report, entry.name, 'heldout', 'charsPerToken'), 3)} | ` +
            `${format(figure(report, entry.name, 'heldout', 'uniqueTokens'))} |${trCells} ${format(entry.multiWordPieces)} | ${format(entry.multiWordTokenShare * 100, 1)}% | ${format(failures)} |`,
        );
      }
      if (language.code === 'tr') {
        const charsPerToken = figure(report, 'lib', 'heldout', 'charsPerToken') ?? NaN;
        const multiWord = trained.find((entry) => entry.name === 'lib')?.multiWordPieces ?? 0;
        libCheck = `Check: the default 8k LiB vocabulary averages ${format(charsPerToken, 3)} characters per token on ${heldOutName} (required: well above 2) and has ${multiWord} multi-word pieces: ${charsPerToken > 2.5 && multiWord > 0 ? 'PASS' : 'FAIL'}.`;
      }
    }

    const section = [
      `Command: \`npm run bench:lib\` (bench/lib-bench.ts). Machine: ${machine}. Vocabulary size 8,000 ids for every tokenizer, default options, seed 0, one thread.`,
      `Rows: \`lib\` is \`toksmith ${CONTENDERS[0]!.command}\` (stops when the settled lexicon fills the vocabulary); \`lib-${LONG_LIB_STEPS}\` adds \`--steps ${LONG_LIB_STEPS}\` (the lexicon grows freely, then units on probation and the lowest ranks are pruned); \`bpe\` and \`unigram\` are the other registered trainers with their defaults.` +
        (missing.size > 0 ? ` Missing (not registered when this ran): ${[...missing].join(', ')}.` : ''),
      'Figures from `toksmith bench` in line mode: tokens, chars/token and types used (distinct ids) on the held-out text; %TR and %Pure on the Turkish held-out text with the shipped lists (`--lang tr`); round-trip failures summed over the held-out text and every `*.eval.txt` in ../shared/data (tr, legal, finance). Multi-word pieces have a space between two non-space characters; multi-word tokens is their share of held-out tokens. Train s is wall time of counting plus training, in one process.',
      ...lines,
      '',
      libCheck,
    ].join('\n');
    process.stdout.write(section + '\n');
    writeSection(section);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces the "(pending)" line (or the previous table) of the LiB section of RESULTS.md. */
function writeSection(section: string): void {
  const text = readFileSync(RESULTS, 'utf8');
  const start = text.indexOf(SECTION);
  if (start < 0) throw new Error(`${RESULTS} has no "${SECTION}" heading`);
  const bodyStart = start + SECTION.length;
  const next = text.indexOf('\n## ', bodyStart);
  const bodyEnd = next < 0 ? text.length : next;
  const marker = '<!-- written by bench/lib-bench.ts; the prose after the table is kept -->';
  const body = text.slice(bodyStart, bodyEnd);
  const keptProse = body.includes(marker) ? body.slice(body.indexOf(marker) + marker.length) : '\n';
  writeFileSync(RESULTS, text.slice(0, bodyStart) + '\n\n' + section + '\n\n' + marker + keptProse + text.slice(bodyEnd));
}

await main();
