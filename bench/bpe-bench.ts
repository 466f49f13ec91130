// BPE benchmarks, printed as Markdown for bench/RESULTS.md:
// (a) parity with Hugging Face tokenizers (npm `tokenizers`): token counts on held-out text;
// (b) training wall time and peak memory: toksmith vs tokenizers vs spm_train, best of N;
// (c) KL3M-style character BPE (4k/8k/16k, pieces capped at 3/3/4 characters) vs a 32k BPE;
// (d) round trip of every eval file with the merges, longest and fewest methods.
// Usage: npm run bench:bpe [-- --parts parity,train,kl3m,roundtrip] [--repeats 3]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Encoder } from '../src/encoder.js';
import { loadVocab } from '../src/vocab-file.js';
import { describeMachine } from './machine.js';
import { bestOf, measure, type Measurement } from './measure.js';

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/toksmith.js', import.meta.url));
const HF_TRAIN = fileURLToPath(new URL('./hf-train-bpe.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'toksmith-bpe-bench-'));

const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
};
const parts = new Set(option('--parts', 'parity,train,kl3m,roundtrip').split(','));
const repeats = Number(option('--repeats', '3'));

const data = (path: string): string => join(DATA, path);
const EN_TRAIN = ['en-brown-corpus', 'en-debian-handbook', 'en-moby-dick', 'en-python-docs', 'en-state-of-the-union'].map((name) => data(`en/${name}.train.txt`));
const TR_TRAIN = ['tr-libreoffice-help', 'tr-manpages', 'tr-news-starlang', 'tr-penntreebank-starlang', 'tr-ud-treebanks'].map((name) => data(`tr/${name}.train.txt`));
const LEGAL_TRAIN = ['en-us-legislation-uslm', 'en-blacks-law-dictionary-1910', 'en-licenses-spdx'].map((name) => data(`legal/${name}.train.txt`));
const LEGAL_EVAL = ['en-us-legislation-uslm', 'en-blacks-law-dictionary-1910'].map((name) => data(`legal/${name}.eval.txt`));
const EVAL_FILES = execFileSync('sh', ['-c', `ls ${DATA}*/*.eval.txt`]).toString().trim().split('\n');
/** Left out of the parity training run and used as held-out English. */
const HELD_OUT_EN = data('en/en-moby-dick.train.txt');

function toksmith(args: string[]): Measurement {
  return measure(process.execPath, [BIN, ...args, '--quiet']);
}

function lines(path: string): string[] {
  const text = readFileSync(path, 'utf8').split('\n');
  if (text[text.length - 1] === '') text.pop();
  return text;
}

function countTokens(encoder: Encoder, paths: string[]): number {
  let total = 0;
  for (const path of paths) for (const line of lines(path)) total += encoder.count(line);
  return total;
}

function percent(a: number, b: number): string {
  return `${((100 * (a - b)) / b).toFixed(2)}%`;
}

// (a) --------------------------------------------------------------------------------------
async function parity(): Promise<string> {
  const { Tokenizer } = await import('tokenizers');
  const trainFiles = [...EN_TRAIN.filter((path) => path !== HELD_OUT_EN), ...TR_TRAIN];
  const heldOut = [data('tr/tr-ud-treebanks.eval.txt'), ...LEGAL_EVAL, HELD_OUT_EN];
  const hfJson = join(work, 'hf-parity.json');
  measure(process.execPath, [HF_TRAIN, hfJson, ...trainFiles], { env: { RAYON_NUM_THREADS: '2' } });
  const hf = JSON.parse(readFileSync(hfJson, 'utf8'));
  const hfMerges: (string | [string, string])[] = hf.model.merges;
  const hfVocab: Record<string, number> = hf.model.vocab;
  const alphabetSize = Object.keys(hfVocab).length - hfMerges.length;

  const rows: string[] = [];
  for (const size of [8000, 30000]) {
    // The first k merges of the 30k run are the k-merge run (merges are learned greedily).
    const k = size - alphabetSize;
    const cut = structuredClone(hf);
    cut.model.merges = hfMerges.slice(0, k);
    cut.model.vocab = Object.fromEntries(Object.entries(hfVocab).filter(([, id]) => id < size));
    const hfTokenizer = Tokenizer.fromString(JSON.stringify(cut));
    const vocabPath = join(work, `parity-${size}.tok`);
    toksmith(['train', '--model', 'bpe', '--vocab-size', String(size), '--min-frequency', '0', '--threads', '2', '-o', vocabPath, ...trainFiles]);
    const encoder = new Encoder(loadVocab(vocabPath));
    for (const path of heldOut) {
      let hfTokens = 0;
      const text = lines(path);
      for (let i = 0; i < text.length; i += 2000) {
        const encodings = await hfTokenizer.encodeBatch(text.slice(i, i + 2000));
        for (const encoding of encodings) hfTokens += encoding.getLength();
      }
      const ours = countTokens(encoder, [path]);
      rows.push(`| ${size} | ${basename(path)} | ${ours.toLocaleString('en')} | ${hfTokens.toLocaleString('en')} | ${percent(ours, hfTokens)} |`);
    }
  }
  return [
    `Training files: en train files except ${basename(HELD_OUT_EN)}, and all tr train files (${trainFiles.length} files). ` +
      `toksmith: \`toksmith train --model bpe --vocab-size N --min-frequency 0 --threads 2\` (gpt2 pre-tokenizer). ` +
      `tokenizers ${readPackageVersion('tokenizers')}: trained once with its defaults (30,000 pieces, min frequency 0, byte-level pre-tokenizer without prefix space; ` +
      `alphabet = the ${alphabetSize} bytes seen), cut to its first N − ${alphabetSize} merges. Token counts over held-out lines (each line encoded without its LF).`,
    '',
    '| pieces | held-out file | toksmith tokens | tokenizers tokens | difference |',
    '|---:|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

function readPackageVersion(name: string): string {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')).version;
}

// (b) --------------------------------------------------------------------------------------
function training(): string {
  const rows: string[] = [];
  const row = (tool: string, result: Measurement): void => {
    rows.push(`| ${tool} | ${result.seconds.toFixed(2)} | ${result.peakMemoryMiB.toFixed(0)} |`);
  };
  for (const threads of [1, 2]) {
    row(`toksmith --threads ${threads}`, bestOf(repeats, () => toksmith(['train', '--model', 'bpe', '--vocab-size', '30000', '--threads', String(threads), '-o', join(work, `en-${threads}.tok`), ...EN_TRAIN])));
  }
  row('tokenizers (RAYON_NUM_THREADS=2)', bestOf(repeats, () => measure(process.execPath, [HF_TRAIN, join(work, 'hf-en.json'), ...EN_TRAIN], { env: { RAYON_NUM_THREADS: '2' } })));
  row(
    'spm_train --model_type=bpe --num_threads=2',
    bestOf(repeats, () =>
      measure('spm_train', [
        `--input=${EN_TRAIN.join(',')}`,
        `--model_prefix=${join(work, 'spm-en')}`,
        '--model_type=bpe',
        '--vocab_size=30000',
        '--max_sentence_length=1000000',
        '--num_threads=2',
        '--minloglevel=1',
      ]),
    ),
  );
  return [
    `All ${EN_TRAIN.length} en train files (25.3 MB), 30,000 pieces, best of ${repeats} (wall time of the whole process, peak RSS of that run, GNU time).`,
    '',
    '| tool | wall s | peak MiB |',
    '|---|---:|---:|',
    ...rows,
  ].join('\n');
}

// (c) --------------------------------------------------------------------------------------
function kl3m(): string {
  const configurations = [
    { name: 'char BPE 4k, max 3 chars', args: ['--alphabet', 'chars', '--vocab-size', '4096', '--max-token-length', '3'] },
    { name: 'char BPE 8k, max 3 chars', args: ['--alphabet', 'chars', '--vocab-size', '8192', '--max-token-length', '3'] },
    { name: 'char BPE 16k, max 4 chars', args: ['--alphabet', 'chars', '--vocab-size', '16384', '--max-token-length', '4'] },
    { name: 'byte-level BPE 32k (gpt2)', args: ['--vocab-size', '32000'] },
  ];
  const rows: string[] = [];
  for (const configuration of configurations) {
    const vocabPath = join(work, `kl3m-${rows.length}.tok`);
    const trained = toksmith(['train', '--model', 'bpe', '--threads', '2', ...configuration.args, '-o', vocabPath, ...LEGAL_TRAIN]);
    const encoder = new Encoder(loadVocab(vocabPath));
    const cells = LEGAL_EVAL.map((path) => {
      let characters = 0;
      for (const line of lines(path)) characters += [...line].length;
      return (countTokens(encoder, [path]) / characters).toFixed(4);
    });
    rows.push(`| ${configuration.name} | \`${configuration.args.join(' ')}\` | ${cells.join(' | ')} | ${trained.seconds.toFixed(1)} |`);
  }
  return [
    `Trained on ${LEGAL_TRAIN.map((path) => basename(path)).join(', ')}; tokens per character (TPC, lower is better) on each legal eval file, encoded line by line.`,
    '',
    `| vocabulary | options | ${LEGAL_EVAL.map((path) => `TPC ${basename(path)}`).join(' | ')} | train s |`,
    `|---|---|${LEGAL_EVAL.map(() => '---:').join('|')}|---:|`,
    ...rows,
  ].join('\n');
}

// (d) --------------------------------------------------------------------------------------
function roundTrip(): string {
  const vocabs = [
    { name: 'byte-level 30k (en)', path: join(work, 'en-2.tok'), train: ['--vocab-size', '30000', ...EN_TRAIN] },
    { name: 'char-level 16k (legal)', path: join(work, 'kl3m-2.tok'), train: ['--alphabet', 'chars', '--vocab-size', '16384', '--max-token-length', '4', ...LEGAL_TRAIN] },
  ];
  const rows: string[] = [];
  for (const vocab of vocabs) {
    try {
      readFileSync(vocab.path);
    } catch {
      toksmith(['train', '--model', 'bpe', '--threads', '2', '-o', vocab.path, ...vocab.train]);
    }
    const loaded = loadVocab(vocab.path);
    for (const method of ['merges', 'longest', 'fewest'] as const) {
      const encoder = new Encoder(loaded, method);
      let documents = 0;
      let failures = 0;
      let tokens = 0;
      const startedAt = performance.now();
      for (const path of EVAL_FILES) {
        for (const line of lines(path)) {
          const ids = encoder.encode(line).ids;
          tokens += ids.length;
          documents++;
          if (new TextDecoder().decode(encoder.decode(ids)) !== line) failures++;
        }
      }
      const seconds = (performance.now() - startedAt) / 1000;
      rows.push(`| ${vocab.name} | ${method} | ${documents.toLocaleString('en')} | ${failures} | ${tokens.toLocaleString('en')} | ${seconds.toFixed(1)} |`);
    }
  }
  const pathological = pathologicalRows(loadVocab(vocabs[0]!.path));
  return [
    `Every eval file (${EVAL_FILES.map((path) => basename(path)).join(', ')}), line by line: decode(encode(line)) === line.`,
    '',
    '| vocabulary | method | lines | round-trip failures | tokens | encode+decode s |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
    '',
    'Pathological inputs with the byte-level 30k vocabulary (`merges`, one encode call, in-process):',
    '',
    '| input | tokens | encode ms |',
    '|---|---:|---:|',
    ...pathological,
  ].join('\n');
}

function pathologicalRows(vocab: ReturnType<typeof loadVocab>): string[] {
  const encoder = new Encoder(vocab, 'merges');
  const rows: string[] = [];
  for (const [name, input] of [
    ['100,000 × "a"', 'a'.repeat(100_000)],
    ['"Hello" + 50,000 × "-"', 'Hello' + '-'.repeat(50_000)],
    ['1,000,000 × "a"', 'a'.repeat(1_000_000)],
  ] as const) {
    const startedAt = performance.now();
    const ids = encoder.encode(input).ids;
    rows.push(`| ${name} | ${ids.length.toLocaleString('en')} | ${(performance.now() - startedAt).toFixed(0)} |`);
  }
  return rows;
}

// ------------------------------------------------------------------------------------------
const sections: string[] = [`Machine: ${describeMachine()} (at start). Command: \`npm run bench:bpe -- ${argv.join(' ')}\`.`];
if (parts.has('parity')) sections.push('### Parity with Hugging Face tokenizers\n\n' + (await parity()));
if (parts.has('train')) sections.push('### Training time and memory\n\n' + training());
if (parts.has('kl3m')) sections.push('### KL3M-style character BPE on legal text\n\n' + kl3m());
if (parts.has('roundtrip')) sections.push('### Round trip and pathological inputs\n\n' + roundTrip());
sections.push(`Load average at the end: ${describeMachine().replace(/.*load average /, '')}.`);
process.stdout.write(sections.join('\n\n') + '\n');
