// `toksmith train`: count the corpus (or merge saved counts), train a vocabulary, and write
// it atomically as a .tok file with its provenance.

import { Command } from 'commander';
import { saveCounts } from '../../trainers/counting.js';
import { checkOutputPath } from '../atomic-write.js';
import { saveVocab } from '../vocab-file.js';
import { TOKSMITH_VERSION } from '../version.js';
import { countKinds } from '../vocab.js';
import { parsePositiveInteger, progressFor } from './common.js';
import { addCountingOptions, checkTrainerFlags, explicitOptions, gatherCounts, prepareTraining, type TrainCommandOptions } from './train-options.js';

/** Quotes a command-line argument for the provenance record when the shell would need it. */
function shellQuote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

export function trainCommand(): Command {
  const command = new Command('train')
    .summary('train a vocabulary from text files, globs or stdin')
    .description('Train a vocabulary (char, bpe, unigram or lib) from text and write it as a .tok file.')
    .argument('[input...]', 'text files, globs or - for stdin (default: stdin)')
    .requiredOption('-o, --output <file>', 'vocabulary file to write (.tok)')
    .option('--vocab-size <n>', 'total number of ids, including <unk>, specials and byte pieces', parsePositiveInteger('--vocab-size'))
    .option('--save-counts <file>', 'also save the counts of the statistics step, for merging later');
  addCountingOptions(command);
  command.action(async (inputs: string[], options: TrainCommandOptions & { output: string; saveCounts?: string }, self: Command) => {
    const progress = progressFor(options);
    checkOutputPath(options.output, '-o');
    if (options.saveCounts !== undefined) checkOutputPath(options.saveCounts, '--save-counts');
    const { trainer, common } = prepareTraining(options);
    checkTrainerFlags(self, options.model);
    const counts = await gatherCounts(inputs, options, trainer, common, progress, explicitOptions(self));
    if (options.saveCounts !== undefined) saveCounts(counts, options.saveCounts);

    const vocab = await trainer.train(counts, common, progress);
    vocab.provenance = {
      ...vocab.provenance,
      command: ['toksmith', ...process.argv.slice(2)].map(shellQuote).join(' '),
      corpus: counts.corpus,
      createdAt: new Date().toISOString(),
      toksmithVersion: TOKSMITH_VERSION,
    };
    saveVocab(vocab, options.output);

    const kinds = countKinds(vocab);
    progress.notice(
      `wrote ${options.output}: ${vocab.kinds.length} ids (${kinds.normal} normal, ${kinds.byte} byte-fallback, ${kinds.special + kinds.unknown} special), ` +
        `${vocab.algorithm}, default method ${vocab.defaultMethod}`,
    );
  });
  return command;
}
