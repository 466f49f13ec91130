// The comparison runner. It encodes every corpus (line by line, or file by file with
// `document`) with every tokenizer, tallies counts per tokenizer × corpus pair, and turns the
// tallies into the figures of metrics/. Each corpus is read once, and every document goes to
// each tokenizer in turn. Report formatting lives in report/, option parsing in src/cli/bench.ts.

import { performance } from 'node:perf_hooks';
import { SpecialTokenError } from '../src/pipeline/added-tokens.js';
import { readDocuments, readLineBatches, type InputSource, type InvalidPolicy } from '../src/corpus.js';
import { ToksmithError } from '../src/errors.js';
import type { Progress } from '../src/progress.js';
import type { LoadedTokenizer } from '../src/tokenizer-loader.js';
import { utf8ByteLength, utf8Encoder } from '../src/utf8.js';
import { TOKSMITH_VERSION } from '../src/version.js';
import type { Lexicon, LexiconSource } from './lexicons.js';
import { efficiencyGainPercent, fewerTokensPercent } from './metrics/baseline.js';
import { continuedWordCount, continuedWordRate } from './metrics/continued-word-rate.js';
import { fertility } from './metrics/fertility.js';
import type { Figures } from './metrics/keys.js';
import { DEFAULT_RENYI_ALPHA, renyiEfficiency } from './metrics/renyi-efficiency.js';
import { firstDifferingByte } from './metrics/round-trip.js';
import { termTokensMean } from './metrics/term-tokens.js';
import { countCodePoints, wordByteSpans } from './metrics/text-counts.js';
import { encodeMBps } from './metrics/throughput.js';
import { bytesPerToken, charsPerToken } from './metrics/token-size.js';
import { meanTokensPerChar, tokensPerChar } from './metrics/tokens-per-char.js';
import { countValidKeys, trPurePercents } from './metrics/tr-pure.js';
import { vocabUtilization } from './metrics/vocab-utilization.js';

/** A named corpus: the documents of one or more files. */
export interface CorpusInput {
  name: string;
  sources: InputSource[];
}

/** A named list of domain terms, each encoded alone. */
export interface TermListInput {
  name: string;
  file: string;
  column?: string;
  terms: string[];
}

export interface RunOptions {
  /** Encode each file whole instead of line by line. @default false */
  document?: boolean;
  /** Count the specials a tokenizer adds by itself (BOS, EOS). @default false */
  countSpecials?: boolean;
  /** Leave keys without letters out of %TR and %Pure. @default false */
  excludeNonalpha?: boolean;
  /** @default 2.5 */
  renyiAlpha?: number;
  /** Name of the tokenizer that the baseline figures compare against. */
  baselineTokenizer?: string;
  /** Word and morpheme lists; without them %TR and %Pure are not computed. */
  lexicon?: Lexicon;
  onInvalid?: InvalidPolicy;
  /** Round-trip failures listed per pair; the count covers all of them. @default 1000 */
  maxListedFailures?: number;
}

const DEFAULT_MAX_LISTED_FAILURES = 1000;

/** One document whose decoded ids differ from its text. */
export interface RoundTripFailure {
  source: string;
  /** 1-based line number in line mode. */
  line?: number;
  /** First UTF-8 byte offset, within the line or document, where the decoded text differs. */
  byteOffset: number;
}

/** Size of the text encoded for one corpus or term list. */
export interface CorpusSummary {
  name: string;
  kind: 'corpus' | 'terms';
  files: { file: string; bytes: number }[];
  /** Lines (line mode), files (document mode) or terms. */
  documents: number;
  chars: number;
  bytes: number;
  words: number;
}

export interface PairResult {
  tokenizer: string;
  corpus: string;
  figures: Figures;
  roundTripFailureList?: RoundTripFailure[];
}

/** The bench report; its JSON form is what `--compare-to` reads back. */
export interface BenchReport {
  toksmithVersion: string;
  createdAt: string;
  settings: {
    mode: 'line' | 'document';
    countSpecials: boolean;
    excludeNonalpha: boolean;
    caseSensitive: boolean;
    renyiAlpha: number;
    baselineTokenizer?: string;
  };
  /** Plain-language statement of the definitions and options the figures used. */
  notes: string[];
  lexicons: LexiconSource[];
  termLists: { name: string; file: string; column?: string; entries: number }[];
  tokenizers: { name: string; file: string; vocabSize: number; vocabSizeNoSpecials: number }[];
  corpora: CorpusSummary[];
  results: PairResult[];
  /** KL3M average per tokenizer: the unweighted mean of per-corpus tokens per char (corpora only, no term lists). */
  summary: { tokenizer: string; tokensPerCharMean?: number }[];
}

