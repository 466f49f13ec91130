// Throughput benchmark of the main job: train a vocabulary, encode files to ids, decode the
// ids back, each as a whole `toksmith` process. Prints MB/s and peak memory (best of N runs)
// as a Markdown table, and checks that decoding restored the input byte for byte.
//
//   npm run bench:perf -- [--model char] [--runs 3] [--method longest] --train 'GLOB' --eval 'GLOB'

import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fastGlob from 'fast-glob';
import { describeMachine } from './machine.js';
import { bestOf, measure } from './measure.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'char' },
    'vocab-size': { type: 'string' },
    method: { type: 'string', multiple: true },
    runs: { type: 'string', default: '3' },
    train: { type: 'string', multiple: true },
    eval: { type: 'string', multiple: true },
  },
});

const binary = new URL('../bin/toksmith.js', import.meta.url).pathname;
const runs = Number(values.runs);
const trainFiles = (await fastGlob(values.train ?? ['../shared/data/tr/*.train.txt'])).sort();
const evalFiles = (await fastGlob(values.eval ?? ['../shared/data/*/*.eval.txt'])).sort();
if (trainFiles.length === 0 || evalFiles.length === 0) throw new Error('no training or evaluation files matched');
const bytesOf = (files: string[]): number => files.reduce((sum, file) => sum + statSync(file).size, 0);
const trainBytes = bytesOf(trainFiles);
const evalBytes = bytesOf(evalFiles);
const work = mkdtempSync(join(tmpdir(), 'toksmith-perf-'));
const vocab = join(work, `${values.model}.tok`);
const sizeArgs = values['vocab-size'] === undefined ? [] : ['--vocab-size', values['vocab-size']];

const rows: string[] = [];
const row = (step: string, bytes: number, result: { seconds: number; peakMemoryMiB: number }, note = ''): void => {
  rows.push(`| ${step} | ${(bytes / 1e6).toFixed(1)} | ${result.seconds.toFixed(2)} | ${(bytes / 1e6 / result.seconds).toFixed(1)} | ${result.peakMemoryMiB.toFixed(0)} | ${note} |`);
};

const train = bestOf(runs, () => measure('node', [binary, 'train', '--model', values.model!, ...sizeArgs, '--quiet', '-o', vocab, ...trainFiles]));
row(`train ${values.model}`, trainBytes, train);

for (const method of values.method ?? ['longest']) {
  const idsPath = join(work, `${method}.ids`);
  const textPath = join(work, `${method}.txt`);
  const encode = bestOf(runs, () => measure('node', [binary, 'encode', '--vocab', vocab, '--method', method, '--quiet', ...evalFiles], { stdoutPath: idsPath }));
  row(`encode (${method}, ids)`, evalBytes, encode);
  const decode = bestOf(runs, () => measure('node', [binary, 'decode', '--vocab', vocab, '--quiet', idsPath], { stdoutPath: textPath }));
  const original = Buffer.concat(evalFiles.map((file) => readFileSync(file)));
  const exact = readFileSync(textPath).equals(original);
  row(`decode (${method})`, evalBytes, decode, exact ? 'output identical to input' : 'OUTPUT DIFFERS FROM INPUT');
}

console.log(`Machine: ${describeMachine()}`);
console.log(`Command: npm run bench:perf -- ${process.argv.slice(2).join(' ')}`);
console.log(`Train files: ${trainFiles.join(', ')}`);
console.log(`Eval files: ${evalFiles.join(', ')}\n`);
console.log('| step | MB | seconds (best of ' + runs + ') | MB/s | peak MiB | check |');
console.log('|---|---:|---:|---:|---:|---|');
for (const line of rows) console.log(line);
