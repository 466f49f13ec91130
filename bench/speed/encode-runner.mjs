// One whole-process run of a reference encoder for bench/encode-speed.ts: reads a text file,
// encodes it line by line, and writes one line of space-separated ids per input line to stdout,
// as `toksmith encode` does. With --threads N > 1 the lines are split into N contiguous parts,
// each encoded by its own worker thread (HF tokenizers uses its own encodeBatch threads).
//
// Usage: node bench/speed/encode-runner.mjs TOOL ENCODING FILE [--threads N] [--tokenizer-json PATH]
//   TOOL: gpt-tokenizer | tiktoken | js-tiktoken | hf-tokenizers; ENCODING: o200k_base | cl100k_base

import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

async function loadEncoder(tool, encoding, tokenizerJson) {
  switch (tool) {
    case 'gpt-tokenizer': {
      const module = await import(`gpt-tokenizer/encoding/${encoding}`);
      return (line) => module.encode(line, { disallowedSpecial: new Set() });
    }
    case 'tiktoken': {
      const { get_encoding } = await import('tiktoken');
      const encoder = get_encoding(encoding);
      return (line) => encoder.encode_ordinary(line);
    }
    case 'js-tiktoken': {
      const { Tiktoken } = await import('js-tiktoken/lite');
      const ranks = (await import(`js-tiktoken/ranks/${encoding}`)).default;
      const encoder = new Tiktoken(ranks);
      return (line) => encoder.encode(line, [], []);
    }
    case 'hf-tokenizers': {
      const { Tokenizer } = await import('tokenizers');
      const tokenizer = Tokenizer.fromFile(tokenizerJson);
      return async (lines) => {
        const encodings = await tokenizer.encodeBatch(lines, false);
        return encodings.map((encoded) => encoded.getIds());
      };
    }
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

function format(idLists) {
  let out = '';
  for (const ids of idLists) out += Array.prototype.join.call(ids, ' ') + '\n';
  return out;
}

async function encodeLines(tool, encoding, tokenizerJson, lines) {
  const encode = await loadEncoder(tool, encoding, tokenizerJson);
  if (tool === 'hf-tokenizers') {
    // encodeBatch in chunks keeps memory bounded; it runs on HF's own thread pool.
    const parts = [];
    for (let start = 0; start < lines.length; start += 10000) parts.push(format(await encode(lines.slice(start, start + 10000))));
    return parts.join('');
  }
  const parts = [];
  for (let start = 0; start < lines.length; start += 10000) parts.push(format(lines.slice(start, start + 10000).map(encode)));
  return parts.join('');
}

if (isMainThread) {
  const [tool, encoding, file] = process.argv.slice(2);
  const threadsIndex = process.argv.indexOf('--threads');
  const threads = threadsIndex < 0 ? 1 : Number(process.argv[threadsIndex + 1]);
  const jsonIndex = process.argv.indexOf('--tokenizer-json');
  const tokenizerJson = jsonIndex < 0 ? undefined : process.argv[jsonIndex + 1];
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let output;
  if (threads <= 1 || tool === 'hf-tokenizers') {
    output = await encodeLines(tool, encoding, tokenizerJson, lines);
  } else {
    const size = Math.ceil(lines.length / threads);
    const parts = await Promise.all(
      Array.from({ length: threads }, (_, k) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { tool, encoding, tokenizerJson, lines: lines.slice(k * size, (k + 1) * size) } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
      ),
    );
    output = parts.join('');
  }
  process.stdout.write(output);
} else {
  const { tool, encoding, tokenizerJson, lines } = workerData;
  parentPort.postMessage(await encodeLines(tool, encoding, tokenizerJson, lines));
}