/** Counts gathered for one tokenizer on one corpus. */
class PairTally {
  tokens = 0;
  readonly occurrences: Float64Array;
  continuedWords = 0;
  encodeMs = 0;
  decodeEachMs = 0;
  roundTripFailures = 0;
  readonly failures: RoundTripFailure[] = [];
  /** Tokens per term, for term lists. */
  readonly termTokens: number[] = [];

  constructor(readonly tokenizer: LoadedTokenizer) {
    this.occurrences = new Float64Array(tokenizer.vocabSize);
  }

  /** Adds ids to the token count and the per-id occurrences, leaving out specials unless counted. */
  addIds(ids: readonly number[], countSpecials: boolean): number {
    let counted = 0;
    for (const id of ids) {
      if (!countSpecials && this.tokenizer.isSpecial(id)) continue;
      if (!(id >= 0 && id < this.occurrences.length)) {
        throw new ToksmithError(`tokenizer ${this.tokenizer.name} emitted id ${id}, outside its vocabulary of ${this.occurrences.length}`, {
          hint: 'the tokenizer file is inconsistent; retrain or re-export it',
        });
      }
      this.occurrences[id]!++;
      counted++;
    }
    this.tokens += counted;
    return counted;
  }

  uniqueTokens(): number {
    let unique = 0;
    for (const count of this.occurrences) if (count > 0) unique++;
    return unique;
  }

  *tokenTexts(): Generator<[string, number]> {
    for (let id = 0; id < this.occurrences.length; id++) {
      const count = this.occurrences[id]!;
      if (count > 0) yield [this.tokenizer.tokenText(id), count];
    }
  }
}

/** Token byte offsets as running sums of piece lengths, for tokenizers without offsets. */
function runningOffsets(tokenizer: LoadedTokenizer, ids: readonly number[]): number[] {
  const offsets = new Array<number>(ids.length * 2);
  let position = 0;
  ids.forEach((id, k) => {
    offsets[2 * k] = position;
    position += tokenizer.pieceByteLength(id);
    offsets[2 * k + 1] = position;
  });
  return offsets;
}

interface Document {
  source: string;
  line?: number;
  text: string;
}

async function* documentsOf(corpus: CorpusInput, options: RunOptions): AsyncGenerator<Document> {
  const readOptions = { onInvalid: options.onInvalid ?? 'error' };
  if (options.document) {
    for await (const document of readDocuments(corpus.sources, readOptions)) yield document;
    return;
  }
  for await (const batch of readLineBatches(corpus.sources, readOptions)) {
    for (let i = 0; i < batch.lines.length; i++) yield { source: batch.source, line: batch.firstLineNumber + i, text: batch.lines[i]! };
  }
}

/** Adds the tokenizer, file and line to an input error raised while encoding `document`. */
function locatedError(error: unknown, tokenizer: string, document: Document): unknown {
  if (error instanceof SpecialTokenError) {
    const located = error.locatedAt(document.source, document.line);
    return new ToksmithError(`tokenizer ${tokenizer}: ${located.message}`, { hint: located.hint, exitCode: located.exitCode, cause: error });
  }
  if (!(error instanceof ToksmithError)) return error;
  const where = document.line === undefined ? document.source : `${document.source}:${document.line}`;
  return new ToksmithError(`tokenizer ${tokenizer}: ${where}: ${error.message}`, { hint: error.hint, exitCode: error.exitCode, cause: error });
}

