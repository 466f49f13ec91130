import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Decoder, Encoder } from '../../../src/encoder.js';
import { ToksmithError } from '../../../src/errors.js';
import { decodeModelProto, encodeModelProto } from '../../../src/formats/spm/model-proto.js';
import { writeSpmModel } from '../../../src/formats/spm/writer.js';
import { silentProgress } from '../../../src/progress.js';
import { readVocabFile } from '../../../src/tokenizer-loader.js';
import { loadVocab, saveVocab } from '../../../src/vocab-file.js';
import { PieceKind, type Vocab } from '../../../src/vocab.js';
import { findTrainer, type CommonTrainOptions } from '../../../trainers/index.js';
import { runCli } from '../../cli/run-cli.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const corpora = fileURLToPath(new URL('../../../bench/corpora/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'spm-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hasSpm = spawnSync('spm_encode', ['--version']).status === 0;
if (!hasSpm) console.log('skipping live SentencePiece comparisons: spm_encode is not installed (Debian package sentencepiece)');

/** Lines of the golden table, in order. */
const GOLDEN_LINES = [
  'Call me Ishmael.',
  '  Some years ago —  never mind how long precisely ',
  'ＦＵＬＬ　ｗｉｄｔｈ ﬁsh ½',
  'İstanbul’da güzel bir gün.',
  'a<sep>b @@ c',
  '字字 x 字',
  '',
  'trailing▁',
];

/** Ids spm_encode 0.1.97 gives for GOLDEN_LINES with each fixture model. */
const GOLDEN_IDS: Record<string, number[][]> = {
  'unigram.model': [
    [186, 194, 84, 36, 4, 31, 32, 24, 99, 11],
    [348, 32, 6, 141, 29, 4, 12, 39, 10, 7, 58, 338, 81, 34, 14, 364, 266, 306, 33, 105, 6, 37],
    [7, 352, 494, 498, 498, 56, 129, 61, 44, 252, 7, 370, 0],
    [7, 0, 66, 69, 38, 124, 0, 14, 24, 65, 0, 164, 99, 51, 85, 65, 0, 20, 11],
    [12, 0, 117, 23, 0, 38, 7, 0, 68],
    [7, 0, 7, 263, 7, 0],
    [],
    [177, 293, 9],
  ],
  'bpe.model': [
    [157, 153, 120, 53, 446, 445, 452, 442, 340, 463],
    [101, 139, 190, 305, 224, 443, 439, 471, 178, 77, 20, 229, 94, 43, 352, 299, 456, 447, 58, 51],
    [439, 0, 439, 0, 446, 445, 439, 0],
    [439, 0, 27, 37, 459, 167, 0, 450, 442, 55, 0, 484, 340, 15, 70, 55, 0, 444, 463],
    [6, 3, 459, 439, 0, 23],
    [439, 0, 439, 481, 439, 0],
    [],
    [4, 105, 108, 17],
  ],
  'byte-fallback.model': [
    [432, 486, 336, 295, 262, 289, 294, 284, 362, 267],
    [408, 376, 264, 414, 287, 262, 268, 303, 272, 265, 313, 419, 264, 512, 348, 293, 273, 463, 302, 517, 560, 291, 354, 264, 292],
    [265, 244, 193, 171, 244, 193, 186, 244, 193, 177, 244, 193, 177, 232, 133, 133, 244, 194, 156, 244, 194, 142, 244, 194, 137, 244, 194, 153, 244, 194, 141, 265, 244, 177, 134, 262, 289, 265, 199, 194],
    [265, 201, 181, 322, 321, 300, 378, 231, 133, 158, 273, 284, 324, 200, 193, 421, 362, 312, 346, 324, 200, 193, 281, 267],
    [268, 3, 300, 265, 4, 333],
    [265, 234, 178, 156, 234, 178, 156, 265, 511, 265, 234, 178, 156],
    [],
    [424, 542, 270],
  ],
};

const MODELS = Object.keys(GOLDEN_IDS);

/** Lines that exercise whitespace, normalization and unknown characters. */
const HARD_LINES = [
  ' ',
  '   a  b   ',
  '\tTab\tseparated\t',
  '\u2581\u2581x\u2581',
  'e\u0301 café\u200bbar a\u00a0b\u3000c',
  '😀😀 👩‍👩‍👧 ｶﾅ Ⅻ ㎏',
  '<s> </s> <unk> <0x41> <sep><sep> @@@',
];

