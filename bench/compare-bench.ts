// Bench script on the toksmith data set (../shared/data by default). It trains char and BPE
// (8k and 32k ids) vocabularies on Turkish and on legal + finance text. It then measures %TR and
// %Pure on the Turkish eval file with the shipped lists, and tokens per character on the legal
// and finance eval files and on term lists from the LexPredict dictionary. The tables go into
// the "Bench" section of bench/RESULTS.md, and the script exits with 1 when a figure is implausible.
// Usage: npm run bench:compare [-- DATA_FOLDER]

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { findTrainer, type CommonTrainOptions } from '../trainers/index.js';
import { fileSource } from '../src/corpus.js';
import { silentProgress } from '../src/progress.js';
import { loadTokenizer, type LoadedTokenizer } from '../src/tokenizer-loader.js';
import type { Algorithm } from '../src/vocab.js';
import { saveVocab } from '../src/vocab-file.js';
import { loadLexicon, parseListSpec, shippedLexiconFiles } from './lexicons.js';
import { FIGURES } from './metrics/keys.js';
import { renderMarkdownReport } from './report/markdown.js';
import { domainTermLists } from './domain-terms.js';
import { runBench, type BenchReport } from './runner.js';

const SECTION = '## Bench: compression, %TR and %Pure, domain terms';
const root = join(import.meta.dirname, '..');
const data = process.argv[2] ?? join(root, '..', 'shared', 'data');

const TURKISH_TRAIN = ['tr-libreoffice-help', 'tr-manpages', 'tr-news-starlang', 'tr-penntreebank-starlang', 'tr-ud-treebanks'].map((name) => join(data, 'tr', `${name}.train.txt`));
const DOMAIN_TRAIN = [join(data, 'legal', 'en-us-legislation-uslm.train.txt'), join(data, 'finance', 'en-sec-10-k-edgar.train.txt')];

interface Trained {
  tokenizer: LoadedTokenizer;
  seconds: number;
}

