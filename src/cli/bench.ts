// `toksmith bench`: compares tokenizers on corpora and term lists (compression, %TR and %Pure,
// domain terms, speed, round trips) and prints a table, JSON, CSV or Markdown. In CI mode it
// compares with an earlier JSON report and exits with code 4 when a --fail-on threshold is crossed.

import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { loadLexicon, parseListSpec, readList, shippedLexiconFiles, type Lexicon, type ListSpec } from '../../bench/lexicons.js';
import { DEFAULT_RENYI_ALPHA } from '../../bench/metrics/renyi-efficiency.js';
import { compareReports, describeCrossing, findCrossings, parseFailOn, readPreviousReport, type FailRule } from '../../bench/report/compare.js';
import { renderCsvReport } from '../../bench/report/csv.js';
import { renderJsonReport } from '../../bench/report/json.js';
import { renderHtmlReport, type TokenLengthDistribution } from '../../bench/report/html.js';
import { renderMarkdownReport } from '../../bench/report/markdown.js';
import { renderTerminalReport } from '../../bench/report/table.js';
import { runBench, type CorpusInput, type TermListInput } from '../../bench/runner.js';
import { checkOutputPath, writeFileAtomic } from '../atomic-write.js';
import { parseInvalidPolicy, resolveInputs, type InvalidPolicy } from '../corpus.js';
import { ToksmithError, UsageError } from '../errors.js';
import { parseSpecialPolicy, type SpecialPolicy } from '../pipeline/added-tokens.js';
import { patternOption } from './vocab-options.js';
import { loadTokenizer, defaultTokenizerName, type LoadedTokenizer } from '../tokenizer-loader.js';
import { METHODS, type MethodName } from '../vocab.js';
import { collect, OutputWriter, parseNumberIn, progressFor, progressOptions, stdinSource, type ProgressOptions } from './common.js';

export const BENCH_FORMATS = ['table', 'json', 'csv', 'md'] as const;
type BenchFormat = (typeof BENCH_FORMATS)[number];

/** Exit code when a --fail-on threshold is crossed, distinct from bad input (1) and usage (2). */
export const THRESHOLD_EXIT_CODE = 4;

interface BenchOptions extends ProgressOptions {
  tokenizer: string[];
  pattern?: string;
  special: SpecialPolicy;
  corpus?: string[];
  terms?: string[];
  baselineTokenizer?: string;
  lang?: string;
  words?: string[];
  morphemes?: string[];
  caseSensitive?: boolean;
  excludeNonalpha?: boolean;
  countSpecials?: boolean;
  document?: boolean;
  renyiAlpha: number;
  method?: MethodName;
  format: BenchFormat;
  output?: string;
  compareTo?: string;
  failOn?: string[];
  onInvalid: InvalidPolicy;
  html?: string;
}

/**
 * Splits `[NAME=]VALUE`. A value that names an existing file, or whose text before `=` contains
 * a path separator, has no name.
 */
export function splitNamed(value: string): { name?: string; value: string } {
  const equals = value.indexOf('=');
  if (equals <= 0 || existsSync(value) || value.slice(0, equals).includes('/')) return { value };
  return { name: value.slice(0, equals), value: value.slice(equals + 1) };
}

/**
 * Prefixes a one-line input error with the option and value that caused it, keeping its exit
 * code. A message that starts with `path: ` loses that part, since the argument names the path.
 */
function namingArgument<T>(argument: string, path: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ToksmithError)) throw error;
    const message = error.message.startsWith(`${path}: `) ? error.message.slice(path.length + 2) : error.message;
    throw new ToksmithError(`${argument}: ${message}`, { hint: error.hint, exitCode: error.exitCode, cause: error });
  }
}

function loadTokenizers(options: BenchOptions): LoadedTokenizer[] {
  const tokenizers: LoadedTokenizer[] = [];
  for (const argument of options.tokenizer) {
    const { name, value } = splitNamed(argument);
    const tokenizerName = name ?? defaultTokenizerName(value);
    if (tokenizers.some((tokenizer) => tokenizer.name === tokenizerName)) {
      throw new UsageError(`--tokenizer ${argument}: the name '${tokenizerName}' is already taken`, 'give each tokenizer its own name with NAME=FILE');
    }
    // Template ids (BOS/EOS) are not text tokens, and decoding them would fail the round trip.
    const loadOptions = { method: options.method, pattern: options.pattern, special: options.special, addSpecialTokens: false };
    tokenizers.push(namingArgument(`--tokenizer ${argument}`, value, () => loadTokenizer(value, tokenizerName, loadOptions)));
  }
  return tokenizers;
}

