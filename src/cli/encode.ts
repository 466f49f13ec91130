// `toksmith encode`: apply a vocabulary to text, line by line (default) or file by file
// (--document), and print ids, pieces, JSON lines with offsets, or token counts.

import { Command, Option } from 'commander';
import { checkOutputPath } from '../atomic-write.js';
import { parseInvalidPolicy, readDocuments, readLineBatches, resolveInputs, type InvalidPolicy } from '../corpus.js';
import { Encoder, type Encoding } from '../encoder.js';
import { UsageError } from '../errors.js';
import { mulberry32 } from '../random.js';
import { hasScores } from '../segment/viterbi.js';
import { ViterbiEncoder } from '../segment/viterbi-encode.js';
import { loadVocab } from '../vocab-file.js';
import { displayBytes } from '../utf8.js';
import { METHODS, pieceLabel, type MethodName, type Vocab } from '../vocab.js';
import { OutputWriter, parseNumberIn, parsePositiveInteger, progressOptions, progressFor, stdinSource, type ProgressOptions } from './common.js';

export const ENCODE_FORMATS = ['ids', 'pieces', 'jsonl', 'count'] as const;
type EncodeFormat = (typeof ENCODE_FORMATS)[number];

interface EncodeOptions extends ProgressOptions {
  vocab: string;
  format: EncodeFormat;
  method?: MethodName;
  document?: boolean;
  output?: string;
  onInvalid: InvalidPolicy;
  nbest?: number;
  sample?: boolean;
  alpha: number;
  seed: number;
}

/**
 * Formats a piece for the `pieces` format: a space shows as ▁, control characters (LF and CR
 * among them, so each line or document stays on one output line) and bytes that are not valid
 * UTF-8 as <0xNN>.
 */
export function displayPiece(bytes: Uint8Array): string {
  return displayBytes(bytes)
    .replace(/ /g, '\u2581')
    .replace(/[\x00-\x1f\x7f]/g, (control) => `<0x${control.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}>`);
}

/** Formats encodings in one of the output formats, caching piece labels. */
class EncodingFormatter {
  private readonly labels: (string | undefined)[];

  constructor(
    private readonly vocab: Vocab,
    private readonly format: EncodeFormat,
  ) {
    this.labels = new Array(vocab.kinds.length);
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

type LineEncoder = (text: string, formatter: EncodingFormatter, withOffsets: boolean) => string;

/**
 * Returns the function that turns one line or document into output lines: plain encoding,
 * n-best lists, or sampled segmentations. Throws a usage error for flags that do not combine.
 */
function chooseLineEncoder(options: EncodeOptions, vocab: Vocab, encoder: Encoder): LineEncoder {
  if (options.nbest === undefined && options.sample !== true) {
    return (text, formatter, withOffsets) => formatter.line(encoder.encode(text, withOffsets)) + '\n';
  }
  const flag = options.sample === true ? '--sample' : '--nbest';
  if (options.sample === true && options.nbest !== undefined) {
    throw new UsageError('--nbest and --sample were both given', 'pass one of them');
  }
  if (!hasScores(vocab) || encoder.method !== 'viterbi') {
    throw new UsageError(`${flag} needs the viterbi method and a vocabulary with scores (this one is ${vocab.algorithm}, method ${encoder.method})`, 'use a unigram vocabulary, with --method viterbi or no --method');
  }
  const viterbi = new ViterbiEncoder(vocab);
  if (options.sample === true) {
    const random = mulberry32(options.seed);
    return (text, formatter) => formatter.line({ ids: viterbi.sample(text, options.alpha, random) }) + '\n';
  }
  const k = options.nbest!;
  return (text, formatter) => {
    const hypotheses = viterbi.nbest(text, k);
    if (options.format === 'jsonl') {
      return JSON.stringify({ nbest: hypotheses.map(({ ids, score }) => ({ ids, pieces: ids.map((id) => formatter.label(id)), score })) }) + '\n';
    }
    return hypotheses.map(({ ids }) => formatter.line({ ids }) + '\n').join('');
  };
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
    .option('--on-invalid <policy>', 'what to do with invalid UTF-8: error, replace or skip the line', parseInvalidPolicy, 'error')
    .option(
      '--nbest <k>',
      'viterbi only: print the k best segmentations, best first, one per output line as spm_encode --nbest_size does ' +
        '(fewer when the text has fewer); with -f jsonl, one line per input with {"nbest":[{ids,pieces,score}]}',
      parsePositiveInteger('--nbest'),
    )
    .option('--sample', 'viterbi only: sample a segmentation with probability proportional to exp(alpha × score) (subword regularization)')
    .option('--alpha <a>', 'smoothing of --sample: 0 samples uniformly, larger values stay closer to the best segmentation', parseNumberIn('--alpha', 0, 1000), 0.1)
    .option('--seed <n>', 'random seed of --sample; equal seeds give equal output', parseNumberIn('--seed', 0, 2 ** 32 - 1), 0);
  for (const option of progressOptions()) command.addOption(option);

  command.action(async (inputs: string[], options: EncodeOptions, self: Command) => {
    const progress = progressFor(options);
    for (const flag of ['alpha', 'seed'] as const) {
      if (self.getOptionValueSource(flag) === 'cli' && options.sample !== true) {
        throw new UsageError(`--${flag} applies only with --sample`, 'add --sample or drop the option');
      }
    }
    if (options.output !== undefined && options.output !== '-') checkOutputPath(options.output, '-o');
    const vocab = loadVocab(options.vocab);
    const encoder = new Encoder(vocab, options.method ?? vocab.defaultMethod);
    const encodeText = chooseLineEncoder(options, vocab, encoder);
    const sources = await resolveInputs(inputs.length === 0 ? ['-'] : inputs, stdinSource());
    const formatter = new EncodingFormatter(vocab, options.format);
    const withOffsets = options.format === 'jsonl';
    const plainIds = options.format === 'ids' && options.nbest === undefined && options.sample !== true;
    let skipped = 0;
    const readOptions = { onInvalid: options.onInvalid, progress, onSkip: () => void skipped++ };

    const output = new OutputWriter(options.output);
    try {
      if (options.document) {
        for await (const document of readDocuments(sources, readOptions)) {
          output.write(encodeText(document.text, formatter, withOffsets));
          await output.flushIfFull();
        }
      } else if (plainIds) {
        // Fast path for the default format: digits go straight into the output buffer, which
        // took encoding the eval files from 1.14 s to 0.62 s (npm run bench:perf).
        for await (const batch of readLineBatches(sources, readOptions)) {
          for (const line of batch.lines) output.writeIntegers(encoder.encode(line).ids, 0x0a);
          await output.flushIfFull();
        }
      } else {
        for await (const batch of readLineBatches(sources, readOptions)) {
          for (const line of batch.lines) output.write(encodeText(line, formatter, withOffsets));
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
