import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { LineBatch } from '../../src/corpus.js';
import { Encoder } from '../../src/encoder.js';
import { loadVocab } from '../../src/vocab-file.js';
import { encodeVocabSection } from '../../src/vocab-file.js';
import { PieceKind } from '../../src/vocab.js';
import { CountTable } from '../../trainers/counting.js';
import { countLines } from '../../trainers/lib/count.js';
import { readLibOptions, type LibTrainerOptions } from '../../trainers/lib/options.js';
import { trainLib, trainLibVocab } from '../../trainers/lib/train.js';

// Fixture: the first 400 lines of bench/corpora/tr-ud-treebanks.train.txt (UD Turkish
// treebanks, CC BY-SA 4.0; see bench/corpora/README.md).
const FIXTURE = 'bench/corpora/tr-ud-treebanks.train.txt';
const lines = readFileSync(FIXTURE, 'utf8').split('\n').slice(0, 400);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function* batchesOf(input: string[]): AsyncGenerator<LineBatch> {
  yield { source: 'test', firstLineNumber: 1, lines: input };
}

function options(raw: Record<string, unknown> = {}, vocabSize?: number): LibTrainerOptions {
  return readLibOptions(raw, { vocabSize, specials: [], byteFallback: true, seed: 7 });
}

async function counts(input: string[], preTokenizer: 'none' | 'metaspace' = 'none'): Promise<CountTable> {
  return countLines(batchesOf(input), 'none', preTokenizer === 'none' ? { type: 'none' } : { type: 'metaspace', prefixSpace: true });
}

describe('LiB statistics step', () => {
  it('counts distinct normalized lines and skips empty ones', async () => {
    const table = await countLines(batchesOf(['İki', 'iki', '', 'İki']), 'lowercase-tr', { type: 'none' });
    expect([...table.counts]).toEqual([['iki', 3]]);
    expect(table.settings.unit).toBe('lines');
  });

  it('trains the same vocabulary from counts merged from two shards', async () => {
    const whole = await counts(lines);
    const merged = await counts(lines.slice(0, 200));
    merged.merge(await counts(lines.slice(200)), 'second shard');
    const a = trainLibVocab(whole, options({ steps: 5 }, 700));
    const b = trainLibVocab(merged, options({ steps: 5 }, 700));
    expect(Buffer.from(encodeVocabSection(a)).equals(Buffer.from(encodeVocabSection(b)))).toBe(true);
  });

  it('rejects counts of another unit', () => {
    const table = new CountTable({ unit: 'chars', normalizer: 'none', preTokenizer: { type: 'none' } });
    table.add('a');
    expect(() => trainLibVocab(table, options())).toThrow(/counts of chars cannot train a lib vocabulary/);
  });
});

