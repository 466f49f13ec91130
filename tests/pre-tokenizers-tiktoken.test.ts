import { readFileSync } from 'node:fs';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { createPreTokenizer, DEFAULT_CHUNK_CHARS, splitIntoChunks, type PreTokenizerName } from '../src/pre-tokenizers.js';
import { mulberry32 } from '../src/random.js';

function split(type: PreTokenizerName, text: string): string[] {
  const ranges: number[] = [];
  createPreTokenizer({ type }).split(text, ranges);
  const parts: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) parts.push(text.slice(ranges[i], ranges[i + 1]));
  return parts;
}

const CASES = [
  '\uFEFFHello world',
  '\uFEFF\uFEFF Hi!\uFEFF there',
  'end.\uFEFF\n\uFEFF',
  "I'LL SAY it's John'S 'Re 'ſ we'VE",
  'line one\r\n\r\n  indented\n\tTabbed   \n',
  'Numbers 1234567 and 3.14159, x2y',
  'camelCaseWord HTTPServer ÇalışKan',
  '\u00a0no-break\u3000ideographic\u2028separator',
  'path/to/file.txt // comment\n/* block */',
  'emoji 👍🏽 and 東京タワー',
];

const corpus = readFileSync(new URL('../bench/corpora/tr-ud-treebanks.eval.txt', import.meta.url), 'utf8').split('\n').slice(0, 300);
const encodings: Tiktoken[] = [];
afterAll(() => {
  for (const encoding of encodings) encoding.free();
});

describe.each([
  ['cl100k', 'cl100k_base'],
  ['o200k', 'o200k_base'],
] as const)('%s pre-tokenizer', (type, encodingName) => {
  const encoding = get_encoding(encodingName);
  encodings.push(encoding);

  // If the split matched tiktoken's, encoding each pre-token alone gives tiktoken's ids.
  it.each(CASES)('splits like tiktoken: %j', (input) => {
    const ids = split(type, input).flatMap((part) => [...encoding.encode(part)]);
    expect(ids).toEqual([...encoding.encode(input)]);
  });

  it('splits real Turkish text like tiktoken', () => {
    for (const line of corpus) {
      const ids = split(type, line).flatMap((part) => [...encoding.encode(part)]);
      expect(ids).toEqual([...encoding.encode(line)]);
    }
  });

  it('keeps a leading BOM out of whitespace', () => {
    expect(split(type, '\uFEFF Hi')[0]).toBe('\uFEFF');
  });
});

describe('chunks pre-tokenizer', () => {
  it('keeps each line whole at encode time', () => {
    expect(split('chunks', 'one line of text')).toEqual(['one line of text']);
  });

  it('cuts training text into chunks of 4 to 23 characters', () => {
    const input = 'x'.repeat(10_000);
    const ranges: number[] = [];
    splitIntoChunks(input, DEFAULT_CHUNK_CHARS, mulberry32(7), ranges);
    const lengths: number[] = [];
    for (let i = 0; i < ranges.length; i += 2) lengths.push(ranges[i + 1]! - ranges[i]!);
    expect(lengths.slice(0, -1).every((length) => length >= 4 && length <= 23)).toBe(true);
    expect(ranges[ranges.length - 1]).toBe(input.length);
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    expect(mean).toBeGreaterThan(11);
    expect(mean).toBeLessThan(15);
  });

  it('gives the same chunks for the same seed', () => {
    const first: number[] = [];
    const second: number[] = [];
    splitIntoChunks('a b c d e f g h i j k l m n o p', DEFAULT_CHUNK_CHARS, mulberry32(3), first);
    splitIntoChunks('a b c d e f g h i j k l m n o p', DEFAULT_CHUNK_CHARS, mulberry32(3), second);
    expect(second).toEqual(first);
  });

  it('never splits a surrogate pair', () => {
    const input = '😀'.repeat(100);
    const ranges: number[] = [];
    splitIntoChunks(input, [1, 2, 3], mulberry32(1), ranges);
    for (const boundary of ranges) expect(boundary % 2).toBe(0);
  });
});