async function resolveCorpora(arguments_: readonly string[]): Promise<CorpusInput[]> {
  const corpora: CorpusInput[] = [];
  for (const argument of arguments_) {
    const { name, value } = splitNamed(argument);
    let sources;
    try {
      sources = await resolveInputs([value], stdinSource());
    } catch (error) {
      // Glob and file errors name the value already, so only the option is added.
      if (error instanceof ToksmithError) throw new ToksmithError(`--corpus: ${error.message}`, { hint: error.hint, exitCode: error.exitCode, cause: error });
      throw error;
    }
    const corpusName = name ?? (sources.length === 1 ? basename(sources[0]!.name).replace(/\.txt$/, '') : value);
    if (corpora.some((corpus) => corpus.name === corpusName)) {
      throw new UsageError(`--corpus ${argument}: the name '${corpusName}' is already taken`, 'give each corpus its own name with NAME=GLOB');
    }
    corpora.push({ name: corpusName, sources });
  }
  return corpora;
}

function readTermLists(arguments_: readonly string[], taken: Set<string>): TermListInput[] {
  return arguments_.map((argument) => {
    const { name, value } = splitNamed(argument);
    const spec = parseListSpec('--terms', value);
    spec.argument = `--terms ${argument}`;
    const listName = name ?? basename(spec.file).replace(/\.(txt|tsv)(\.gz)?$/, '');
    if (taken.has(listName)) throw new UsageError(`--terms ${argument}: the name '${listName}' is already taken`, 'give each list its own name with NAME=FILE');
    taken.add(listName);
    const terms = readList(spec, false);
    if (terms.length === 0) throw new ToksmithError(`--terms ${argument}: the list has no terms`, { hint: 'pass a file with one term per line, or a TSV column' });
    const list: TermListInput = { name: listName, file: spec.file, terms };
    if (spec.column !== undefined) list.column = spec.column;
    return list;
  });
}

function buildLexicon(options: BenchOptions): Lexicon | undefined {
  const words: ListSpec[] = [];
  const morphemes: ListSpec[] = [];
  if (options.lang !== undefined) {
    const shipped = shippedLexiconFiles(options.lang);
    words.push({ argument: `--lang ${options.lang}`, file: shipped.words });
    morphemes.push({ argument: `--lang ${options.lang}`, file: shipped.morphemes });
  }
  for (const value of options.words ?? []) words.push(parseListSpec('--words', value));
  for (const value of options.morphemes ?? []) morphemes.push(parseListSpec('--morphemes', value));
  if (words.length === 0 && morphemes.length === 0) return undefined;
  return loadLexicon(words, morphemes, options.caseSensitive === true);
}

/** Checks option combinations before any file is read, so usage errors come first. */
function checkUsage(options: BenchOptions): FailRule[] {
  if ((options.corpus ?? []).length === 0 && (options.terms ?? []).length === 0) {
    throw new UsageError('nothing to measure', 'pass at least one --corpus or --terms');
  }
  const rules = (options.failOn ?? []).map(parseFailOn);
  if (rules.length > 0 && options.compareTo === undefined) {
    throw new UsageError('--fail-on needs --compare-to', 'pass the earlier JSON report with --compare-to FILE');
  }
  if (options.baselineTokenizer !== undefined) {
    const names = options.tokenizer.map((argument) => splitNamed(argument).name ?? defaultTokenizerName(splitNamed(argument).value));
    if (!names.includes(options.baselineTokenizer)) {
      throw new UsageError(`--baseline-tokenizer ${options.baselineTokenizer}: no tokenizer has this name`, `use one of: ${names.join(', ')}`);
    }
  }
  return rules;
}

/** Counts a tokenizer's pieces, specials left out, by length in characters. */
function tokenLengthDistribution(tokenizer: LoadedTokenizer): TokenLengthDistribution {
  const counts = new Map<number, number>();
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    if (tokenizer.isSpecial(id)) continue;
    const length = [...tokenizer.tokenText(id)].length;
    counts.set(length, (counts.get(length) ?? 0) + 1);
  }
  return { tokenizer: tokenizer.name, counts: [...counts].sort((a, b) => a[0] - b[0]) };
}

