// Encoding speed, whole process, side by side in one run: toksmith with o200k_base imported
// from its tiktoken rank file, against gpt-tokenizer, tiktoken (WASM), js-tiktoken and Hugging
// Face tokenizers on the same text, one thread and two. Every tool writes one line of ids per
// input line; the outputs must be identical, or the script stops.
//
// Usage: npm run bench:speed [-- --write] [--runs N] [--mib N]

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './machine.js';
import { bestOf, measure, type Measurement } from './measure.js';
import { writeResultsSection } from './results-file.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = join(root, '..', 'shared', 'data');
const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
};
const runs = option('--runs', 3);
const targetMiB = option('--mib', 16);
const work = mkdtempSync(join(tmpdir(), 'toksmith-speed-'));
const toksmith = join(root, 'bin', 'toksmith.js');
const runner = join(root, 'bench', 'speed', 'encode-runner.mjs');
const rankFile = join(root, 'node_modules', 'gpt-tokenizer', 'data', 'o200k_base.tiktoken');

// 1. The text: the same share of lines from every text file in shared/data, up to the target size.
function textFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((entry) => {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) return entry === 'lexicons' ? [] : textFiles(path);
      return entry.endsWith('.txt') ? [path] : [];
    });
}
const files = textFiles(dataRoot);
const totalBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
const share = Math.min(1, (targetMiB * 2 ** 20) / totalBytes);
const parts: string[] = [];
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  parts.push(lines.slice(0, Math.ceil(lines.length * share)).join('\n'));
}
const textPath = join(work, 'text.txt');
writeFileSync(textPath, parts.join('\n') + '\n');
const textBytes = statSync(textPath).size;

// 2. Tokenizer files: o200k as .tok, and as tokenizer.json for HF tokenizers.
const tokPath = join(work, 'o200k.tok');
execFileSync('node', [toksmith, 'convert', rankFile, '-o', tokPath, '-q']);
const jsonPath = join(work, 'o200k.json');
let hfReason: string | undefined;
try {
  execFileSync('node', [toksmith, 'convert', rankFile, '-o', jsonPath, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
} catch (error) {
  hfReason = `toksmith convert --to hf failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
}

interface Tool {
  name: string;
  command: (threads: number) => string[];
}
const tools: Tool[] = [
  { name: 'toksmith (o200k .tok)', command: (threads) => [toksmith, 'encode', '-q', '-v', tokPath, '--threads', String(threads), textPath] },
  { name: 'toksmith (.tiktoken file)', command: (threads) => [toksmith, 'encode', '-q', '-v', rankFile, '--threads', String(threads), textPath] },
  ...['gpt-tokenizer', 'tiktoken', 'js-tiktoken'].map((name) => ({
    name: name === 'tiktoken' ? 'tiktoken (WASM)' : name,
    command: (threads: number) => [runner, name, 'o200k_base', textPath, '--threads', String(threads)],
  })),
];
if (hfReason === undefined) {
  tools.push({ name: 'HF tokenizers (native)', command: () => [runner, 'hf-tokenizers', 'o200k_base', textPath, '--tokenizer-json', jsonPath] });
}

// 3. Best of `runs` per tool and thread count; outputs are checked against toksmith's.
const rows: string[] = [];
let expectedHash: string | undefined;
for (const tool of tools) {
  const cells: string[] = [];
  for (const threads of [1, 2]) {
    const outputPath = join(work, 'out.txt');
    // HF tokenizers sizes its thread pool from RAYON_NUM_THREADS.
    const env = { RAYON_NUM_THREADS: String(threads) };
    const result: Measurement = bestOf(runs, () => measure('node', tool.command(threads), { stdoutPath: outputPath, env }));
    const hash = createHash('sha256').update(readFileSync(outputPath)).digest('hex');
    expectedHash ??= hash;
    if (hash !== expectedHash) throw new Error(`${tool.name} (${threads} threads) gave different ids than toksmith`);
    cells.push(`${(textBytes / 2 ** 20 / result.seconds).toFixed(2)} MiB/s (${result.seconds.toFixed(2)} s, ${result.peakMemoryMiB.toFixed(0)} MiB)`);
    console.error(`${tool.name}, ${threads} thread(s): ${result.seconds.toFixed(2)} s`);
  }
  rows.push(`| ${tool.name} | ${cells.join(' | ')} |`);
}

const report = [
  `Run: \`npm run bench:speed -- --write\` (bench/encode-speed.ts), ${new Date().toISOString().slice(0, 10)}; ${describeMachine()}.`,
  `Text: ${(textBytes / 2 ** 20).toFixed(1)} MiB, the first ${(share * 100).toFixed(1)}% of the lines of every text file in shared/data (${files.length} files: tr, en, legal, finance, code). Encoding: o200k_base. Each cell is the best of ${runs} whole-process runs (start, load, encode line by line, write one line of ids per input line), with wall time and peak memory. Every run's output is identical to toksmith's.`,
  'toksmith runs `toksmith encode` with `--threads 1` or `2`. The others run bench/speed/encode-runner.mjs, which splits the lines into one part per worker thread; HF tokenizers uses its own `encodeBatch` thread pool (RAYON_NUM_THREADS). The `.tok` file is the rank file after `toksmith convert`, which stores the derived merges and the trie order, so loading skips that work.',
  ...(hfReason === undefined ? [] : [`HF tokenizers is left out: ${hfReason}.`]),
  '',
  '| encoder | 1 thread | 2 threads |',
  '|---|---:|---:|',
  ...rows,
].join('\n');
console.log(report);
if (process.argv.includes('--write')) writeResultsSection(root, 'Encoding speed (o200k)', report);
rmSync(work, { recursive: true, force: true });
