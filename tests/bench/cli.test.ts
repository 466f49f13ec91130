// End-to-end tests of `toksmith bench`: they spawn the compiled CLI, so run `npm run build` first.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCharacters, trainCharVocab } from '../../trainers/char.js';
import type { LineBatch } from '../../src/corpus.js';
import { saveVocab } from '../../src/vocab-file.js';

const root = join(import.meta.dirname, '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'toksmith-bench-cli-'));
const corpus = join(folder, 'tr-sample.txt');
const good = join(folder, 'good.tok');
const worse = join(folder, 'worse.tok');
const previous = join(folder, 'previous.json');
const corrupt = join(folder, 'corrupt.tok');

function bench(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'toksmith.js'), 'bench', '--quiet', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function saveCharVocab(path: string, lines: string[]): Promise<void> {
  async function* batches(): AsyncGenerator<LineBatch> {
    yield { source: 'test', firstLineNumber: 1, lines };
  }
  const counts = await countCharacters(batches(), 'none', { type: 'none' });
  saveVocab(trainCharVocab(counts, { characterCoverage: 1, byteFallback: true, specials: [], normalizer: 'none', preTokenizer: { type: 'none' } }), path);
}

beforeAll(async () => {
  // Thirty lines of the Turkish sample corpus (UD Turkish, CC BY-SA 4.0).
  const lines = readFileSync(join(root, 'bench', 'corpora', 'tr-ud-treebanks.eval.txt'), 'utf8').split('\n').slice(0, 30);
  writeFileSync(corpus, lines.join('\n') + '\n');
  writeFileSync(corrupt, 'TOKSMITH\x01\x00');
  await saveCharVocab(good, lines);
  // Trained on ASCII only: Turkish letters fall back to two byte pieces each, so more tokens.
  await saveCharVocab(worse, ['abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.,']);
  const first = bench('-t', `tok=${good}`, '-c', `sample=${corpus}`, '-f', 'json', '-o', previous);
  expect(first.status, first.stderr).toBe(0);
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('bench CLI', () => {
  it('writes every figure under its key as JSON', () => {
    const report = JSON.parse(readFileSync(previous, 'utf8'));
    const figures = report.results[0].figures;
    for (const key of ['vocabSize', 'tokens', 'tokensPerChar', 'fertility', 'continuedWordRate', 'renyiEfficiency', 'roundTripFailures', 'encodeMBps']) {
      expect(typeof figures[key], key).toBe('number');
    }
    expect(report.corpora[0].files[0].bytes).toBe(readFileSync(corpus).length);
  });

  it('exits with 4 when a worse tokenizer crosses a threshold', () => {
    const result = bench('-t', `tok=${worse}`, '-c', `sample=${corpus}`, '--compare-to', previous, '--fail-on', 'tokens>+1%');
    expect(result.status).toBe(4);
    expect(result.stderr).toMatch(/threshold crossed: tok × sample: tokens \d+ → \d+ .* crosses 'tokens>\+1%'/);
  });

  it('exits with 0 when nothing crosses', () => {
    const result = bench('-t', `tok=${good}`, '-c', `sample=${corpus}`, '--compare-to', previous, '--fail-on', 'tokens>+1%', '--fail-on', 'roundTripFailures>0', '-f', 'md');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('**Bench: no threshold crossed**');
  });

  // Loading the 1.35 million shipped words takes a few seconds on a busy machine.
  it('prints %TR and %Pure with the shipped Turkish lists', () => {
    const result = bench('-t', `tok=${good}`, '-c', `sample=${corpus}`, '--lang', 'tr', '-f', 'csv');
    expect(result.status, result.stderr).toBe(0);
    const [header, row] = result.stdout.trim().split('\n');
    const cells = Object.fromEntries(header!.split(',').map((key, index) => [key, row!.split(',')[index]]));
    expect(Number(cells.trPercent)).toBeGreaterThan(0);
    expect(Number(cells.trPercent)).toBeLessThanOrEqual(100);
    expect(Number(cells.purePercent)).toBeGreaterThan(0);
  }, 30_000);

  const badInputs: [string, string[], number, RegExp][] = [
    ['missing lexicon', ['--words', join(folder, 'missing.txt')], 1, /--words .*missing\.txt: file not found/],
    ['glob matching nothing', ['-c', `${folder}/nothing-*.txt`], 1, /--corpus: no files match '.*nothing-\*\.txt'/],
    ['malformed --fail-on', ['--compare-to', previous, '--fail-on', 'tokens>>1'], 2, /--fail-on 'tokens>>1': malformed threshold/],
    ['unknown --fail-on key', ['--compare-to', previous, '--fail-on', 'tokenCount>1'], 2, /unknown figure key 'tokenCount'/],
    ['tokenizer that fails to load', ['-t', corpus], 1, /--tokenizer .*tr-sample\.txt: unsupported tokenizer file format/],
    ['missing tokenizer file', ['-t', `gone=${join(folder, 'gone.tok')}`], 1, /--tokenizer gone=.*gone\.tok: tokenizer file not found/],
    ['corrupt .tok file', ['-t', `bad=${corrupt}`], 1, /--tokenizer bad=.*corrupt\.tok: truncated vocabulary file/],
    ['unknown baseline', ['--baseline-tokenizer', 'other'], 2, /--baseline-tokenizer other: no tokenizer has this name/],
  ];
  for (const [name, args, status, message] of badInputs) {
    it(`rejects a ${name} in one line`, () => {
      const result = bench('-t', `tok=${good}`, '-c', `sample=${corpus}`, ...args);
      expect(result.status).toBe(status);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    });
  }
});
