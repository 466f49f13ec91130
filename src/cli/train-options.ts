// Options shared by `train` and `count`, and the statistics step they both run: resolve the
// inputs (or load saved counts), count, and merge.

import { Command, Option } from 'commander';
import { findTrainer, availableModels, type CommonTrainOptions, type Trainer } from '../../trainers/index.js';
import { CountTable, loadCounts } from '../../trainers/counting.js';
import { parseInvalidPolicy, readLineBatches, resolveInputs, type InvalidPolicy } from '../corpus.js';
import { ToksmithError, UsageError } from '../errors.js';
import { createNormalizer, NORMALIZER_NAMES, type NormalizerName } from '../normalizers.js';
import { parsePreTokenizerName } from '../pre-tokenizers.js';
import type { Progress } from '../progress.js';
import { ALGORITHMS, type Algorithm } from '../vocab.js';
import { collect, parseNumberIn, parsePositiveInteger, progressOptions, stdinSource, type ProgressOptions } from './common.js';

export interface TrainCommandOptions extends ProgressOptions {
  model: Algorithm;
  vocabSize?: number;
  special?: string[];
  normalizer: string;
  preTokenizer?: string;
  byteFallback: boolean;
  characterCoverage: number;
  onInvalid: InvalidPolicy;
  fromCounts?: string[];
  seed: number;
  threads: number;
  [key: string]: unknown;
}

/** Adds the options of the statistics step, shared by `train` and `count`. */
export function addCountingOptions(command: Command): Command {
  command
    .addOption(new Option('-m, --model <model>', 'algorithm to train').choices(ALGORITHMS).makeOptionMandatory())
    .addOption(new Option('--normalizer <name>', 'text normalization before counting').choices(NORMALIZER_NAMES).default('none'))
    .option('--pre-tokenizer <name>', 'how text is split before training (default: the model\'s own)')
    .option('--special <token>', 'add a special token, never produced from text (repeatable)', collect)
    .option('--no-byte-fallback', 'leave out the 256 <0xNN> byte pieces, so unknown characters become <unk>')
    .option('--character-coverage <share>', 'share of character occurrences that kept characters must cover', parseNumberIn('--character-coverage', 0, 1), 0.9995)
    .option('--on-invalid <policy>', 'what to do with invalid UTF-8: error, replace or skip the line', parseInvalidPolicy, 'error')
    .option('--from-counts <file>', 'merge saved counts instead of reading input (repeatable)', collect)
    .option('--seed <n>', 'random seed for trainers that sample', (value) => parseNumberIn('--seed', 0, 2 ** 32 - 1)(value), 0)
    .option('--threads <n>', 'worker threads for counting', parsePositiveInteger('--threads'), 1);
  for (const option of progressOptions()) command.addOption(option);

  // Trainer-specific options: the first trainer to declare a flag adds it. Every trainer that
  // declares it is recorded, so that a flag given for another model can be rejected.
  const flags = new Set(command.options.map((option) => option.long));
  const commonFlags = new Set(flags);
  const owners = new Map<string, Set<Algorithm>>();
  for (const model of availableModels()) {
    for (const option of findTrainer(model)!.cliOptions?.() ?? []) {
      const long = option.long ?? option.flags;
      if (commonFlags.has(option.long)) continue;
      if (!owners.has(long)) owners.set(long, new Set());
      owners.get(long)!.add(model);
      if (flags.has(option.long)) continue;
      flags.add(option.long);
      command.addOption(option);
    }
  }
  FLAG_OWNERS.set(command, owners);
  return command;
}

const FLAG_OWNERS = new WeakMap<Command, Map<string, Set<Algorithm>>>();

/** Names of the options given on the command line (not defaults). */
export function explicitOptions(command: Command): Set<string> {
  const names = new Set<string>();
  for (const option of command.options) {
    if (command.getOptionValueSource(option.attributeName()) === 'cli') names.add(option.attributeName());
  }
  return names;
}

