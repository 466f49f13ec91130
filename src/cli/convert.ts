// `toksmith convert`: read any supported tokenizer file and write it as .tok, tokenizer.json,
// SentencePiece .model or .tiktoken. The output replaces an earlier file only when writing
// succeeds.

import { Command, Option } from 'commander';
import { checkOutputPath, writeFileAtomic } from '../atomic-write.js';
import { ToksmithError, UsageError } from '../errors.js';
import { CONVERT_TARGETS, targetOfPath, writeTokenizer, type ConvertTarget, type WrittenTokenizer } from '../formats/writers.js';
import type { Vocab } from '../vocab.js';
import { progressFor, progressOptions, type ProgressOptions } from './common.js';
import { openVocab, patternOption, VOCAB_HELP, type VocabLoadOptions } from './vocab-options.js';

interface ConvertOptions extends ProgressOptions, VocabLoadOptions {
  output: string;
  to?: ConvertTarget;
}

/**
 * Writes `vocab` as `target`. When the target cannot hold it, the one-line error names the
 * formats that can, found by trying each writer.
 */
function writeOrExplain(vocab: Vocab, target: ConvertTarget): WrittenTokenizer {
  try {
    return writeTokenizer(vocab, target);
  } catch (error) {
    if (!(error instanceof ToksmithError)) throw error;
    const viable = CONVERT_TARGETS.filter((other) => other !== target && canWrite(vocab, other));
    const own = error.hint === undefined || error.hint.startsWith('convert it') ? undefined : error.hint;
    const alternatives = `convert it --to ${viable.length > 1 ? `${viable.slice(0, -1).join(', ')} or ${viable.at(-1)}` : viable[0]}`;
    throw new ToksmithError(error.message, { hint: own === undefined ? alternatives : `${own}, or ${alternatives}`, exitCode: error.exitCode, cause: error });
  }
}

function canWrite(vocab: Vocab, target: ConvertTarget): boolean {
  try {
    writeTokenizer(vocab, target);
    return true;
  } catch (error) {
    if (error instanceof ToksmithError) return false;
    throw error;
  }
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
    const written = writeOrExplain(vocab, target);
    const implied = targetOfPath(options.output);
    if (implied !== undefined && implied !== target) progress.notice(`writing ${target} content to a file whose extension stands for ${implied}`);
    writeFileAtomic(options.output, written.contents);
    for (const notice of written.notices) progress.notice(notice);
  });
  return command;
}
