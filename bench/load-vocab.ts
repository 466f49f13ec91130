// Measures how long loading a large vocabulary takes in a fresh process: reading and checking
// the .tok file, and building the trie for encoding (compiled code: run `npm run build` first). The vocabulary is made of the 200,000 most frequent
// whitespace-separated words (with and without a leading space) of real corpora.
//
//   npm run bench:load -- [--pieces 200000] [--runs 20] 'GLOB'...

import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fastGlob from 'fast-glob';
import { fileSource, readLineBatches } from '../src/corpus.js';
import { saveVocab } from '../src/vocab-file.js';
import { PieceKind, type Vocab } from '../src/vocab.js';
import { describeMachine } from './machine.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { pieces: { type: 'string', default: '200000' }, runs: { type: 'string', default: '20' } },
});
const target = Number(values.pieces);
const runs = Number(values.runs);
const files = (await fastGlob(positionals.length > 0 ? positionals : ['../shared/data/*/*.txt'])).sort();

// 1. Count words and keep the most frequent ones as pieces.
const counts = new Map<string, number>();
for await (const batch of readLineBatches(files.map((file) => fileSource(file)))) {
  for (const line of batch.lines) {
    for (const word of line.split(/\s+/)) {
      if (word === '') continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
      counts.set(' ' + word, (counts.get(' ' + word) ?? 0) + 1);
    }
  }
}
const words = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, target - 257).map(([word]) => word);
const utf8 = new TextEncoder();
const pieces = [utf8.encode('<unk>'), ...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), ...words.map((word) => utf8.encode(word))];
const vocab: Vocab = {
  algorithm: 'char',
  pieces,
  kinds: Uint8Array.from(pieces, (_, id) => (id === 0 ? PieceKind.unknown : id <= 256 ? PieceKind.byte : PieceKind.normal)),
  normalizer: 'none',
  preTokenizer: { type: 'none' },
  defaultMethod: 'longest',
};
const path = join(mkdtempSync(join(tmpdir(), 'toksmith-load-')), 'large.tok');
saveVocab(vocab, path);

// 2. Time loading and trie building, each run in a fresh process as a CLI run would load it,
// so that garbage from earlier runs does not count. Report the median of the runs.
const probe = `
  const { loadVocab } = await import(${JSON.stringify(new URL('../dist/src/vocab-file.js', import.meta.url).href)});
  const { Encoder } = await import(${JSON.stringify(new URL('../dist/src/encoder.js', import.meta.url).href)});
  const start = performance.now();
  const vocab = loadVocab(${JSON.stringify(path)});
  const loadedAt = performance.now();
  new Encoder(vocab, 'longest').encode('x');
  console.log(JSON.stringify({ loadMs: loadedAt - start, trieMs: performance.now() - loadedAt }));
`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const loadMs: number[] = [];
const trieMs: number[] = [];
for (let run = 0; run < runs; run++) {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  const timing = JSON.parse(output) as { loadMs: number; trieMs: number };
  loadMs.push(timing.loadMs);
  trieMs.push(timing.trieMs);
}

console.log(`Machine: ${describeMachine()}`);
console.log(`Command: npm run bench:load -- ${process.argv.slice(2).join(' ')}`);
console.log(`Vocabulary: ${pieces.length} pieces, file ${(statSync(path).size / 1e6).toFixed(2)} MB, from ${files.length} files\n`);
console.log('| step | median ms | min ms | max ms |');
console.log('|---|---:|---:|---:|');
console.log(`| load .tok (read, CRC, decode) | ${median(loadMs).toFixed(1)} | ${Math.min(...loadMs).toFixed(1)} | ${Math.max(...loadMs).toFixed(1)} |`);
console.log(`| build trie (first encode) | ${median(trieMs).toFixed(1)} | ${Math.min(...trieMs).toFixed(1)} | ${Math.max(...trieMs).toFixed(1)} |`);