/** Encodes one document with one tokenizer and adds it to the tally. */
function measureDocument(tally: PairTally, document: Document, textBytes: Uint8Array, wordSpans: number[], options: RunOptions, maxListed: number): void {
  const tokenizer = tally.tokenizer;

  // 1. Timed: encode, then decode every id one at a time (the paper-compatible variant).
  const startedAt = performance.now();
  let ids: number[];
  try {
    ids = tokenizer.encode(document.text);
  } catch (error) {
    throw locatedError(error, tokenizer.name, document);
  }
  const encodedAt = performance.now();
  for (const id of ids) tokenizer.decode([id]);
  tally.encodeMs += encodedAt - startedAt;
  tally.decodeEachMs += performance.now() - encodedAt;

  // 2. Untimed: counts, word continuation and the round trip.
  tally.addIds(ids, options.countSpecials === true);
  const offsets = tokenizer.encodeWithOffsets?.(document.text).offsets ?? runningOffsets(tokenizer, ids);
  tally.continuedWords += continuedWordCount(wordSpans, offsets);
  const differsAt = firstDifferingByte(tokenizer.decode(ids), textBytes);
  if (differsAt >= 0) {
    tally.roundTripFailures++;
    if (tally.failures.length < maxListed) {
      const failure: RoundTripFailure = { source: document.source, byteOffset: differsAt };
      if (document.line !== undefined) failure.line = document.line;
      tally.failures.push(failure);
    }
  }
}

async function runCorpus(tokenizers: readonly LoadedTokenizer[], corpus: CorpusInput, options: RunOptions, progress: Progress): Promise<{ summary: CorpusSummary; tallies: PairTally[] }> {
  const tallies = tokenizers.map((tokenizer) => new PairTally(tokenizer));
  const summary: CorpusSummary = { name: corpus.name, kind: 'corpus', files: [], documents: 0, chars: 0, bytes: 0, words: 0 };
  const maxListed = options.maxListedFailures ?? DEFAULT_MAX_LISTED_FAILURES;
  const totalBytes = corpus.sources.every((source) => source.size !== undefined) ? corpus.sources.reduce((sum, source) => sum + source.size!, 0) : undefined;
  progress.start(`bench ${corpus.name}`, totalBytes, 'bytes');
  const fileBytes = new Map<string, number>();
  let doneBytes = 0;
  for await (const document of documentsOf(corpus, options)) {
    const textBytes = utf8Encoder.encode(document.text);
    const wordSpans = wordByteSpans(document.text);
    summary.documents++;
    summary.chars += countCodePoints(document.text);
    summary.bytes += textBytes.length;
    summary.words += wordSpans.length / 2;
    // A line's LF was read but not encoded; count it for the file size and the progress.
    const readBytes = textBytes.length + (options.document ? 0 : 1);
    fileBytes.set(document.source, (fileBytes.get(document.source) ?? 0) + readBytes);
    for (const tally of tallies) measureDocument(tally, document, textBytes, wordSpans, options, maxListed);
    doneBytes += readBytes;
    progress.update(doneBytes);
  }
  progress.finish({ documents: summary.documents });
  summary.files = corpus.sources.map((source) => ({ file: source.name, bytes: source.size ?? fileBytes.get(source.name) ?? 0 }));
  return { summary, tallies };
}

function runTermList(tokenizers: readonly LoadedTokenizer[], list: TermListInput, options: RunOptions): { summary: CorpusSummary; tallies: PairTally[] } {
  const tallies = tokenizers.map((tokenizer) => new PairTally(tokenizer));
  const summary: CorpusSummary = { name: list.name, kind: 'terms', files: [], documents: list.terms.length, chars: 0, bytes: 0, words: 0 };
  for (const term of list.terms) {
    summary.chars += countCodePoints(term);
    summary.bytes += utf8ByteLength(term);
    summary.words += wordByteSpans(term).length / 2;
  }
  for (const tally of tallies) {
    const startedAt = performance.now();
    for (const term of list.terms) tally.termTokens.push(tally.addIds(tally.tokenizer.encode(term), options.countSpecials === true));
    tally.encodeMs = performance.now() - startedAt;
  }
  return { summary, tallies };
}

/** Assigns `value` to `figures[key]` unless it is undefined or not finite. */
function put(figures: Figures, key: keyof Figures, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) figures[key] = value;
}

