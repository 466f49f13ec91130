// `toksmith convert`: read any supported tokenizer file and write it as .tok, tokenizer.json,
// SentencePiece .model or .tiktoken. The output replaces an earlier file only when writing
// succeeds.

import { Command, Option } from 'commander';
import { checkOutputPath, writeFileAtomic } from '../atomic-write.js';
import { UsageError } from '../errors.js';
import { CONVERT_TARGETS, targetOfPath, writeTokenizer, type ConvertTarget } from '../formats/writers.js';
import { progressFor, progressOptions, type ProgressOptions } from './common.js';
import { openVocab, patternOption, VOCAB_HELP, type VocabLoadOptions } from './vocab-options.js';

interface ConvertOptions extends ProgressOptions, VocabLoadOptions {
  output: string;
  to?: ConvertTarget;
}

export function convertCommand(): Command {
  const command = new Command('convert')
    .summary('convert a tokenizer file to another format')
    .description('Read a tokenizer file in any supported format and write it as .tok, tokenizer.json (hf), SentencePiece .model (spm) or .tiktoken.')
    .argument('<input>', VOCAB_HELP)
    .requiredOption('-o, --output <file>', 'file to write (replaced only when the conversion succeeds)')
    .addOption(new Option('--to <format>', 'output format (default: from the output extension: .tok, .json, .model, .tiktoken)').choices(CONVERT_TARGETS))
    .addOption(patternOption());
  for (const option of progressOptions()) command.addOption(option);

  command.action((input: string, options: ConvertOptions) => {
    const progress = progressFor(options);
    const target = options.to ?? targetOfPath(options.output);
    if (target === undefined) {
      throw new UsageError(`cannot tell the output format from '${options.output}'`, 'pass --to tok, hf, spm or tiktoken');
    }
    checkOutputPath(options.output, '-o');
    const vocab = openVocab(input, options);
    const written = writeTokenizer(vocab, target);
    writeFileAtomic(options.output, written.contents);
    for (const notice of written.notices) progress.notice(notice);
  });
  return command;
}
