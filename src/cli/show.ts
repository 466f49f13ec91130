// `toksmith show`: prints text as one or more vocabularies cut it, token by token in
// alternating colours, with a summary line per vocabulary, for judging a tokenizer by eye.

import { Chalk, supportsColor } from 'chalk';
import { Command, Option } from 'commander';
import { parseInvalidPolicy, readDocuments, resolveInputs, type InvalidPolicy } from '../corpus.js';
import { Encoder } from '../encoder.js';
import { UsageError } from '../errors.js';
import { renderTokens } from '../token-view.js';
import { encoderSettings, encodingOptions, openVocab, type EncodingOptions } from './vocab-options.js';
import { METHODS, type MethodName } from '../vocab.js';
import { collect, stdinSource } from './common.js';

interface ShowOptions extends EncodingOptions {
  vocab: string[];
  method?: MethodName;
  input?: string;
  ids?: boolean;
  color?: boolean;
  onInvalid: InvalidPolicy;
}

/** Colour level: forced by --color or --no-color, else off for NO_COLOR or when stdout is not a terminal. */
export function colorLevel(option: boolean | undefined, environment: NodeJS.ProcessEnv, isTerminal: boolean): 0 | 1 | 2 | 3 {
  const detected = supportsColor === false ? 0 : supportsColor.level;
  if (option === true) return Math.max(1, detected) as 1 | 2 | 3;
  if (option === false) return 0;
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== '') return 0;
  return isTerminal ? detected : 0;
}

async function readText(text: string[], input: string | undefined, onInvalid: InvalidPolicy): Promise<string> {
  if (text.length > 0 && input !== undefined) {
    throw new UsageError('both TEXT and --input were given', 'pass the text as arguments or in a file, not both');
  }
  if (text.length > 0) return text.join(' ');
  const sources = await resolveInputs([input ?? '-'], stdinSource());
  let whole = '';
  for await (const document of readDocuments(sources, { onInvalid })) whole += document.text;
  return whole;
}

export function showCommand(): Command {
  const command = new Command('show')
    .summary('show how vocabularies cut a text, token by token in colour')
    .description('Print text with alternating colours per token, for one or more vocabularies stacked for comparison.')
    .argument('[text...]', 'text to show (default: --input, or stdin)')
    .requiredOption('-v, --vocab <file>', 'vocabulary file (repeatable, shown in order)', collect)
    .addOption(new Option('--method <method>', 'segmentation method (default: each vocabulary\'s own)').choices(METHODS))
    .option('-i, --input <file>', 'read the text from this file (- for stdin)')
    .option('--ids', 'print the ids under the pieces')
    .option('--color', 'use colour even when stdout is not a terminal')
    .option('--no-color', 'never use colour (tokens are then separated by spaces)')
    .option('--on-invalid <policy>', 'what to do with invalid UTF-8: error, or replace it with U+FFFD', parseInvalidPolicy, 'error');
  for (const option of encodingOptions()) command.addOption(option);

  command.action(async (text: string[], options: ShowOptions) => {
    const chalk = new Chalk({ level: colorLevel(options.color, process.env, process.stdout.isTTY === true) });
    const vocabs = options.vocab.map((path) => ({ path, vocab: openVocab(path, options) }));
    const content = await readText(text, options.input, options.onInvalid);
    const chars = [...content].length;
    const blocks: string[] = [];
    for (const { path, vocab } of vocabs) {
      const encoder = new Encoder(vocab, options.method ?? vocab.defaultMethod, encoderSettings(options));
      const ids = encoder.encode(content).ids;
      const perToken = ids.length === 0 ? 0 : chars / ids.length;
      const header = chalk.bold(`${path} (${vocab.algorithm}, ${vocab.kinds.length} ids, ${encoder.method})`);
      const summary = chalk.dim(`${ids.length} tokens, ${chars} chars, ${perToken.toFixed(2)} chars per token`);
      blocks.push(`${header}\n${renderTokens(vocab, ids, chalk, options.ids === true)}${summary}\n`);
    }
    process.stdout.write(blocks.join('\n'));
  });
  return command;
}
