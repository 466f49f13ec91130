// `toksmith encode`: apply a vocabulary to text, line by line (default) or file by file
// (--document), and print ids, pieces, JSON lines with offsets, or token counts.

import { Command, Option } from 'commander';
import { checkOutputPath } from '../atomic-write.js';
import { parseInvalidPolicy, readDocuments, readLineBatches, resolveInputs, type InputSource, type InvalidPolicy, type ReadOptions } from '../corpus.js';
import { Encoder } from '../encoder.js';
import { ToksmithError, UsageError } from '../errors.js';
import { mulberry32 } from '../random.js';
import { SpecialTokenError } from '../pipeline/added-tokens.js';
import { checkMethod } from '../segment/index.js';
import { hasScores } from '../segment/viterbi.js';
import { ViterbiEncoder } from '../segment/viterbi-encode.js';
import { METHODS, type MethodName, type Vocab } from '../vocab.js';
import { ENCODE_FORMATS, EncodingFormatter, type EncodeFormat } from './encode-format.js';
import { EncodePool, type EncodeWorkerSettings } from './encode-pool.js';
import { encoderSettings, encodingOptions, openVocab, VOCAB_HELP, type EncodingOptions } from './vocab-options.js';
import { OutputWriter, parseNumberIn, parsePositiveInteger, progressOptions, progressFor, stdinSource, type ProgressOptions } from './common.js';

interface EncodeOptions extends ProgressOptions, EncodingOptions {
  vocab: string;
  threads: number;
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

function startPool(options: EncodeOptions, output: OutputWriter): EncodePool {
  const settings: EncodeWorkerSettings = {
    vocab: options.vocab,
    pattern: options.pattern,
    method: options.method,
    special: options.special,
    addSpecialTokens: options.addSpecialTokens,
    format: options.format,
  };
  return new EncodePool(options.threads, settings, async (text) => {
    output.write(text);
    await output.flushIfFull();
  });
}

/** Encodes on this thread, line by line or document by document. */
async function encodeHere(
  options: EncodeOptions,
  vocab: Vocab,
  encoder: Encoder,
  encodeText: LineEncoder,
  sources: InputSource[],
  readOptions: ReadOptions,
  output: OutputWriter,
): Promise<void> {
  const formatter = new EncodingFormatter(vocab, options.format);
  const withOffsets = options.format === 'jsonl';
  const plainIds = options.format === 'ids' && options.nbest === undefined && options.sample !== true;
  if (options.document) {
    for await (const document of readDocuments(sources, readOptions)) {
      output.write(locating(document.source, undefined, () => encodeText(document.text, formatter, withOffsets)));
      await output.flushIfFull();
    }
  } else if (plainIds) {
    // Fast path for the default format: digits go straight into the output buffer, which
    // took encoding the eval files from 1.14 s to 0.62 s (npm run bench:perf).
    for await (const batch of readLineBatches(sources, readOptions)) {
      let k = 0;
      locating(batch.source, () => batch.firstLineNumber + k, () => {
        for (; k < batch.lines.length; k++) output.writeIntegers(encoder.encode(batch.lines[k]!).ids, 0x0a);
      });
      await output.flushIfFull();
    }
  } else {
    for await (const batch of readLineBatches(sources, readOptions)) {
      let k = 0;
      locating(batch.source, () => batch.firstLineNumber + k, () => {
        for (; k < batch.lines.length; k++) output.write(encodeText(batch.lines[k]!, formatter, withOffsets));
      });
      await output.flushIfFull();
    }
  }
}

/** Hands batches of lines, or whole documents, to the worker pool and writes the outputs in order. */
async function encodeInPool(pool: EncodePool, sources: InputSource[], readOptions: ReadOptions, document: boolean): Promise<void> {
  if (document) {
    for await (const item of readDocuments(sources, readOptions)) await pool.submit([item.text], item.source);
  } else {
    for await (const batch of readLineBatches(sources, readOptions)) await pool.submit(batch.lines, batch.source, batch.firstLineNumber);
  }
  await pool.drain();
}

/** Runs `encode`, prefixing an input error (a special token under --special error) with its file and line. */
function locating<T>(source: string, line: (() => number) | undefined, encode: () => T): T {
  try {
    return encode();
  } catch (error) {
    if (!(error instanceof ToksmithError) || error instanceof UsageError) throw error;
    if (error instanceof SpecialTokenError) throw error.locatedAt(source, line?.());
    const where = line === undefined ? source : `${source}:${line()}`;
    throw new ToksmithError(`${where}: ${error.message}`, { hint: error.hint, exitCode: error.exitCode, cause: error });
  }
}

export function encodeCommand(): Command {
  const command = new Command('encode')
    .summary('tokenize text into ids, pieces, JSON lines or counts')
    .description('Encode text with a vocabulary: one output line per input line, or per file with --document.')
    .argument('[input...]', 'text files, globs or - for stdin (default: stdin)')
    .requiredOption('-v, --vocab <file>', VOCAB_HELP)
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
    .option('--seed <n>', 'random seed of --sample; equal seeds give equal output', parseNumberIn('--seed', 0, 2 ** 32 - 1), 0)
    .option('--threads <n>', 'worker threads that encode batches of lines or documents in parallel (output order is kept)', parsePositiveInteger('--threads'), 1);
  for (const option of [...encodingOptions(), ...progressOptions()]) command.addOption(option);

  command.action(async (inputs: string[], options: EncodeOptions, self: Command) => {
    const progress = progressFor(options);
    for (const flag of ['alpha', 'seed'] as const) {
      if (self.getOptionValueSource(flag) === 'cli' && options.sample !== true) {
        throw new UsageError(`--${flag} applies only with --sample`, 'add --sample or drop the option');
      }
    }
    if (options.output !== undefined && options.output !== '-') checkOutputPath(options.output, '-o');
    if (options.threads > 1 && (options.nbest !== undefined || options.sample === true)) {
      throw new UsageError(`--threads does not combine with ${options.sample === true ? '--sample' : '--nbest'}`, 'drop --threads');
    }
    let skipped = 0;
    const readOptions: ReadOptions = { onInvalid: options.onInvalid, progress, onSkip: () => void skipped++ };
    const output = new OutputWriter(options.output);
    // Workers start first, so their vocabulary loads overlap this thread's, which checks the
    // file and the flags before any input is read.
    const pool = options.threads > 1 ? startPool(options, output) : undefined;
    try {
      const vocab = openVocab(options.vocab, options);
      if (pool !== undefined) {
        // The workers build their own encoders; this thread only checks the method.
        checkMethod(options.method ?? vocab.defaultMethod, vocab);
        const sources = await resolveInputs(inputs.length === 0 ? ['-'] : inputs, stdinSource());
        await encodeInPool(pool, sources, readOptions, options.document === true);
      } else {
        const encoder = new Encoder(vocab, options.method ?? vocab.defaultMethod, encoderSettings(options));
        const encodeText = chooseLineEncoder(options, vocab, encoder);
        const sources = await resolveInputs(inputs.length === 0 ? ['-'] : inputs, stdinSource());
        await encodeHere(options, vocab, encoder, encodeText, sources, readOptions, output);
      }
      await output.close();
    } catch (error) {
      output.abort();
      throw error;
    } finally {
      await pool?.close();
    }
    if (skipped > 0) progress.notice(`skipped ${skipped} ${options.document ? 'files' : 'lines'} with invalid UTF-8`);
  });
  return command;
}
