// `toksmith decode`: turn ids back into text. Each input line contains the ids of one line
// (written back followed by LF) or, with --document, of one document (written back as is).
// Lines may also be the JSON objects of `encode --format jsonl`.

import { Command } from 'commander';
import { checkOutputPath } from '../atomic-write.js';
import { readLineBatches, resolveInputs } from '../corpus.js';
import { Decoder } from '../encoder.js';
import { ToksmithError } from '../errors.js';
import { openVocab, patternOption, VOCAB_HELP, type VocabLoadOptions } from './vocab-options.js';
import { OutputWriter, progressOptions, progressFor, stdinSource, type ProgressOptions } from './common.js';

interface DecodeOptions extends ProgressOptions, VocabLoadOptions {
  vocab: string;
  document?: boolean;
  output?: string;
}

const LINE_FEED = Uint8Array.of(0x0a);

/** Parses one input line of ids; `where` is `file:line` for error messages. */
export function parseIdLine(line: string, where: string, vocabSize: number): number[] {
  const fast = parseSpaceSeparatedIds(line, vocabSize);
  if (fast !== undefined) return fast;
  const trimmed = line.trim();
  if (trimmed === '') return [];
  let fields: unknown[];
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new ToksmithError(`${where}: invalid JSON line: ${(error as Error).message}`, { hint: 'pass the output of encode --format ids or jsonl' });
    }
    const ids = (parsed as { ids?: unknown }).ids;
    if (!Array.isArray(ids)) throw new ToksmithError(`${where}: JSON line has no "ids" array`, { hint: 'pass the output of encode --format jsonl' });
    fields = ids;
  } else {
    fields = trimmed.split(/[ \t]+/);
  }
  return fields.map((field, index) => {
    const id = typeof field === 'number' ? field : /^\d+$/.test(String(field)) ? Number(field) : NaN;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new ToksmithError(`${where}: invalid id '${String(field)}' (token ${index + 1}); ids run from 0 to ${vocabSize - 1}`, {
        hint: 'decode reads the ids or jsonl output of encode, made with the same vocabulary',
      });
    }
    return id;
  });
}

/**
 * Parses ids separated by single spaces, the output of `encode --format ids`, without
 * allocating strings. Returns undefined for anything else, which the general parser handles.
 */
function parseSpaceSeparatedIds(line: string, vocabSize: number): number[] | undefined {
  const ids: number[] = [];
  let value = -1;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      value = value < 0 ? code - 0x30 : value * 10 + (code - 0x30);
      if (value >= vocabSize) return undefined;
    } else if (code === 0x20 && value >= 0) {
      ids.push(value);
      value = -1;
    } else {
      return undefined;
    }
  }
  if (value >= 0) ids.push(value);
  else if (line.length > 0) return undefined;
  return ids;
}

export function decodeCommand(): Command {
  const command = new Command('decode')
    .summary('turn ids back into text')
    .description('Decode ids (space-separated, one line per encoded line or document) back into text.')
    .argument('[input...]', 'files of ids, globs or - for stdin (default: stdin)')
    .requiredOption('-v, --vocab <file>', VOCAB_HELP)
    .addOption(patternOption())
    .option('--document', 'write each decoded line as is, without adding a line feed')
    .option('-o, --output <file>', 'write to this file instead of stdout (replaced only when the run succeeds)');
  for (const option of progressOptions()) command.addOption(option);

  command.action(async (inputs: string[], options: DecodeOptions) => {
    const progress = progressFor(options);
    if (options.output !== undefined && options.output !== '-') checkOutputPath(options.output, '-o');
    const vocab = openVocab(options.vocab, options);
    const decoder = new Decoder(vocab);
    const sources = await resolveInputs(inputs.length === 0 ? ['-'] : inputs, stdinSource());
    const output = new OutputWriter(options.output);
    try {
      for await (const batch of readLineBatches(sources, { progress })) {
        for (let k = 0; k < batch.lines.length; k++) {
          const ids = parseIdLine(batch.lines[k]!, `${batch.source}:${batch.firstLineNumber + k}`, vocab.kinds.length);
          output.write(decoder.decode(ids));
          if (!options.document) output.write(LINE_FEED);
        }
        await output.flushIfFull();
      }
      await output.close();
    } catch (error) {
      output.abort();
      throw error;
    }
  });
  return command;
}