/** Rejects trainer options given for a model whose trainer does not read them. */
export function checkTrainerFlags(command: Command, model: Algorithm): void {
  const owners = FLAG_OWNERS.get(command);
  if (owners === undefined) return;
  for (const option of command.options) {
    const models = owners.get(option.long ?? option.flags);
    if (models === undefined || models.has(model)) continue;
    if (command.getOptionValueSource(option.attributeName()) !== 'cli') continue;
    throw new UsageError(`${option.long} applies to ${[...models].join(' and ')} training, not ${model}`, `drop ${option.long} or use --model ${[...models][0]}`);
  }
}

/** Converts command-line options into trainer options and finds the trainer. */
export function prepareTraining(options: TrainCommandOptions): { trainer: Trainer; common: CommonTrainOptions } {
  const trainer = findTrainer(options.model);
  if (trainer === undefined) {
    throw new UsageError(`model '${options.model}' has no trainer in this toksmith version`, `use one of: ${availableModels().join(', ')}`);
  }
  createNormalizer(options.normalizer);
  const common: CommonTrainOptions = {
    vocabSize: options.vocabSize,
    specials: options.special ?? [],
    normalizer: options.normalizer as NormalizerName,
    preTokenizer: options.preTokenizer === undefined ? undefined : parsePreTokenizerName(options.preTokenizer),
    byteFallback: options.byteFallback,
    characterCoverage: options.characterCoverage,
    seed: options.seed,
    threads: options.threads,
    raw: options,
  };
  trainer.check(common);
  return { trainer, common };
}

/**
 * Runs the statistics step: loads and merges `--from-counts` files, or counts the inputs.
 * Lines skipped by `--on-invalid skip` are reported as one notice with their number.
 */
export async function gatherCounts(
  inputs: readonly string[],
  options: TrainCommandOptions,
  trainer: Trainer,
  common: CommonTrainOptions,
  progress: Progress,
  explicit: ReadonlySet<string> = new Set(),
): Promise<CountTable> {
  if (options.fromCounts !== undefined) {
    if (inputs.length > 0) {
      throw new UsageError('both INPUT files and --from-counts were given', 'pass either the corpus or saved counts, not both');
    }
    let merged: CountTable | undefined;
    for (const path of options.fromCounts) {
      const table = loadCounts(path);
      if (merged === undefined) merged = table;
      else merged.merge(table, path);
    }
    // The counts fix the text settings; an explicit different one would be silently ignored.
    const settings = merged!.settings;
    if (explicit.has('normalizer') && options.normalizer !== settings.normalizer) {
      throw new UsageError(`--normalizer ${options.normalizer} differs from the counts' normalizer ${settings.normalizer}`, 'drop --normalizer or recount with it');
    }
    if (explicit.has('preTokenizer') && options.preTokenizer !== settings.preTokenizer.type) {
      throw new UsageError(`--pre-tokenizer ${options.preTokenizer} differs from the counts' pre-tokenizer ${settings.preTokenizer.type}`, 'drop --pre-tokenizer or recount with it');
    }
    return merged!;
  }

  const sources = await resolveInputs(inputs.length === 0 ? ['-'] : inputs, stdinSource());
  const digests: CountTable['corpus'] = [];
  let skipped = 0;
  let firstSkipped = '';
  const counts = await trainer.count(
    sources,
    {
      onInvalid: options.onInvalid,
      onDigest: (digest) => digests.push(digest),
      onSkip: (source, line) => {
        if (skipped++ === 0) firstSkipped = `${source}:${line}`;
      },
    },
    common,
    progress,
  );
  if (skipped > 0) progress.notice(`skipped ${skipped} ${skipped === 1 ? 'line' : 'lines'} with invalid UTF-8 (first at ${firstSkipped})`);
  counts.corpus.push(...digests);
  if (counts.total() === 0) {
    throw new ToksmithError(`the corpus is empty (${sources.map((source) => source.name).join(', ')})`, {
      hint: 'pass a non-empty text file',
    });
  }
  return counts;
}