/** Runs spm_encode on `lines` and returns its ids, one list per line. */
function spmEncode(model: string, lines: readonly string[]): number[][] {
  const input = join(work, 'input.txt');
  writeFileSync(input, lines.join('\n') + '\n');
  const result = spawnSync('spm_encode', [`--model=${model}`, '--output_format=id', input], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(result.status).toBe(0);
  return result.stdout.split('\n').slice(0, lines.length).map((line) => (line === '' ? [] : line.split(' ').map(Number)));
}

function spmDecode(model: string, ids: readonly number[][]): string[] {
  const input = join(work, 'ids.txt');
  writeFileSync(input, ids.map((list) => list.join(' ')).join('\n') + '\n');
  const result = spawnSync('spm_decode', [`--model=${model}`, '--input_format=id', input], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout.split('\n').slice(0, ids.length);
}

function sampleLines(file: string, count: number): string[] {
  return readFileSync(join(corpora, file), 'utf8').split('\n').slice(0, count);
}

function expectOneLineError(action: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ToksmithError);
  const line = (caught as ToksmithError).toLine();
  expect(line).toMatch(pattern);
  expect(line).not.toContain('\n');
}

describe('spmReader', () => {
  for (const model of MODELS) {
    it(`encodes golden lines like spm_encode (${model})`, () => {
      const encoder = new Encoder(readVocabFile(join(fixtures, model)));
      GOLDEN_LINES.forEach((line, k) => expect(encoder.encode(line).ids, JSON.stringify(line)).toEqual(GOLDEN_IDS[model]![k]));
    });
  }

  it('keeps its pipeline through a .tok file', () => {
    const path = join(work, 'unigram.tok');
    saveVocab(readVocabFile(join(fixtures, 'unigram.model')), path);
    const encoder = new Encoder(loadVocab(path));
    GOLDEN_LINES.forEach((line, k) => expect(encoder.encode(line).ids, JSON.stringify(line)).toEqual(GOLDEN_IDS['unigram.model']![k]));
  });

  it('detects a model by content without the extension', () => {
    const copy = join(work, 'model-without-extension');
    writeFileSync(copy, readFileSync(join(fixtures, 'unigram.model')));
    expect(readVocabFile(copy).pipeline?.source).toBe('spm');
  });

  it('maps piece types to kinds', () => {
    const vocab = readVocabFile(join(fixtures, 'byte-fallback.model'));
    expect(vocab.kinds[0]).toBe(PieceKind.unknown);
    expect(vocab.kinds[1]).toBe(PieceKind.special);
    expect(vocab.kinds[2]).toBe(PieceKind.special);
    expect(vocab.kinds[3]).toBe(PieceKind.normal);
    expect(vocab.pipeline?.addedTokens.map((token) => token.content)).toEqual(['<s>', '</s>']);
    const byteIds = [...vocab.kinds.keys()].filter((id) => vocab.kinds[id] === PieceKind.byte);
    expect(byteIds).toHaveLength(256);
    expect(vocab.pieces[byteIds[0x41]!]).toEqual(Uint8Array.of(0x41));
  });

  it('fuses adjacent unknown characters into one <unk>', () => {
    const encoder = new Encoder(readVocabFile(join(fixtures, 'unigram.model')));
    expect(encoder.encode('字字字').ids).toEqual([7, 0]);
  });

  it('gives offsets inside the input, in order', () => {
    const encoder = new Encoder(readVocabFile(join(fixtures, 'unigram.model')));
    const text = '  ＦＵＬＬ　ｗｉｄｔｈ ﬁsh ½ end';
    const bytes = new TextEncoder().encode(text);
    const { ids, offsets } = encoder.encode(text, true);
    expect(offsets).toHaveLength(ids.length * 2);
    for (let k = 0; k < ids.length; k++) {
      expect(offsets![2 * k]!).toBeLessThanOrEqual(offsets![2 * k + 1]!);
      expect(offsets![2 * k + 1]!).toBeLessThanOrEqual(bytes.length);
      if (k > 0) expect(offsets![2 * k]!).toBeGreaterThanOrEqual(offsets![2 * k - 2]!);
    }
    // The last token, "d" of "end", ends at the end of the input.
    expect(offsets![offsets!.length - 1]).toBe(bytes.length);
  });

  it.skipIf(!hasSpm)('matches spm_encode on sample text and hard lines', () => {
    const lines = [...sampleLines('tr-ud-treebanks.eval.txt', 200), ...sampleLines('en-sec-10-k-edgar.eval.txt', 100), ...HARD_LINES, ...GOLDEN_LINES];
    for (const model of MODELS) {
      const path = join(fixtures, model);
      const encoder = new Encoder(readVocabFile(path));
      const expected = spmEncode(path, lines);
      lines.forEach((line, k) => expect(encoder.encode(line).ids, `${model}: ${JSON.stringify(line)}`).toEqual(expected[k]));
    }
  });
});

describe('spm decoder', () => {
  it('restores text and prints unknowns as ⁇', () => {
    const decoder = new Decoder(readVocabFile(join(fixtures, 'unigram.model')));
    const text = (ids: number[]): string => new TextDecoder().decode(decoder.decode(ids));
    expect(text(GOLDEN_IDS['unigram.model']![0]!)).toBe('Call me Ishmael.');
    expect(text([7, 0, 7, 263, 7, 0])).toBe(' \u2047  x  \u2047 ');
  });

  it('joins byte pieces into characters', () => {
    const decoder = new Decoder(readVocabFile(join(fixtures, 'byte-fallback.model')));
    expect(new TextDecoder().decode(decoder.decode(GOLDEN_IDS['byte-fallback.model']![5]!))).toBe('字字 x 字');
  });

  it.skipIf(!hasSpm)('matches spm_decode', () => {
    for (const model of MODELS) {
      const path = join(fixtures, model);
      const decoder = new Decoder(readVocabFile(path));
      const ids = spmEncode(path, [...HARD_LINES, ...GOLDEN_LINES]);
      const expected = spmDecode(path, ids);
      ids.forEach((list, k) => expect(new TextDecoder().decode(decoder.decode(list)), `${model} line ${k + 1}`).toBe(expected[k]));
    }
  });
});

describe('spmVocabReader', () => {
  it('reads a BPE .vocab with the identity normalizer assumed', () => {
    const vocab = readVocabFile(join(fixtures, 'bpe.vocab'));
    expect(vocab.algorithm).toBe('bpe');
    // The .vocab file has no piece types, but this line has no user-defined symbol in it.
    expect(new Encoder(vocab).encode('Call me Ishmael.').ids).toEqual(GOLDEN_IDS['bpe.model']![0]);
  });

  it('reads a Unigram .vocab', () => {
    const vocab = readVocabFile(join(fixtures, 'unigram.vocab'));
    expect(vocab.algorithm).toBe('unigram');
    expect(new Encoder(vocab).encode('Call me Ishmael.').ids).toEqual(GOLDEN_IDS['unigram.model']![0]);
  });

  it('rejects a line without a score', () => {
    const path = join(work, 'bad.vocab');
    writeFileSync(path, '<unk>\t0\nnoscore\n');
    expectOneLineError(() => readVocabFile(path), /bad\.vocab:2: expected 'piece<TAB>score'/);
  });
});

describe('bad .model input', () => {
  it('reports a truncated model with a byte offset', () => {
    const bytes = readFileSync(join(fixtures, 'bpe.model'));
    for (const length of [3, 1000, bytes.length - 7]) {
      const path = join(work, `truncated-${length}.model`);
      writeFileSync(path, bytes.subarray(0, length));
      expectOneLineError(() => readVocabFile(path), /invalid SentencePiece model at byte \d+/);
    }
  });

  it('reports garbage bytes with a byte offset', () => {
    const path = join(work, 'garbage.model');
    writeFileSync(path, Buffer.from('this is not a protobuf message at all, only text\n'.repeat(4)));
    expectOneLineError(() => readVocabFile(path), /garbage\.model: invalid SentencePiece model at byte \d+/);
  });
});

describe('ModelProto encoding', () => {
  it('keeps fields outside the schema through a read-modify-write', () => {
    const bytes = readFileSync(join(fixtures, 'byte-fallback.model'));
    const model = decodeModelProto(bytes, 'byte-fallback.model');
    model.pieces[3]!.score = -1;
    const again = decodeModelProto(encodeModelProto(model), 'again');
    expect(again.pieces[3]!.score).toBe(-1);
    expect(encodeModelProto(again).length).toBe(bytes.length);
  });
});

const TRAIN_TEXT = readFileSync(join(corpora, 'en-moby-dick.train.txt'), 'utf8').slice(0, 40_000);
/** Training takes a few seconds on a loaded machine, more than vitest's default 5 s limit. */
const TRAINING_TIMEOUT_MS = 60_000;
const trained = new Map<string, Promise<Vocab>>();

/** Trains a 600-id vocabulary on the start of Moby-Dick, once per setting. */
function trainVocab(model: 'unigram' | 'bpe', raw: Record<string, unknown>, byteFallback: boolean): Promise<Vocab> {
  const key = JSON.stringify([model, raw, byteFallback]);
  let vocab = trained.get(key);
  if (vocab === undefined) {
    vocab = trainUncached(model, raw, byteFallback);
    trained.set(key, vocab);
  }
  return vocab;
}

async function trainUncached(model: 'unigram' | 'bpe', raw: Record<string, unknown>, byteFallback: boolean): Promise<Vocab> {
  const trainer = findTrainer(model)!;
  const options: CommonTrainOptions = { vocabSize: 600, specials: [], normalizer: 'none', byteFallback, characterCoverage: 0.9995, seed: 0, threads: 1, raw };
  trainer.check(options);
  const source = { name: 'moby', async *open() { yield Buffer.from(TRAIN_TEXT); } };
  const counts = await trainer.count([source], {}, options, silentProgress);
  return trainer.train(counts, options, silentProgress);
}

describe('writeSpmModel', { timeout: TRAINING_TIMEOUT_MS }, () => {
  const lines = [...sampleLines('en-moby-dick.heldout.txt', 150), 'Call me Ishmael.', '  two  spaces ', ''];

  it.skipIf(!hasSpm)('writes toksmith Unigram for spm_encode', async () => {
    const vocab = await trainVocab('unigram', {}, true);
    const path = join(work, 'toksmith-unigram.model');
    writeFileSync(path, writeSpmModel(vocab));
    const encoder = new Encoder(vocab);
    const expected = spmEncode(path, lines);
    lines.forEach((line, k) => expect(encoder.encode(line).ids, JSON.stringify(line)).toEqual(expected[k]));
  });

  it.skipIf(!hasSpm)('writes character-level BPE for spm_encode', async () => {
    const vocab = await trainVocab('bpe', { alphabet: 'chars' }, true);
    const path = join(work, 'toksmith-bpe.model');
    writeFileSync(path, writeSpmModel(vocab));
    const encoder = new Encoder(vocab);
    const expected = spmEncode(path, lines);
    lines.forEach((line, k) => expect(encoder.encode(line).ids, JSON.stringify(line)).toEqual(expected[k]));
  });

  it.skipIf(!hasSpm)('writes imported models back', () => {
    for (const model of MODELS) {
      const vocab = readVocabFile(join(fixtures, model));
      const path = join(work, `rewritten-${model}`);
      writeFileSync(path, writeSpmModel(vocab));
      expect(spmEncode(path, GOLDEN_LINES), model).toEqual(GOLDEN_IDS[model]);
    }
  });

  it('rejects byte-level BPE, naming other targets', async () => {
    const vocab = await trainVocab('bpe', { alphabet: 'bytes' }, false);
    expectOneLineError(() => writeSpmModel(vocab), /byte-level BPE .*--to hf, tok or tiktoken/);
  });

  it('rejects a normalizer it cannot express', async () => {
    const vocab = { ...(await trainVocab('unigram', {}, true)), normalizer: 'nfkc' as const };
    expectOneLineError(() => writeSpmModel(vocab), /normalizer 'nfkc' cannot be written/);
  });
});

describe('toksmith CLI with .model files', () => {
  it('encodes with a .model file', () => {
    const result = runCli(['encode', '-v', join(fixtures, 'unigram.model')], { input: 'Call me Ishmael.\n' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(GOLDEN_IDS['unigram.model']![0]!.join(' '));
  });

  it('reports a truncated model in one line', () => {
    const path = join(work, 'cli-truncated.model');
    writeFileSync(path, readFileSync(join(fixtures, 'bpe.model')).subarray(0, 1000));
    const result = runCli(['encode', '-v', path], { input: 'hi\n' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cli-truncated\.model: invalid SentencePiece model at byte \d+ of 1000/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