describe('LiB trainer', () => {
  it('trains the same vocabulary twice with one seed', async () => {
    const table = await counts(lines);
    const first = trainLibVocab(table, options({ steps: 8 }, 800));
    const second = trainLibVocab(table, options({ steps: 8 }, 800));
    expect(Buffer.from(encodeVocabSection(first)).equals(Buffer.from(encodeVocabSection(second)))).toBe(true);
  });

  it('lays out <unk>, specials, bytes, then units by rank with scores of −rank', async () => {
    const vocab = trainLibVocab(await counts(lines), readLibOptions({ steps: 3 }, { vocabSize: 600, specials: ['<s>'], byteFallback: true, seed: 1 }));
    expect(vocab.pieces).toHaveLength(600);
    expect(text(vocab.pieces[0]!)).toBe('<unk>');
    expect(vocab.kinds[1]).toBe(PieceKind.special);
    expect(vocab.kinds[2]).toBe(PieceKind.byte);
    expect(vocab.kinds[258]).toBe(PieceKind.normal);
    expect([vocab.scores![258], vocab.scores![259], vocab.scores![599]]).toEqual([0, -1, -341]);
    expect(vocab.defaultMethod).toBe('lib');
    expect(vocab.algorithm).toBe('lib');
  });

  it('keeps every character of the corpus', async () => {
    const vocab = trainLibVocab(await counts(lines), options({ steps: 5 }, 400));
    const pieces = new Set(vocab.pieces.map(text));
    for (const character of new Set([...lines.join('')])) expect(pieces.has(character)).toBe(true);
  });

  it('learns units that span words, and none with --no-cross-words', async () => {
    const crossing = trainLibVocab(await counts(lines), options({ steps: 10 }));
    const hasInnerSpace = (piece: string): boolean => piece.trim().includes(' ');
    expect(crossing.pieces.map(text).some(hasInnerSpace)).toBe(true);

    const inside = trainLibVocab(await counts(lines, 'metaspace'), options({ steps: 10, crossWords: false }));
    expect(inside.preTokenizer).toEqual({ type: 'metaspace', prefixSpace: true });
    // Metaspace pre-tokens start with their space, so a unit may only begin with one.
    expect(inside.pieces.filter((piece, id) => inside.kinds[id] === PieceKind.normal).map(text).filter((piece) => piece.slice(1).includes(' '))).toEqual([]);
  });

  it('stops at the vocabulary size by default and reports why', async () => {
    const { vocab, report } = trainLib(await counts(lines), options({}, 500));
    expect(report.stopReason).toBe('vocab-size');
    expect(vocab.pieces).toHaveLength(500);
  });

  it('stops when the lexicon stops growing', async () => {
    const { report } = trainLib(await counts(['abab', 'abba', 'baba']), options({ sentencesPerStep: '20' }));
    expect(report.stopReason).toBe('plateau');
    expect(report.steps).toBeLessThan(5000);
  });

  it('keeps the best-ranked characters when they alone overflow the size', async () => {
    const notices: string[] = [];
    const progress = { start() {}, update() {}, finish() {}, notice: (message: string) => notices.push(message) };
    const vocab = trainLibVocab(await counts(['aaab', 'ac']), options({ steps: 1 }, 259), progress);
    expect(vocab.pieces.slice(257).map(text)).toEqual(['a', 'b']);
    expect(notices).toEqual(["--vocab-size leaves room for 2 of the corpus's 3 characters; the rest fall back to bytes"]);
    const encoder = new Encoder(vocab);
    expect(text(encoder.decode(encoder.encode('cab').ids))).toBe('cab');
  });

  it('round-trips any text with a trained vocabulary', async () => {
    const encoder = new Encoder(trainLibVocab(await counts(lines), options({ steps: 5 }, 700)));
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...lines.slice(0, 50)), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (input) => {
        expect(text(encoder.decode(encoder.encode(input).ids))).toBe(input);
      }),
    );
  });

  it('rejects bad option values with the flag name', () => {
    expect(() => options({ inRate: '1.5' })).toThrow(/invalid --in-rate '1.5'/);
    expect(() => options({ life: '0' })).toThrow(/invalid --life '0'/);
    expect(() => options({ maxPieceLength: 'x' })).toThrow(/invalid --max-piece-length 'x'/);
    expect(() => readLibOptions({ crossWords: false }, { specials: [], byteFallback: true, seed: 0, preTokenizer: { type: 'none' } })).toThrow(/--no-cross-words needs a word-level pre-tokenizer/);
  });
});

describe('toksmith train --model lib', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toksmith-lib-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[], input?: string) => spawnSync(process.execPath, ['bin/toksmith.js', ...args], { encoding: 'utf8', input });

  it('trains, encodes with the lib method by default and decodes exactly', () => {
    const corpus = join(dir, 'corpus.txt');
    writeFileSync(corpus, lines.join('\n') + '\n');
    const vocabPath = join(dir, 'tr.tok');
    const train = run(['train', '--model', 'lib', '--vocab-size', '700', '--steps', '5', '--seed', '3', '--progress', 'json', '-o', vocabPath, corpus]);
    expect(train.stderr).toMatch(/"stage":"lib"/);
    expect(train.status).toBe(0);
    expect(train.stdout).toBe('');
    expect(loadVocab(vocabPath).defaultMethod).toBe('lib');

    const sentence = 'Bu kitabı okudun mu? 😀';
    const encoded = run(['encode', '-v', vocabPath], sentence);
    expect(encoded.status).toBe(0);
    const decoded = run(['decode', '-v', vocabPath], encoded.stdout);
    expect(decoded.stdout.replace(/\n$/, '')).toBe(sentence);
  });

  it('rejects a bad --update-rate with a one-line usage error and writes nothing', () => {
    const vocabPath = join(dir, 'bad.tok');
    const result = run(['train', '--model', 'lib', '--update-rate', '2', '-o', vocabPath, FIXTURE]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/invalid --update-rate '2'/);
    expect(existsSync(vocabPath)).toBe(false);
  });
});
