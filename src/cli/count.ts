// `toksmith count`: run only the statistics step of a trainer and save the counts, so that
// shards of a corpus can be counted apart and merged by `train --from-counts`.

import { Command } from 'commander';
import { saveCounts } from '../../trainers/counting.js';
import { checkOutputPath } from '../atomic-write.js';
import { progressFor } from './common.js';
import { addCountingOptions, checkTrainerFlags, explicitOptions, gatherCounts, prepareTraining, type TrainCommandOptions } from './train-options.js';

export function countCommand(): Command {
  const command = new Command('count')
    .summary('count a corpus shard for a trainer and save the counts')
    .description('Run the statistics step of a trainer and save mergeable counts (use train --from-counts to merge and train).')
    .argument('[input...]', 'text files, globs or - for stdin (default: stdin)')
    .requiredOption('-o, --output <file>', 'counts file to write (.counts)');
  addCountingOptions(command);
  command.action(async (inputs: string[], options: TrainCommandOptions & { output: string }, self: Command) => {
    const progress = progressFor(options);
    checkOutputPath(options.output, '-o');
    const { trainer, common } = prepareTraining(options);
    checkTrainerFlags(self, options.model);
    const counts = await gatherCounts(inputs, options, trainer, common, progress, explicitOptions(self));
    saveCounts(counts, options.output);
    progress.notice(`wrote ${options.output}: ${counts.counts.size} distinct ${counts.settings.unit}, total ${counts.total()}`);
  });
  return command;
}