function machineLine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Node ${process.version}`;
}

function loadLine(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

async function train(model: Algorithm, vocabSize: number | undefined, files: string[], name: string, folder: string): Promise<Trained | undefined> {
  const trainer = findTrainer(model);
  if (trainer === undefined) return undefined;
  const options: CommonTrainOptions = { vocabSize, specials: [], normalizer: 'none', byteFallback: true, characterCoverage: 0.9995, seed: 0, threads: 1, raw: {} };
  trainer.check(options);
  const startedAt = performance.now();
  const counts = await trainer.count(files.map((file) => fileSource(file)), {}, options, silentProgress);
  const vocab = await trainer.train(counts, options, silentProgress);
  const seconds = (performance.now() - startedAt) / 1000;
  const path = join(folder, `${name}.tok`);
  saveVocab(vocab, path);
  process.stderr.write(`trained ${name}: ${vocab.pieces.length} ids in ${seconds.toFixed(1)} s\n`);
  return { tokenizer: loadTokenizer(path, name), seconds };
}

/** Lists implausible figures: non-finite numbers, percentages outside 0–100, shares outside 0–1. */
function implausible(report: BenchReport): string[] {
  const problems: string[] = [];
  for (const pair of report.results) {
    for (const info of FIGURES) {
      const value = pair.figures[info.key];
      if (value === undefined) continue;
      const where = `${pair.tokenizer} × ${pair.corpus}: ${info.key} = ${value}`;
      if (!Number.isFinite(value)) problems.push(`${where} is not finite`);
      else if (['trPercent', 'purePercent', 'trPercentTokens', 'purePercentTokens'].includes(info.key) && (value < 0 || value > 100)) problems.push(`${where} is outside 0–100`);
      else if (['continuedWordRate', 'vocabUtilization', 'renyiEfficiency'].includes(info.key) && (value < 0 || value > 1)) problems.push(`${where} is outside 0–1`);
    }
  }
  return problems;
}

function writeSection(body: string): void {
  const path = join(root, 'bench', 'RESULTS.md');
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(SECTION);
  if (start < 0) throw new Error(`${path} has no '${SECTION}' heading`);
  const bodyStart = start + SECTION.length;
  const next = text.indexOf('\n## ', bodyStart);
  const end = next < 0 ? text.length : next + 1;
  writeFileSync(path, `${text.slice(0, bodyStart)}\n\n${body.trim()}\n\n${text.slice(end)}`);
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'toksmith-compare-bench-'));
  const loadBefore = loadLine();
  try {
    // 1. Train char and BPE 8k/32k on Turkish and on legal + finance text.
    const hasBpe = findTrainer('bpe') !== undefined;
    const turkish = [await train('char', undefined, TURKISH_TRAIN, 'char-tr', folder)];
    const domain = [await train('char', undefined, DOMAIN_TRAIN, 'char-en', folder)];
    if (hasBpe) {
      for (const size of [8000, 32000]) {
        turkish.push(await train('bpe', size, TURKISH_TRAIN, `bpe-tr-${size / 1000}k`, folder));
        domain.push(await train('bpe', size, DOMAIN_TRAIN, `bpe-en-${size / 1000}k`, folder));
      }
    }
    const turkishTokenizers = turkish.filter((item): item is Trained => item !== undefined);
    const domainTokenizers = domain.filter((item): item is Trained => item !== undefined);

    // 2. Bench: Turkish eval with the shipped lists; legal and finance eval and term lists.
    const lists = shippedLexiconFiles('tr');
    const lexicon = loadLexicon([parseListSpec('--words', lists.words)], [parseListSpec('--morphemes', lists.morphemes)], false);
    const turkishReport = await runBench(
      turkishTokenizers.map((item) => item.tokenizer),
      [{ name: 'tr-ud-treebanks.eval', sources: [fileSource(join(data, 'tr', 'tr-ud-treebanks.eval.txt'))] }],
      [],
      { lexicon, baselineTokenizer: 'char-tr' },
      silentProgress,
    );
    const domainReport = await runBench(
      [...domainTokenizers, ...turkishTokenizers.slice(1)].map((item) => item.tokenizer),
      [
        { name: 'en-us-legislation-uslm.eval', sources: [fileSource(join(data, 'legal', 'en-us-legislation-uslm.eval.txt'))] },
        { name: 'en-sec-10-k-edgar.eval', sources: [fileSource(join(data, 'finance', 'en-sec-10-k-edgar.eval.txt'))] },
      ],
      domainTermLists(data),
      { baselineTokenizer: 'char-en' },
      silentProgress,
    );

    // 3. Sanity: BPE must find far more Turkish words than characters do, and no figure may be implausible.
    const problems = [...implausible(turkishReport), ...implausible(domainReport)];
    const trOf = (name: string): number | undefined => turkishReport.results.find((pair) => pair.tokenizer === name)?.figures.trPercent;
    const charTr = trOf('char-tr') ?? 0;
    for (const name of ['bpe-tr-8k', 'bpe-tr-32k']) {
      const bpeTr = trOf(name);
      if (bpeTr !== undefined && bpeTr < charTr + 10) problems.push(`${name}: trPercent ${bpeTr.toFixed(2)} is not well above char-tr's ${charTr.toFixed(2)}`);
    }

    // 4. Record.
    const trainLine = (items: Trained[]): string => items.map((item) => `${item.tokenizer.name} ${item.tokenizer.vocabSize} ids in ${item.seconds.toFixed(1)} s`).join(', ');
    const body = [
      `Command: \`npm run bench:compare\` (bench/compare-bench.ts) on ${new Date().toISOString().slice(0, 10)}.`,
      `Machine: ${machineLine()}; load average ${loadBefore} at the start, ${loadLine()} at the end (other jobs shared the 2 cores, so timings are rough).`,
      `Training (BPE: byte-level, the trainer's defaults${hasBpe ? '' : '; NOT RUN, no BPE trainer registered, char only'}): ` +
        `Turkish vocabularies on the five tr/*.train.txt files (10.7 MB): ${trainLine(turkishTokenizers)}; ` +
        `legal + finance vocabularies on legal/en-us-legislation-uslm.train.txt and finance/en-sec-10-k-edgar.train.txt (13.2 MB): ${trainLine(domainTokenizers)}.`,
      '%TR and %Pure use the shipped lists (vocab/lexicons), not the online analyser of the original benchmark, so absolute values differ from the paper\'s.',
      'The term lists split en-legal-financial-terms-lexpredict.tsv by source: US GAAP/FASB/GASB lists are financial terms, the rest legal terms.',
      '',
      '### Turkish: %TR and %Pure (tr/tr-ud-treebanks.eval.txt, --lang tr)',
      '',
      renderMarkdownReport(turkishReport, undefined, [], 4),
      '### Legal and finance: tokens per character and domain terms (legal/en-us-legislation-uslm.eval.txt, finance/en-sec-10-k-edgar.eval.txt)',
      '',
      renderMarkdownReport(domainReport, undefined, [], 4),
      problems.length === 0 ? 'Sanity checks passed: BPE %TR well above char, no NaN, percentages within 0–100.' : `Sanity checks FAILED:\n${problems.map((problem) => `- ${problem}`).join('\n')}`,
    ].join('\n');
    writeSection(body);
    process.stdout.write(`${body}\n`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
