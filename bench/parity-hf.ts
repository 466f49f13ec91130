// Parity of toksmith's tokenizer.json support with Hugging Face tokenizers (npm `tokenizers`),
// line by line over every train and eval file of the shared data folder (all languages, domains
// and code, without the lexicons). Each line is encoded without its LF, with the tokenizer's own
// template (BOS) and special-token matching on, as Hugging Face does by default.
//
// Tokenizers compared:
// 1. WordPiece and Unigram trained by Hugging Face tokenizers' Node binding with its defaults
//    (30,000 and 8,000 pieces) on TRAIN_FILES: toksmith reading the tokenizer.json vs HF.
// 2. Llama 3 from llama3-tokenizer-js's packed vocabulary and merges, written as Llama 3's
//    tokenizer.json: HF and toksmith reading it, each vs llama3-tokenizer-js's own encode.
// 3. toksmith vocabularies (byte-level BPE, character-level BPE, Unigram) trained on TRAIN_FILES
//    and written by writeHfTokenizer: HF loading the file vs toksmith's own encoder, and
//    toksmith reading the written file vs HF.
//
// Usage: npm run bench:parity-hf [-- --data DIR] [-- --max-lines N]
//   --data       the shared data folder (default ../shared/data)
//   --max-lines  reads only the first N lines of each file, for a quick check

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import llama3Tokenizer from 'llama3-tokenizer-js';
import { Tokenizer, Unigram, WordPiece, bertNormalizer, bertPreTokenizer, metaspaceDecoder, metaspacePreTokenizer, nfkcNormalizer, wordPieceDecoder } from 'tokenizers';
import { fileSource } from '../src/corpus.js';
import { Encoder } from '../src/encoder.js';
import { writeHfTokenizer } from '../src/formats/hf/write.js';
import { silentProgress } from '../src/progress.js';
import { readVocabFile } from '../src/tokenizer-loader.js';
import type { Algorithm, Vocab } from '../src/vocab.js';
import { findTrainer, type CommonTrainOptions } from '../trainers/index.js';
import { llama3TokenizerJson } from './llama3-tokenizer-json.js';
import { describeMachine } from './machine.js';

const { values: args } = parseArgs({
  options: { data: { type: 'string', default: '../shared/data' }, 'max-lines': { type: 'string' } },
});
const DATA = args.data!;
const MAX_LINES = args['max-lines'] === undefined ? Infinity : Number(args['max-lines']);
const FOLDERS = ['tr', 'en', 'legal', 'finance', 'code'];
/** Text the trained tokenizers learn from: two Turkish and two English train files (4.6 MB). */
const TRAIN_FILES = ['tr/tr-ud-treebanks.train.txt', 'tr/tr-penntreebank-starlang.train.txt', 'en/en-moby-dick.train.txt', 'en/en-debian-handbook.train.txt'].map((file) => join(DATA, file));
/** Lines encoded per batch call. */
const BATCH_LINES = 2000;
/** Mismatching lines printed per comparison. */
const SHOWN_MISMATCHES = 3;

type EncodeBatch = (lines: string[]) => Promise<number[][]> | number[][];

interface Implementation {
  name: string;
  encode?: EncodeBatch;
  /** Reason the implementation could not be built, when `encode` is absent. */
  unavailable?: string;
  elapsedMs: number;
}

interface Subject {
  name: string;
  implementations: Implementation[];
  /** Pairs of implementation names to compare: [under test, reference]. */
  pairs: [string, string][];
}

interface PairResult {
  lines: number;
  mismatches: number;
  examples: { file: string; line: number; text: string; ids: number[]; reference: number[] }[];
}

function hfImplementation(json: string): Implementation {
  const tokenizer = Tokenizer.fromString(json);
  return {
    name: 'hf',
    elapsedMs: 0,
    encode: async (lines) => (await tokenizer.encodeBatch(lines, { addSpecialTokens: true })).map((encoding) => encoding.getIds()),
  };
}

function toksmithImplementation(name: string, vocab: () => Vocab): Implementation {
  try {
    const encoder = new Encoder(vocab(), undefined, { special: 'allow' });
    return { name, elapsedMs: 0, encode: (lines) => lines.map((line) => encoder.encode(line).ids) };
  } catch (error) {
    return { name, elapsedMs: 0, unavailable: (error as Error).message };
  }
}

/** Writes `json` to the work folder and returns toksmith's reading of it. */
function readWritten(workDir: string, name: string, json: string): () => Vocab {
  const path = join(workDir, `${name}.json`);
  writeFileSync(path, json);
  return () => readVocabFile(`hf:${path}`);
}