function corpusFigures(tally: PairTally, summary: CorpusSummary, options: RunOptions): Figures {
  const tokenizer = tally.tokenizer;
  const figures: Figures = {};

  // 1. Figures of every corpus and term list.
  put(figures, 'vocabSize', tokenizer.vocabSize);
  put(figures, 'vocabSizeNoSpecials', tokenizer.vocabSizeNoSpecials);
  put(figures, 'tokens', tally.tokens);
  put(figures, 'tokensPerChar', tokensPerChar(tally.tokens, summary.chars));
  put(figures, 'bytesPerToken', bytesPerToken(summary.bytes, tally.tokens));
  put(figures, 'charsPerToken', charsPerToken(summary.chars, tally.tokens));
  put(figures, 'fertility', fertility(tally.tokens, summary.words));
  const unique = tally.uniqueTokens();
  put(figures, 'uniqueTokens', unique);
  put(figures, 'vocabUtilization', vocabUtilization(unique, tokenizer.vocabSize));
  put(figures, 'renyiEfficiency', renyiEfficiency(tally.occurrences, tokenizer.vocabSize, options.renyiAlpha ?? DEFAULT_RENYI_ALPHA));

  // 2. Term lists: tokens per term and encoding speed only.
  if (summary.kind === 'terms') {
    put(figures, 'termTokensMean', termTokensMean(tally.termTokens));
    put(figures, 'encodeSeconds', tally.encodeMs / 1000);
    put(figures, 'encodeMBps', encodeMBps(summary.bytes, tally.encodeMs / 1000));
    return figures;
  }

  // 3. Corpora: word continuation, %TR and %Pure, round trips and timing.
  put(figures, 'continuedWordRate', continuedWordRate(tally.continuedWords, summary.words));
  if (options.lexicon !== undefined) {
    const percents = trPurePercents(countValidKeys(tally.tokenTexts(), options.lexicon, options.excludeNonalpha === true));
    put(figures, 'trPercent', percents.trPercent);
    put(figures, 'purePercent', percents.purePercent);
    put(figures, 'trPercentTokens', percents.trPercentTokens);
    put(figures, 'purePercentTokens', percents.purePercentTokens);
  }
  put(figures, 'roundTripFailures', tally.roundTripFailures);
  put(figures, 'encodeSeconds', tally.encodeMs / 1000);
  put(figures, 'encodeMBps', encodeMBps(summary.bytes, tally.encodeMs / 1000));
  put(figures, 'encodeDecodeSeconds', (tally.encodeMs + tally.decodeEachMs) / 1000);
  return figures;
}

/** Adds the baseline figures to every pair of a corpus, comparing with the baseline's pair. */
function addBaselineFigures(pairs: PairResult[], baseline: string): void {
  const reference = pairs.find((pair) => pair.tokenizer === baseline);
  if (reference === undefined) return;
  for (const pair of pairs) {
    const tokens = pair.figures.tokens;
    const baseTokens = reference.figures.tokens;
    if (tokens !== undefined && baseTokens !== undefined) put(pair.figures, 'fewerTokensPercent', fewerTokensPercent(tokens, baseTokens));
    const tpc = pair.figures.tokensPerChar;
    const baseTpc = reference.figures.tokensPerChar;
    if (tpc !== undefined && baseTpc !== undefined) put(pair.figures, 'efficiencyGainPercent', efficiencyGainPercent(tpc, baseTpc));
  }
}

function describeSettings(options: RunOptions): string[] {
  const notes = [
    options.document ? 'documents: each file encoded whole, line feeds included' : 'documents: each line encoded alone, without its LF',
    options.countSpecials ? 'tokens include the specials a tokenizer adds by itself' : 'tokens exclude the specials a tokenizer adds by itself',
    `renyiEfficiency: order alpha = ${options.renyiAlpha ?? DEFAULT_RENYI_ALPHA}, natural logarithm, divided by log of vocabSize`,
    'continuedWordRate: share (0 to 1) of whitespace-separated words touched by two or more tokens',
    `roundTripFailures: documents whose decoded ids differ from the text; the first ${options.maxListedFailures ?? DEFAULT_MAX_LISTED_FAILURES} per pair are listed with their first differing byte`,
  ];
  if (options.lexicon !== undefined) {
    notes.push(
      'trPercent/purePercent: keys are the distinct decoded tokens (each id decoded alone) split on whitespace; ' +
        'trPercent counts keys in a word or morpheme list, purePercent keys in a morpheme list',
      options.lexicon.caseSensitive ? 'keys and lists compared case-sensitively' : 'keys and lists compared after Turkish lower-casing (İ→i, I→ı)',
      options.excludeNonalpha ? 'keys without letters are excluded' : 'keys without letters (punctuation, digits) count in the denominators',
      'trPercentTokens/purePercentTokens: each key counted once per occurrence of its token; whitespace-only tokens have no key',
    );
  } else {
    notes.push('trPercent/purePercent: not computed (no word or morpheme lists; pass --lang tr or --words/--morphemes)');
  }
  if (options.baselineTokenizer !== undefined) notes.push(`fewerTokensPercent/efficiencyGainPercent: against ${options.baselineTokenizer}`);
  return notes;
}

