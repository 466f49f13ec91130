import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/cli/show.js';
import { repositoryRoot, runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'toksmith-show-'));
const vocabPath = join(work, 'char.tok');
const ANSI = /\x1b\[[0-9;]*m/g;

beforeAll(() => {
  const corpus = join(repositoryRoot, 'bench/corpora/tr-ud-treebanks.train.txt');
  expect(runCli(['train', '--model', 'char', '--quiet', '-o', vocabPath, corpus]).status).toBe(0);
});

describe('toksmith show', () => {
  it('colours tokens when forced', () => {
    const result = runCli(['show', '--vocab', vocabPath, '--color', 'çay var']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(ANSI);
  });

  it('prints no colour codes when not a terminal', () => {
    const result = runCli(['show', '--vocab', vocabPath, 'çay var']);
    expect(result.stdout).not.toMatch(ANSI);
  });

  it('separates tokens when colour is off', () => {
    const coloured = runCli(['show', '--vocab', vocabPath, '--color', 'çay var\t\n😀']);
    const plain = runCli(['show', '--vocab', vocabPath, '--no-color', 'çay var\t\n😀']);
    const colouredLines = coloured.stdout.replace(ANSI, '').split('\n');
    const plainLines = plain.stdout.split('\n');
    // The same pieces; without colour a space separates them.
    expect(plainLines[1]!.replace(/ /g, '')).toBe(colouredLines[1]);
    expect(plainLines[1]).toMatch(/^ç a y ▁ v a r /);
    expect(plainLines.at(-2)).toBe(colouredLines.at(-2));
    expect(plain.stdout).toContain('ç');
    expect(plain.stdout).toContain('▁');
    expect(plain.stdout).toContain('<0xF0>');
    expect(plain.stdout).toMatch(/\d+ tokens, 10 chars, [\d.]+ chars per token/);
  });

  it('prints ids under the pieces', () => {
    const result = runCli(['show', '--vocab', vocabPath, '--ids', '--no-color', 'a😀']);
    const lines = result.stdout.split('\n');
    expect(lines[1]).toMatch(/^a +<0xF0> +<0x9F> +<0x98> +<0x80>$/);
    expect(lines[2]).toMatch(/^\d+ +\d+ +\d+ +\d+ +\d+$/);
  });

  it('stacks several vocabularies', () => {
    const result = runCli(['show', '--vocab', vocabPath, '--vocab', vocabPath, '--method', 'fewest', 'abc']);
    expect(result.stdout.match(/char\.tok \(char/g)).toHaveLength(2);
    expect(result.stdout.match(/3 tokens, 3 chars/g)).toHaveLength(2);
  });

  it('rejects a missing input file', () => {
    const result = runCli(['show', '--vocab', vocabPath, '-i', join(work, 'missing.txt')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/missing.txt: input file not found/);
    expect(result.stderr).not.toMatch(/internal error/);
  });

  it('reads the text from a file', () => {
    const result = runCli(['show', '--vocab', vocabPath, '-i', join(repositoryRoot, 'bench/corpora/tr-ud-treebanks.eval.txt')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/tokens, \d+ chars/);
  });
});

describe('colorLevel', () => {
  it('follows the flags first', () => {
    expect(colorLevel(true, { NO_COLOR: '1' }, false)).toBeGreaterThan(0);
    expect(colorLevel(false, {}, true)).toBe(0);
  });

  it('honours NO_COLOR', () => {
    expect(colorLevel(undefined, { NO_COLOR: '1' }, true)).toBe(0);
  });

  it('turns colour off for pipes', () => {
    expect(colorLevel(undefined, {}, false)).toBe(0);
  });
});

describe('toksmith inspect --histogram', () => {
  it('draws one bar per piece length', () => {
    const result = runCli(['inspect', vocabPath, '--histogram']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^chars\s+pieces\s+share$/m);
    expect(result.stdout).toMatch(/^\s+1\s+\d+\s+100\.0%\s+█+$/m);
  });
});