// 1. Hugging Face-trained WordPiece and Unigram. The binding's default trainers take no special
// tokens, so [UNK], [CLS], [SEP] and <unk> are appended to the trained vocabularies.
function trainHfWordPiece(): string {
  const tokenizer = new Tokenizer(WordPiece.empty());
  tokenizer.setNormalizer(bertNormalizer());
  tokenizer.setPreTokenizer(bertPreTokenizer());
  tokenizer.setDecoder(wordPieceDecoder());
  tokenizer.train(TRAIN_FILES);
  const json = JSON.parse(saveToString(tokenizer));
  const size = Object.keys(json.model.vocab).length;
  json.added_tokens = ['[UNK]', '[CLS]', '[SEP]'].map((content, k) => {
    json.model.vocab[content] = size + k;
    return { id: size + k, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
  });
  json.post_processor = {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
    special_tokens: {
      '[CLS]': { id: '[CLS]', ids: [size + 1], tokens: ['[CLS]'] },
      '[SEP]': { id: '[SEP]', ids: [size + 2], tokens: ['[SEP]'] },
    },
  };
  return JSON.stringify(json);
}

function trainHfUnigram(): string {
  const tokenizer = new Tokenizer(Unigram.empty());
  tokenizer.setNormalizer(nfkcNormalizer());
  tokenizer.setPreTokenizer(metaspacePreTokenizer());
  tokenizer.setDecoder(metaspaceDecoder());
  tokenizer.train(TRAIN_FILES);
  const json = JSON.parse(saveToString(tokenizer));
  json.model.unk_id = json.model.vocab.length;
  json.model.vocab.push(['<unk>', 0]);
  json.added_tokens = [{ id: json.model.unk_id, content: '<unk>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
  return JSON.stringify(json);
}

/** Saves the tokenizer to a temporary file and reads it back, because the binding saves only to files. */
function saveToString(tokenizer: Tokenizer): string {
  const dir = mkdtempSync(join(tmpdir(), 'toksmith-hf-save-'));
  try {
    tokenizer.save(join(dir, 'tokenizer.json'));
    return readFileSync(join(dir, 'tokenizer.json'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// 3. toksmith vocabularies.
async function trainToksmith(model: Algorithm, vocabSize: number, raw: Record<string, unknown> = {}): Promise<Vocab> {
  const trainer = findTrainer(model)!;
  const options: CommonTrainOptions = {
    vocabSize,
    specials: ['<|endoftext|>'],
    normalizer: 'none',
    preTokenizer: undefined,
    byteFallback: true,
    characterCoverage: 0.9995,
    seed: 0,
    threads: 2,
    raw,
  };
  trainer.check(options);
  const counts = await trainer.count(TRAIN_FILES.map((file) => fileSource(file)), {}, options, silentProgress);
  return trainer.train(counts, options, silentProgress);
}

function dataFiles(): string[] {
  const files: string[] = [];
  for (const folder of FOLDERS) {
    for (const name of readdirSync(join(DATA, folder)).sort()) if (name.endsWith('.txt')) files.push(join(folder, name));
  }
  return files;
}

function sameIds(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function runSubject(subject: Subject, files: string[]): Promise<Map<string, PairResult>> {
  const results = new Map<string, PairResult>();
  for (const [tested, reference] of subject.pairs) results.set(`${tested} vs ${reference}`, { lines: 0, mismatches: 0, examples: [] });
  const available = subject.implementations.filter((implementation) => implementation.encode !== undefined);
  for (const file of files) {
    const lines = readFileSync(join(DATA, file), 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length > MAX_LINES) lines.length = MAX_LINES;
    for (let first = 0; first < lines.length; first += BATCH_LINES) {
      const batch = lines.slice(first, first + BATCH_LINES);
      const ids = new Map<string, number[][]>();
      for (const implementation of available) {
        const started = performance.now();
        ids.set(implementation.name, await implementation.encode!(batch));
        implementation.elapsedMs += performance.now() - started;
      }
      for (const [tested, reference] of subject.pairs) {
        const testedIds = ids.get(tested);
        const referenceIds = ids.get(reference);
        if (testedIds === undefined || referenceIds === undefined) continue;
        const result = results.get(`${tested} vs ${reference}`)!;
        batch.forEach((text, k) => {
          result.lines++;
          if (sameIds(testedIds[k]!, referenceIds[k]!)) return;
          result.mismatches++;
          if (result.examples.length < SHOWN_MISMATCHES) result.examples.push({ file, line: first + k + 1, text, ids: testedIds[k]!, reference: referenceIds[k]! });
        });
      }
    }
  }
  return results;
}

function firstDifference(a: number[], b: number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

async function main(): Promise<void> {
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'toksmith-parity-hf-'));
  const files = dataFiles();
  console.log(`machine: ${describeMachine()}`);
  console.log(`files: ${files.length} (${FOLDERS.join(', ')}), max lines per file: ${MAX_LINES}`);
  console.log(`training files: ${TRAIN_FILES.join(', ')}`);

  const subjects: Subject[] = [];
  let stepStarted = performance.now();
  const wordPiece = trainHfWordPiece();
  const unigram = trainHfUnigram();
  console.log(`HF training: ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
  for (const [name, json] of [['hf-wordpiece', wordPiece], ['hf-unigram', unigram]] as const) {
    subjects.push({
      name,
      implementations: [hfImplementation(json), toksmithImplementation('toksmith-read', readWritten(workDir, name, json))],
      pairs: [['toksmith-read', 'hf']],
    });
  }

  const llama3Json = llama3TokenizerJson();
  subjects.push({
    name: 'llama3',
    implementations: [
      hfImplementation(llama3Json),
      toksmithImplementation('toksmith-read', readWritten(workDir, 'llama3', llama3Json)),
      { name: 'llama3-tokenizer-js', elapsedMs: 0, encode: (lines) => lines.map((line) => llama3Tokenizer.encode(line, { bos: true, eos: false })) },
    ],
    pairs: [
      ['hf', 'llama3-tokenizer-js'],
      ['toksmith-read', 'llama3-tokenizer-js'],
      ['toksmith-read', 'hf'],
    ],
  });

  stepStarted = performance.now();
  const ownVocabs: [string, Vocab][] = [
    ['toksmith-bpe-16k', await trainToksmith('bpe', 16_000)],
    ['toksmith-bpe-chars-16k', await trainToksmith('bpe', 16_000, { alphabet: 'chars' })],
    ['toksmith-unigram-8k', await trainToksmith('unigram', 8_000)],
  ];
  console.log(`toksmith training: ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
  for (const [name, vocab] of ownVocabs) {
    const json = writeHfTokenizer(vocab);
    subjects.push({
      name,
      implementations: [hfImplementation(json), toksmithImplementation('toksmith', () => vocab), toksmithImplementation('toksmith-read', readWritten(workDir, name, json))],
      pairs: [
        ['hf', 'toksmith'],
        ['toksmith-read', 'hf'],
      ],
    });
  }

  console.log('\n| tokenizer | compared | lines | identical | mismatches |');
  console.log('|---|---|---:|---:|---:|');
  const notes: string[] = [];
  for (const subject of subjects) {
    const results = await runSubject(subject, files);
    for (const [pair, result] of results) {
      const [tested, reference] = pair.split(' vs ');
      const missing = subject.implementations.find((implementation) => (implementation.name === tested || implementation.name === reference) && implementation.encode === undefined);
      if (missing !== undefined) {
        console.log(`| ${subject.name} | ${pair} | not run | | ${missing.name} unavailable: ${missing.unavailable} |`);
        continue;
      }
      const identical = result.lines === 0 ? 0 : (100 * (result.lines - result.mismatches)) / result.lines;
      console.log(`| ${subject.name} | ${pair} | ${result.lines.toLocaleString('en-US')} | ${identical.toFixed(4)}% | ${result.mismatches.toLocaleString('en-US')} |`);
      for (const example of result.examples) {
        const at = firstDifference(example.ids, example.reference);
        notes.push(
          `${subject.name}, ${pair}: ${example.file}:${example.line} ${JSON.stringify(example.text.slice(0, 160))}\n` +
            `  first difference at token ${at}: ${JSON.stringify(example.ids.slice(at, at + 8))} vs ${JSON.stringify(example.reference.slice(at, at + 8))}`,
        );
      }
    }
    const times = subject.implementations.map((implementation) =>
      implementation.encode === undefined ? `${implementation.name} n/a` : `${implementation.name} ${(implementation.elapsedMs / 1000).toFixed(1)} s`,
    );
    notes.push(`${subject.name} encode time: ${times.join(', ')}`);
  }
  console.log(`\n${notes.join('\n')}`);
  console.log(`\ntotal time: ${((performance.now() - started) / 1000).toFixed(1)} s; load average at the end: ${describeMachine().replace(/.*load average /, '')}`);
  rmSync(workDir, { recursive: true, force: true });
}

await main();
