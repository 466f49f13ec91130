// End-to-end: train a Unigram vocabulary with the compiled CLI on a bench/corpora sample
// (UD Turkish treebank sentences, CC BY-SA 4.0; see bench/corpora/README.md), then encode,
// decode, n-best and sample with it.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeVocabSection, loadVocab } from '../../src/vocab-file.js';
import { repositoryRoot, runCli } from '../cli/run-cli.js';

const directory = mkdtempSync(join(tmpdir(), 'toksmith-unigram-'));
const vocabPath = join(directory, 'tr.tok');
const corpus = readFileSync(join(repositoryRoot, 'bench/corpora/tr-ud-treebanks.train.txt'), 'utf8').split('\n').slice(0, 1000).join('\n') + '\n';
const evalLines = readFileSync(join(repositoryRoot, 'bench/corpora/tr-ud-treebanks.eval.txt'), 'utf8').split('\n').slice(0, 200);

let trainStderr = '';

beforeAll(() => {
  const result = runCli(['train', '-m', 'unigram', '--vocab-size', '800', '-o', vocabPath, '--progress', 'json', '--save-counts', join(directory, 'tr.counts')], { input: corpus });
  trainStderr = result.stderr;
  expect(result.status, result.stderr).toBe(0);
}, 60_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('toksmith train -m unigram', { timeout: 60_000 }, () => {
  it('writes a viterbi vocabulary of the requested size', () => {
    const vocab = loadVocab(vocabPath);
    expect(vocab.algorithm).toBe('unigram');
    expect(vocab.defaultMethod).toBe('viterbi');
    expect(vocab.pieces.length).toBe(800);
  });

  it('reports seed, EM rounds and the objective on stderr', () => {
    const events = trainStderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(events.some((event) => event.stage === 'seed' && event.finished && event.pieces > 0)).toBe(true);
    const rounds = events.filter((event) => String(event.stage).startsWith('em round') && event.finished);
    expect(rounds.length).toBeGreaterThan(0);
    expect(rounds.at(-1).objective).toBeGreaterThan(0);
  });

  it('trains the same vocabulary from saved counts', () => {
    const fromCounts = join(directory, 'from-counts.tok');
    const result = runCli(['train', '-m', 'unigram', '--vocab-size', '800', '-o', fromCounts, '-q', '--from-counts', join(directory, 'tr.counts')]);
    expect(result.status, result.stderr).toBe(0);
    expect(encodeVocabSection(loadVocab(fromCounts))).toEqual(encodeVocabSection(loadVocab(vocabPath)));
  });

  it('trains the same vocabulary on two threads', () => {
    const threaded = join(directory, 'threaded.tok');
    const result = runCli(['train', '-m', 'unigram', '--vocab-size', '800', '-o', threaded, '-q', '--threads', '2'], { input: corpus });
    expect(result.status, result.stderr).toBe(0);
    expect(encodeVocabSection(loadVocab(threaded))).toEqual(encodeVocabSection(loadVocab(vocabPath)));
  });

  it('samples lines with --input-sentence-size and says so', () => {
    const result = runCli(['train', '-m', 'unigram', '--vocab-size', '600', '-o', join(directory, 'sampled.tok'), '--input-sentence-size', '300', '--seed', '5'], { input: corpus });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/sampled 300 of \d+ non-empty lines/);
  });

  it('rejects a vocabulary too small for its reserved ids', () => {
    const result = runCli(['train', '-m', 'unigram', '--vocab-size', '100', '-o', join(directory, 'small.tok')], { input: corpus });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--vocab-size 100 is too small/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an invalid shrinking factor', () => {
    const result = runCli(['train', '-m', 'unigram', '--shrinking-factor', '1.5', '-o', join(directory, 'x.tok')], { input: corpus });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid --shrinking-factor/);
  });
});

describe('toksmith encode with a unigram vocabulary', { timeout: 60_000 }, () => {
  it('round-trips the held-out lines', () => {
    const input = evalLines.join('\n') + '\n';
    const encoded = runCli(['encode', '-v', vocabPath], { input });
    expect(encoded.status, encoded.stderr).toBe(0);
    const decoded = runCli(['decode', '-v', vocabPath], { input: encoded.stdout });
    expect(decoded.status, decoded.stderr).toBe(0);
    expect(decoded.stdout).toBe(input);
  });

  it('prints n-best lists one hypothesis per line', () => {
    const result = runCli(['encode', '-v', vocabPath, '--nbest', '3', '-f', 'pieces'], { input: 'Kitabı okudum.\n' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(3);
    const best = runCli(['encode', '-v', vocabPath, '-f', 'pieces'], { input: 'Kitabı okudum.\n' });
    expect(result.stdout.split('\n')[0]).toBe(best.stdout.trimEnd());
  });

  it('prints n-best lists as one JSON line with scores', () => {
    const result = runCli(['encode', '-v', vocabPath, '--nbest', '4', '-f', 'jsonl'], { input: 'Kitabı okudum.\n' });
    expect(result.status, result.stderr).toBe(0);
    const { nbest } = JSON.parse(result.stdout);
    expect(nbest).toHaveLength(4);
    const scores = nbest.map((hypothesis: { score: number }) => hypothesis.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('samples deterministically with a seed', () => {
    const input = evalLines.slice(0, 20).join('\n') + '\n';
    const first = runCli(['encode', '-v', vocabPath, '--sample', '--alpha', '0.1', '--seed', '9'], { input });
    const second = runCli(['encode', '-v', vocabPath, '--sample', '--alpha', '0.1', '--seed', '9'], { input });
    expect(first.status, first.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const decoded = runCli(['decode', '-v', vocabPath], { input: first.stdout });
    expect(decoded.stdout).toBe(input);
  });

  it('rejects --sample with another method', () => {
    const result = runCli(['encode', '-v', vocabPath, '--sample', '--method', 'longest'], { input: 'a\n' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--sample needs the viterbi method/);
  });
});
