// `toksmith demo`: the main job end to end on the sample corpora in bench/corpora. Trains a
// char vocabulary and, when this build registers their trainers, BPE, Unigram and LiB ones on
// *.train.txt, then benches them on the held-out files: %TR and %Pure with the shipped Turkish
// lists on the Turkish file, compression and round trips on all of them.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import { Command } from 'commander';
import { findTrainer, type CommonTrainOptions } from '../../trainers/index.js';
import { loadLexicon, shippedLexiconFiles } from '../../bench/lexicons.js';
import type { FigureKey } from '../../bench/metrics/keys.js';
import { renderTerminalReport } from '../../bench/report/table.js';
import { runBench, type CorpusInput } from '../../bench/runner.js';
import { fileSource } from '../corpus.js';
import { ToksmithError } from '../errors.js';
import type { Progress } from '../progress.js';
import { loadTokenizer, type LoadedTokenizer } from '../tokenizer-loader.js';
import type { Algorithm } from '../vocab.js';
import { saveVocab } from '../vocab-file.js';
import { packageRoot, TOKSMITH_VERSION } from '../version.js';
import { progressOptions, progressFor, type ProgressOptions } from './common.js';

interface DemoOptions extends ProgressOptions {
  outDir?: string;
}

/**
 * Vocabulary size per model, small enough that training on the sample corpora (about 0.6 MB)
 * takes seconds. Char has no size: it keeps characters until their coverage is reached.
 */
const DEMO_MODELS: { model: Algorithm; vocabSize?: number }[] = [
  { model: 'char' },
  { model: 'bpe', vocabSize: 2000 },
  { model: 'unigram', vocabSize: 2000 },
  { model: 'lib', vocabSize: 2000 },
];

const TABLE_FIGURES: FigureKey[] = [
  'vocabSize',
  'tokens',
  'tokensPerChar',
  'fewerTokensPercent',
  'fertility',
  'continuedWordRate',
  'trPercent',
  'purePercent',
  'trPercentTokens',
  'purePercentTokens',
  'roundTripFailures',
  'encodeMBps',
];

/** Trains one model on the training files, saves it and loads it back as a user's bench would. */
async function trainDemoVocab(model: Algorithm, vocabSize: number | undefined, trainFiles: string[], outDir: string, progress: Progress): Promise<LoadedTokenizer | undefined> {
  const trainer = findTrainer(model);
  if (trainer === undefined) return undefined;
  const options: CommonTrainOptions = {
    vocabSize,
    specials: [],
    normalizer: 'none',
    byteFallback: true,
    characterCoverage: 0.9995,
    seed: 0,
    threads: 1,
    raw: {},
  };
  trainer.check(options);
  const sources = trainFiles.map((file) => fileSource(file));
  const counts = await trainer.count(sources, {}, options, progress);
  const vocab = await trainer.train(counts, options, progress);
  vocab.provenance = { ...vocab.provenance!, command: 'toksmith demo', corpus: counts.corpus, createdAt: new Date().toISOString(), toksmithVersion: TOKSMITH_VERSION };
  const path = join(outDir, `${model}.tok`);
  saveVocab(vocab, path);
  return loadTokenizer(path, model);
}

export function demoCommand(): Command {
  const command = new Command('demo')
    .summary('train and compare vocabularies on the bundled sample corpora')
    .description(
      'Train char, BPE, Unigram and LiB vocabularies (those this build has trainers for) on bench/corpora/*.train.txt, ' +
        'then bench them on the held-out files, with %TR and %Pure on the Turkish one.',
    )
    .option('--out-dir <dir>', 'keep the trained vocabularies in this folder (default: a temporary folder, removed afterwards)');
  for (const option of progressOptions()) command.addOption(option);
  command.action(async (options: DemoOptions) => {
    const progress = progressFor(options);
    const corpora = join(packageRoot(), 'bench', 'corpora');
    const files = readdirSync(corpora).filter((name) => name.endsWith('.txt')).sort();
    const trainFiles = files.filter((name) => name.endsWith('.train.txt')).map((name) => join(corpora, name));
    const evalFiles = files.filter((name) => !name.endsWith('.train.txt'));
    const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'toksmith-demo-'));

    try {
      // 1. Train every registered model; a trainer that fails is reported and skipped.
      const startedAt = Date.now();
      const tokenizers: LoadedTokenizer[] = [];
      for (const { model, vocabSize } of DEMO_MODELS) {
        try {
          const tokenizer = await trainDemoVocab(model, vocabSize, trainFiles, outDir, progress);
          if (tokenizer !== undefined) tokenizers.push(tokenizer);
        } catch (error) {
          if (!(error instanceof ToksmithError)) throw error;
          progress.notice(`skipped ${model}: ${error.toLine()}`);
        }
      }
      const trainSeconds = (Date.now() - startedAt) / 1000;

      // 2. Bench: the Turkish file with the shipped lists, the English files without.
      const asCorpus = (name: string): CorpusInput => ({ name: name.replace(/\.txt$/, ''), sources: [fileSource(join(corpora, name))] });
      const turkish = evalFiles.filter((name) => name.startsWith('tr-')).map(asCorpus);
      const others = evalFiles.filter((name) => !name.startsWith('tr-')).map(asCorpus);
      const lists = shippedLexiconFiles('tr');
      const lexicon = loadLexicon([{ argument: '--lang tr', file: lists.words }], [{ argument: '--lang tr', file: lists.morphemes }], false);
      const runOptions = { baselineTokenizer: 'char' };
      const turkishReport = await runBench(tokenizers, turkish, [], { ...runOptions, lexicon }, progress);
      const otherReport = await runBench(tokenizers, others, [], runOptions, progress);

      // 3. Print.
      process.stdout.write(
        `${chalk.bold('toksmith demo')}: trained ${tokenizers.map((tokenizer) => `${tokenizer.name} (${tokenizer.vocabSize} ids)`).join(', ')} ` +
          `on ${trainFiles.length} sample files in ${trainSeconds.toFixed(1)} s${options.outDir === undefined ? '' : `, saved in ${outDir}`}\n\n`,
      );
      const tableOptions = { figures: TABLE_FIGURES, compact: true };
      process.stdout.write(renderTerminalReport(turkishReport, undefined, [], tableOptions) + '\n');
      process.stdout.write(renderTerminalReport(otherReport, undefined, [], tableOptions));
    } finally {
      if (options.outDir === undefined) rmSync(outDir, { recursive: true, force: true });
    }
  });
  return command;
}