export function benchCommand(): Command {
  const command = new Command('bench')
    .summary('compare tokenizers on corpora: compression, %TR and %Pure, domain terms, speed')
    .description('Encode corpora and term lists with several tokenizers and report every bench figure per tokenizer and corpus.')
    .requiredOption('-t, --tokenizer <[name=]file>', 'tokenizer file to compare (repeatable): .tok, tokenizer.json, SentencePiece .model, .tiktoken or GPT-2 encoder.json, with an optional hf:, spm:, tiktoken:, gpt2: or tok: prefix', collect)
    .option('-c, --corpus <[name=]glob>', 'corpus: a file or glob, all matches forming one corpus (repeatable)', collect)
    .option('--terms <[name=]file[:column]>', 'domain-term list, each term encoded alone; column of a .tsv by header or 1-based number (repeatable)', collect)
    .option('--baseline-tokenizer <name>', 'tokenizer that % fewer tokens and % more efficient compare against')
    .option('--lang <code>', 'use the word and morpheme lists that ship for this language (tr)')
    .option('--words <file[:column]>', 'list of valid words for %TR; .gz and .tsv columns accepted (repeatable)', collect)
    .option('--morphemes <file[:column]>', 'list of roots and suffixes for %Pure and %TR; comma-separated cells split (repeatable)', collect)
    .option('--case-sensitive', 'compare keys with the lists as they are, without Turkish lower-casing')
    .option('--exclude-nonalpha', 'leave keys without letters (punctuation, digits) out of %TR and %Pure')
    .option('--count-specials', 'count the special tokens a tokenizer adds by itself')
    .option('--document', 'encode each file whole, line feeds included, instead of line by line')
    .option('--renyi-alpha <order>', 'order of the Rényi efficiency', parseNumberIn('--renyi-alpha', 0, 100), DEFAULT_RENYI_ALPHA)
    .addOption(new Option('--method <method>', 'segmentation method (default: each vocabulary\'s own)').choices(METHODS))
    .addOption(patternOption())
    .addOption(
      new Option('--special <policy>', 'special-token text in the corpus: text encodes it as plain text, allow emits its id, error stops')
        .argParser(parseSpecialPolicy)
        .default('text'),
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(BENCH_FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .option('--compare-to <file>', 'earlier JSON report: print each figure\'s change, pairing by tokenizer and corpus name')
    .option('--html <file>', 'also write a self-contained HTML report with charts (tokens per char, %TR and %Pure, piece lengths, changes)')
    .option('--fail-on <rule>', "exit with code 4 when a change crosses a threshold KEY>N or KEY<N (N signed, % for relative), e.g. 'tokens>+1%' or 'trPercent<-0.5' (repeatable)", collect)
    .option('--on-invalid <policy>', 'what to do with invalid UTF-8: error, replace or skip the line', parseInvalidPolicy, 'error')
    .addHelpText('after', '\nExit codes: 0 success, 1 bad input, 2 usage error, 3 internal error, 4 a --fail-on threshold was crossed.');
  for (const option of progressOptions()) command.addOption(option);

  command.action(async (options: BenchOptions) => {
    const progress = progressFor(options);
    const rules = checkUsage(options);
    if (options.output !== undefined && options.output !== '-') checkOutputPath(options.output, '-o');
    if (options.html !== undefined) checkOutputPath(options.html, '--html');

    // 1. Load everything that can fail before the long run starts.
    const previous = options.compareTo === undefined ? undefined : readPreviousReport(options.compareTo);
    const tokenizers = loadTokenizers(options);
    const corpora = await resolveCorpora(options.corpus ?? []);
    const termLists = readTermLists(options.terms ?? [], new Set(corpora.map((corpus) => corpus.name)));
    progress.start('load word lists');
    const lexicon = buildLexicon(options);
    progress.finish({ entries: lexicon?.sources.reduce((sum, source) => sum + source.entries, 0) ?? 0 });

    // 2. Measure.
    const report = await runBench(
      tokenizers,
      corpora,
      termLists,
      {
        document: options.document === true,
        countSpecials: options.countSpecials === true,
        excludeNonalpha: options.excludeNonalpha === true,
        renyiAlpha: options.renyiAlpha,
        baselineTokenizer: options.baselineTokenizer,
        lexicon,
        onInvalid: options.onInvalid,
      },
      progress,
    );

    // 3. Compare with the earlier report, then write.
    const comparison = previous === undefined ? undefined : compareReports(report, previous, options.compareTo!);
    if (comparison !== undefined && comparison.changes.length === 0) {
      const message = `--compare-to ${options.compareTo}: no tokenizer × corpus pair matches this run`;
      if (rules.length > 0) throw new ToksmithError(message, { hint: 'use the same --tokenizer and --corpus names as the earlier run' });
      progress.notice(message);
    }
    const crossings = comparison === undefined ? [] : findCrossings(comparison, rules);
    const output = new OutputWriter(options.output);
    try {
      if (options.format === 'json') output.write(renderJsonReport(report, comparison, crossings));
      else if (options.format === 'csv') output.write(renderCsvReport(report));
      else if (options.format === 'md') output.write(renderMarkdownReport(report, comparison, crossings));
      else output.write(renderTerminalReport(report, comparison, crossings, options.output === undefined || options.output === '-' ? {} : { color: false }));
      await output.close();
    } catch (error) {
      output.abort();
      throw error;
    }

    if (options.html !== undefined) {
      writeFileAtomic(options.html, renderHtmlReport({ report, tokenLengths: tokenizers.map(tokenLengthDistribution), comparison }));
    }

    if (crossings.length > 0) {
      for (const crossing of crossings) process.stderr.write(`toksmith: threshold crossed: ${describeCrossing(crossing)}\n`);
      process.exitCode = THRESHOLD_EXIT_CODE;
    }
  });
  return command;
}
