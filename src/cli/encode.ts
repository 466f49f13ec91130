// `toksmith encode`: apply a vocabulary to text, line by line (default) or file by file
// (--document), and print ids, pieces, JSON lines with offsets, or token counts.

import { Command, Option } from 'commander';
import { parseInvalidPolicy, readDocuments, readLineBatches, resolveInputs, type InvalidPolicy } from '../corpus.js';
import { Encoder, type Encoding } from '../encoder.js';
import { loadVocab } from '../vocab-file.js';
import { displayBytes } from '../utf8.js';
import { METHODS, pieceLabel, type MethodName, type Vocab } from '../vocab.js';
import { OutputWriter, progressOptions, progressFor, stdinSource, type ProgressOptions } from './common.js';

export const ENCODE_FORMATS = ['ids', 'pieces', 'jsonl', 'count'] as const;
type EncodeFormat = (typeof ENCODE_FORMATS)[number];

interface EncodeOptions extends ProgressOptions {
  vocab: string;
  format: EncodeFormat;
  method?: MethodName;
  document?: boolean;
  output?: string;
  onInvalid: InvalidPolicy;
}

/**
 * Formats a piece for the `pieces` format: a space shows as ▁, LF and CR as <0x0A> and <0x0D>
 * so each line or document stays on one output line, and bytes that are not valid UTF-8 as <0xNN>.
 */
export function displayPiece(bytes: Uint8Array): string {
  return displayBytes(bytes).replace(/ /g, '\u2581').replace(/\n/g, '<0x0A>').replace(/\r/g, '<0x0D>');
}

/** Formats encodings in one of the output formats, caching piece labels. */
class EncodingFormatter {
  private readonly labels: (string | undefined)[];

  constructor(
    private readonly vocab: Vocab,
    private readonly format: EncodeFormat,
  ) {
    this.labels = new Array(vocab.pieces.length);
  }

  label(id: number): string {
    let label = this.labels[id];
    if (label === undefined) {
      label = pieceLabel(this.vocab, id, displayPiece);
      this.labels[id] = label;
    }
    return label;
  }

  line(encoding: Encoding): string {
    switch (this.format) {
      case 'ids':
        return encoding.ids.join(' ');
      case 'pieces':
        return encoding.ids.map((id) => this.label(id)).join(' ');
      case 'count':
        return String(encoding.ids.length);
      case 'jsonl': {
        const offsets = encoding.offsets ?? [];
        const pairs: [number, number][] = [];
        for (let k = 0; k < offsets.length; k += 2) pairs.push([offsets[k]!, offsets[k + 1]!]);
        return JSON.stringify({ ids: encoding.ids, pieces: encoding.ids.map((id) => this.label(id)), offsets: pairs });
      }
    }
  }
}

export function encodeCommand(): Command {
  const command = new Command('encode')
    .summary('tokenize text into ids, pieces, JSON lines or counts')
    .description('Encode text with a vocabulary: one output line per input line, or per file with --document.')
    .argument('[input...]', 'text files, globs or - for stdin (default: stdin)')
    .requiredOption('-v, --vocab <file>', 'vocabulary file (.tok)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(ENCODE_FORMATS).default('ids'))
    .addOption(new Option('--method <method>', 'segmentation method (default: the vocabulary\'s own)').choices(METHODS))
    .option('--document', 'encode each input file whole, line feeds included, as one output line')
    .option('-o, --output <file>', 'write to this file instead of stdout (replaced only when the run succeeds)')
    .option('--on-invalid <policy>', 'what to do with invalid UTF-8: error, replace or skip the line', parseInvalidPolicy, 'error');
  for (const option of progressOptions()) command.addOption(option);

  command.action(async (inputs: string[], options: EncodeOptions) => {
    const progress = progressFor(options);
    const vocab = loadVocab(options.vocab);
    const encoder = new Encoder(vocab, options.method ?? vocab.defaultMethod);
    const sources = await resolveInputs(inputs.length === 0 ? ['-'] : inputs, stdinSource());
    const formatter = new EncodingFormatter(vocab, options.format);
    const withOffsets = options.format === 'jsonl';
    let skipped = 0;
    const readOptions = { onInvalid: options.onInvalid, progress, onSkip: () => void skipped++ };

    const output = new OutputWriter(options.output);
    try {
      if (options.document) {
        for await (const document of readDocuments(sources, readOptions)) {
          output.write(formatter.line(encoder.encode(document.text, withOffsets)) + '\n');
          await output.flushIfFull();
        }
      } else {
        for await (const batch of readLineBatches(sources, readOptions)) {
          for (const line of batch.lines) output.write(formatter.line(encoder.encode(line, withOffsets)) + '\n');
          await output.flushIfFull();
        }
      }
      await output.close();
    } catch (error) {
      output.abort();
      throw error;
    }
    if (skipped > 0) progress.notice(`skipped ${skipped} ${options.document ? 'files' : 'lines'} with invalid UTF-8`);
  });
  return command;
}
