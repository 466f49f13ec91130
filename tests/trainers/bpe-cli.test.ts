// End-to-end: spawns the compiled CLI (run `npm run build` first), so worker threads run as
// they do for users.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSource } from '../../src/corpus.js';
import { silentProgress } from '../../src/progress.js';
import { vocabSectionOf } from '../../src/vocab-file.js';
import { countPreTokens } from '../../trainers/bpe/pre-token-counting.js';
import { repositoryRoot, runCli } from '../cli/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'toksmith-bpe-'));
const corpus = join(repositoryRoot, 'bench/corpora/en-moby-dick.train.txt');
const heldOut = join(repositoryRoot, 'bench/corpora/en-moby-dick.heldout.txt');
const turkish = join(repositoryRoot, 'bench/corpora/tr-ud-treebanks.eval.txt');

function train(name: string, args: string[]): string {
  const output = join(work, name);
  const result = runCli(['train', '--model', 'bpe', '--quiet', '-o', output, ...args]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return output;
}

function section(path: string): Buffer {
  return Buffer.from(vocabSectionOf(readFileSync(path), path));
}

// Spawning node costs seconds on a loaded machine, so these tests get a generous time cap.
describe('toksmith train --model bpe', { timeout: 60_000 }, () => {
  it('round-trips held-out text with every method', () => {
    const vocab = train('bytes.tok', ['--vocab-size', '1500', corpus]);
    const expected = Buffer.concat([readFileSync(heldOut), readFileSync(turkish)]);
    for (const method of ['merges', 'longest', 'fewest']) {
      const encoded = runCli(['encode', '-v', vocab, '--method', method, heldOut, turkish]);
      expect(encoded.status).toBe(0);
      const decoded = runCli(['decode', '-v', vocab], { input: encoded.stdout });
      expect(decoded.status).toBe(0);
      expect(decoded.stdoutBytes.equals(expected)).toBe(true);
    }
  });

  it('writes the same vocabulary with 1 and 2 threads', () => {
    const singleThread = train('threads1.tok', ['--vocab-size', '800', '--threads', '1', corpus, turkish]);
    const twoThreads = train('threads2.tok', ['--vocab-size', '800', '--threads', '2', corpus, turkish]);
    expect(section(twoThreads).equals(section(singleThread))).toBe(true);
  });

  it('trains the same vocabulary from merged counts', () => {
    const direct = train('direct.tok', ['--vocab-size', '700', corpus, turkish]);
    const shardA = join(work, 'a.counts');
    const shardB = join(work, 'b.counts');
    expect(runCli(['count', '--model', 'bpe', '--quiet', '-o', shardA, corpus]).status).toBe(0);
    expect(runCli(['count', '--model', 'bpe', '--quiet', '-o', shardB, turkish]).status).toBe(0);
    const merged = train('merged.tok', ['--vocab-size', '700', '--from-counts', shardA, '--from-counts', shardB]);
    expect(section(merged).equals(section(direct))).toBe(true);
  });

  it('trains a character-level vocabulary with capped pieces', () => {
    const vocab = train('chars.tok', ['--alphabet', 'chars', '--vocab-size', '600', '--max-token-length', '3', corpus]);
    const inspected = runCli(['inspect', vocab]);
    expect(inspected.status).toBe(0);
    expect(inspected.stdout).toMatch(/metaspace/);
    const encoded = runCli(['encode', '-v', vocab, '-f', 'pieces'], { input: 'Call me Ishmael.\n' });
    expect(encoded.status).toBe(0);
    for (const piece of encoded.stdout.trim().split(' ')) expect([...piece].length).toBeLessThanOrEqual(3);
  });

  it('trains with the chunks pre-tokenizer and keeps each line whole', () => {
    const vocab = train('chunks.tok', ['--pre-tokenizer', 'chunks', '--vocab-size', '900', corpus]);
    const encoded = runCli(['encode', '-v', vocab, '-f', 'pieces'], { input: 'and the whale\n' });
    expect(encoded.status).toBe(0);
    const decoded = runCli(['decode', '-v', vocab], { input: runCli(['encode', '-v', vocab], { input: 'and the whale\n' }).stdout });
    expect(decoded.stdout).toBe('and the whale\n');
  });

  it('rejects --limit-alphabet with byte-level BPE', () => {
    const result = runCli(['train', '--model', 'bpe', '--limit-alphabet', '50', '-o', join(work, 'x.tok'), corpus]);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--limit-alphabet applies only to --alphabet chars/);
  });

  it('rejects a vocabulary size below the byte alphabet', () => {
    const result = runCli(['train', '--model', 'bpe', '--vocab-size', '100', '-o', join(work, 'x.tok'), corpus]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--vocab-size 100 is too small/);
  });

  it('rejects an invalid --min-frequency', () => {
    const result = runCli(['train', '--model', 'bpe', '--min-frequency', 'two', '-o', join(work, 'x.tok'), corpus]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid --min-frequency 'two'/);
  });

  it('reports progress on stderr only', () => {
    const output = join(work, 'progress.tok');
    const result = runCli(['train', '--model', 'bpe', '--vocab-size', '400', '--progress', 'json', '-o', output, corpus]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/"notice":"wrote/);
  });
});

describe('countPreTokens', { timeout: 60_000 }, () => {
  it('counts the same with worker threads as in-process', async () => {
    const sources = () => [fileSource(corpus), fileSource(turkish)];
    const settings = { normalizer: 'none' as const, preTokenizer: { type: 'gpt2' as const }, seed: 0 };
    const single = await countPreTokens(sources(), {}, settings, 1, silentProgress);
    const threaded = await countPreTokens(sources(), {}, settings, 2, silentProgress);
    expect(threaded.sorted()).toEqual(single.sorted());
  });

  it('cuts chunks the same with worker threads as in-process', async () => {
    writeFileSync(join(work, 'lines.txt'), 'the whale and the sea\n'.repeat(200));
    const sources = () => [fileSource(join(work, 'lines.txt'))];
    const settings = { normalizer: 'none' as const, preTokenizer: { type: 'chunks' as const }, seed: 5 };
    const single = await countPreTokens(sources(), {}, settings, 1, silentProgress);
    const threaded = await countPreTokens(sources(), {}, settings, 2, silentProgress);
    expect(threaded.sorted()).toEqual(single.sorted());
  });
});