/** Text in several scripts, encoded and decoded before timing so that JIT compilation is not timed. */
const WARM_UP_TEXT = 'The quick brown fox, 1234 times. Çok güzel bir gün; İstanbul’da ışık. Привет, мир! 東京 ☕';
const WARM_UP_ROUNDS = 200;

function warmUp(tokenizer: LoadedTokenizer): void {
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    const ids = tokenizer.encode(WARM_UP_TEXT);
    for (const id of ids) tokenizer.decode([id]);
    tokenizer.decode(ids);
    tokenizer.encodeWithOffsets?.(WARM_UP_TEXT);
  }
}

/** Runs every tokenizer over every corpus and term list and returns the report. */
export async function runBench(
  tokenizers: readonly LoadedTokenizer[],
  corpora: readonly CorpusInput[],
  termLists: readonly TermListInput[],
  options: RunOptions,
  progress: Progress,
): Promise<BenchReport> {
  const report: BenchReport = {
    toksmithVersion: TOKSMITH_VERSION,
    createdAt: new Date().toISOString(),
    settings: {
      mode: options.document ? 'document' : 'line',
      countSpecials: options.countSpecials === true,
      excludeNonalpha: options.excludeNonalpha === true,
      caseSensitive: options.lexicon?.caseSensitive ?? false,
      renyiAlpha: options.renyiAlpha ?? DEFAULT_RENYI_ALPHA,
    },
    notes: describeSettings(options),
    lexicons: options.lexicon?.sources ?? [],
    termLists: termLists.map((list) => ({ name: list.name, file: list.file, ...(list.column === undefined ? {} : { column: list.column }), entries: list.terms.length })),
    tokenizers: tokenizers.map((tokenizer) => ({ name: tokenizer.name, file: tokenizer.file, vocabSize: tokenizer.vocabSize, vocabSizeNoSpecials: tokenizer.vocabSizeNoSpecials })),
    corpora: [],
    results: [],
    summary: [],
  };
  if (options.baselineTokenizer !== undefined) report.settings.baselineTokenizer = options.baselineTokenizer;

  for (const tokenizer of tokenizers) warmUp(tokenizer);
  const runs: { summary: CorpusSummary; tallies: PairTally[] }[] = [];
  for (const corpus of corpora) runs.push(await runCorpus(tokenizers, corpus, options, progress));
  for (const list of termLists) runs.push(runTermList(tokenizers, list, options));

  for (const { summary, tallies } of runs) {
    report.corpora.push(summary);
    const pairs = tallies.map((tally): PairResult => {
      const pair: PairResult = { tokenizer: tally.tokenizer.name, corpus: summary.name, figures: corpusFigures(tally, summary, options) };
      if (summary.kind === 'corpus') pair.roundTripFailureList = tally.failures;
      return pair;
    });
    if (options.baselineTokenizer !== undefined) addBaselineFigures(pairs, options.baselineTokenizer);
    report.results.push(...pairs);
  }

  for (const tokenizer of tokenizers) {
    const perCorpus = report.results
      .filter((pair) => pair.tokenizer === tokenizer.name && report.corpora.find((corpus) => corpus.name === pair.corpus)?.kind === 'corpus')
      .map((pair) => pair.figures.tokensPerChar)
      .filter((value): value is number => value !== undefined);
    const mean = meanTokensPerChar(perCorpus);
    report.summary.push(mean === undefined ? { tokenizer: tokenizer.name } : { tokenizer: tokenizer.name, tokensPerCharMean: mean });
  }
  return report;
}
