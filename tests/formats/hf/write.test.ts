import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BPE, Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer, byteLevelPreTokenizer, wordPieceDecoder } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { fileSource } from '../../../src/corpus.js';
import { Encoder } from '../../../src/encoder.js';
import { parseHfTokenizer } from '../../../src/formats/hf/read.js';
import { formatScore, writeHfTokenizer } from '../../../src/formats/hf/write.js';
import { silentProgress } from '../../../src/progress.js';
import type { PreTokenizerSpec } from '../../../src/pre-tokenizers.js';
import type { NormalizerName } from '../../../src/normalizers.js';
import type { Algorithm, Vocab } from '../../../src/vocab.js';
import { findTrainer, type CommonTrainOptions } from '../../../trainers/index.js';

// Tiny vocabularies trained on the licensed samples in bench/corpora, written as tokenizer.json,
// loaded with Hugging Face tokenizers (npm `tokenizers`) and compared id for id with toksmith.
const TRAIN_FILES = ['bench/corpora/tr-ud-treebanks.train.txt', 'bench/corpora/en-moby-dick.train.txt'];
/** The smaller English sample only, for the slower trainers (toksmith's Unigram and Hugging Face's). */
const SMALL_FILES = ['bench/corpora/en-moby-dick.train.txt'];

const HARD_LINES = [
  "İstanbul'da IŞIK ılık, ĞÜŞÖÇ ğüşöç; I'LL SEE YOU'RE",
  '  two leading spaces, three   inside, one trailing ',
  ' one leading space',
  'tabs\tand\u00a0no-break\u2003em space\u0085next line',
  'emoji 👍🏽 flags 🇹🇷 family 👨‍👩‍👧 text',
  'ΟΔΟΣ Σοφία ΣΣ',
  'digits 1234567 and 12,5 % ve 3.14159',
  'special <|endoftext|> in the middle<|endoftext|>',
  'CJK 東京 and Hangul 한국어 and Devanagari हिन्दी',
  'ﬁ ligature, Ⅻ roman, ½ fraction, ｆｕｌｌ width',
  'a literal ▁ and a <0x41 that is no byte piece',
  '',
  '\r',
  "code: def f(x):\n    return x ** 2  # it's",
];

function sampleLines(): string[] {
  const lines: string[] = [...HARD_LINES];
  for (const file of ['bench/corpora/tr-ud-treebanks.eval.txt', 'bench/corpora/en-sec-10-k-edgar.eval.txt', 'bench/corpora/en-moby-dick.heldout.txt']) {
    lines.push(...readFileSync(file, 'utf8').split('\n').slice(0, 120));
  }
  return lines;
}

const LINES = sampleLines();

interface TrainSettings {
  vocabSize?: number;
  specials?: string[];
  normalizer?: NormalizerName;
  preTokenizer?: PreTokenizerSpec;
  byteFallback?: boolean;
  raw?: Record<string, unknown>;
  files?: string[];
}

async function train(model: Algorithm, settings: TrainSettings = {}): Promise<Vocab> {
  const trainer = findTrainer(model)!;
  const options: CommonTrainOptions = {
    vocabSize: settings.vocabSize ?? 700,
    specials: settings.specials ?? ['<|endoftext|>'],
    normalizer: settings.normalizer ?? 'none',
    preTokenizer: settings.preTokenizer,
    byteFallback: settings.byteFallback ?? true,
    characterCoverage: 0.9995,
    seed: 0,
    threads: 1,
    raw: settings.raw ?? {},
  };
  trainer.check(options);
  const counts = await trainer.count((settings.files ?? TRAIN_FILES).map((file) => fileSource(file)), {}, options, silentProgress);
  return trainer.train(counts, options, silentProgress);
}

interface Mismatch {
  line: string;
  toksmith: number[];
  hf: number[];
}

function differences(lines: string[], expected: number[][], actual: number[][]): Mismatch[] {
  const found: Mismatch[] = [];
  lines.forEach((line, k) => {
    const a = expected[k]!;
    const b = actual[k]!;
    if (a.length !== b.length || a.some((id, i) => id !== b[i])) found.push({ line, toksmith: a, hf: b });
  });
  return found;
}

/**
 * Returns the lines whose ids differ between Hugging Face loading the written file and
 * toksmith's own encoder, then between toksmith reading the written file back and Hugging Face.
 */
async function mismatches(vocab: Vocab, lines: string[]): Promise<{ native: Mismatch[]; readBack: Mismatch[] }> {
  const json = writeHfTokenizer(vocab);
  const hf = Tokenizer.fromString(json);
  const hfIds = (await hf.encodeBatch(lines, { addSpecialTokens: true })).map((encoding) => encoding.getIds());
  const native = new Encoder(vocab, vocab.defaultMethod, { special: 'allow' });
  const readBack = new Encoder(parseHfTokenizer(json, 'written.json'), undefined, { special: 'allow' });
  return {
    native: differences(lines, lines.map((line) => native.encode(line).ids), hfIds),
    readBack: differences(lines, lines.map((line) => readBack.encode(line).ids), hfIds),
  };
}

const NONE = { native: [], readBack: [] };

/** Trained vocabularies by settings, so tests that share one train it once. */
const trained = new Map<string, Promise<Vocab>>();

function trainOnce(model: Algorithm, settings: TrainSettings = {}): Promise<Vocab> {
  const key = JSON.stringify([model, settings]);
  if (!trained.has(key)) trained.set(key, train(model, settings));
  return trained.get(key)!;
}

describe('writeHfTokenizer byte-level BPE', () => {
  for (const type of ['gpt2', 'cl100k', 'o200k', 'whitespace', 'metaspace', 'none'] as const) {
    it(`matches HF with the ${type} pre-tokenizer`, async () => {
      const preTokenizer: PreTokenizerSpec = type === 'metaspace' ? { type, prefixSpace: true } : { type };
      const vocab = await trainOnce('bpe', type === 'gpt2' ? {} : { preTokenizer });
      expect(await mismatches(vocab, LINES)).toEqual(NONE);
    });
  }

  it('leaves unused ids out', async () => {
    const vocab = await trainOnce('bpe', { vocabSize: 300 });
    const size = vocab.pieces.length;
    const withGap: Vocab = {
      ...vocab,
      pieces: [...vocab.pieces, new Uint8Array(0), new TextEncoder().encode('<|end|>')],
      kinds: Uint8Array.from([...vocab.kinds, 1, 1]),
    };
    const json = JSON.parse(writeHfTokenizer(withGap));
    expect(Object.values(json.model.vocab)).not.toContain(size);
    expect(json.model.vocab['<|end|>']).toBe(size + 1);
    const hf = Tokenizer.fromString(JSON.stringify(json));
    expect((await hf.encode('a<|end|>')).getIds()).toEqual([1 + 0x61, size + 1]);
  });

  it('writes pieces as GPT-2 characters', async () => {
    const vocab = await train('bpe', { vocabSize: 300 });
    const json = JSON.parse(writeHfTokenizer(vocab));
    expect(json.model.type).toBe('BPE');
    expect(json.model.vocab['Ġ']).toBe(1 + 0x20);
    expect(json.model.vocab['<|endoftext|>']).toBe(0);
    expect(json.added_tokens).toEqual([
      { id: 0, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ]);
  });
});

describe('writeHfTokenizer character-level', () => {
  it('matches HF for BPE over characters', async () => {
    const vocab = await trainOnce('bpe', { raw: { alphabet: 'chars' } });
    expect(await mismatches(vocab, LINES)).toEqual(NONE);
  });

  it('matches HF for BPE over characters without byte fallback', async () => {
    const vocab = await train('bpe', { raw: { alphabet: 'chars' }, byteFallback: false });
    expect(await mismatches(vocab, LINES)).toEqual(NONE);
  });

  for (const normalizer of ['nfc', 'nfkc', 'lowercase'] as const) {
    it(`matches HF with the ${normalizer} normalizer`, async () => {
      const vocab = await train('bpe', { raw: { alphabet: 'chars' }, normalizer });
      expect(await mismatches(vocab, LINES)).toEqual(NONE);
    });
  }

  it('matches HF for a char vocabulary', async () => {
    const vocab = await train('char', { vocabSize: 400 });
    expect(await mismatches(vocab, LINES)).toEqual(NONE);
  });
});

describe('writeHfTokenizer Unigram', { timeout: 30_000 }, () => {
  it('matches HF with byte fallback', async () => {
    const vocab = await trainOnce('unigram', { vocabSize: 800, files: SMALL_FILES });
    expect(await mismatches(vocab, LINES)).toEqual(NONE);
  });

  it('matches HF with the gpt2 pre-tokenizer', async () => {
    const vocab = await train('unigram', { vocabSize: 800, preTokenizer: { type: 'gpt2' }, files: SMALL_FILES });
    expect(await mismatches(vocab, LINES)).toEqual(NONE);
  });
});

/** Saves a tokenizer built with the binding (which saves only to files) and returns its JSON. */
function savedJson(tokenizer: Tokenizer): Record<string, any> {
  const dir = mkdtempSync(join(tmpdir(), 'toksmith-hf-write-test-'));
  try {
    tokenizer.save(join(dir, 'tokenizer.json'));
    return JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds special tokens after the trained vocabulary, which the binding's default trainers omit. */
function appendSpecials(json: Record<string, any>, specials: string[]): number[] {
  const size = Object.keys(json.model.vocab).length;
  json.added_tokens = specials.map((content, k) => {
    json.model.vocab[content] = size + k;
    return { id: size + k, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
  });
  return specials.map((_, k) => size + k);
}

/** Returns the lines whose ids differ between the original tokenizer.json and toksmith's rewrite of it. */
async function rewriteMismatches(original: string): Promise<string[]> {
  const rewritten = writeHfTokenizer(parseHfTokenizer(original, 'original.json'));
  const expected = await Tokenizer.fromString(original).encodeBatch(LINES, { addSpecialTokens: true });
  const actual = await Tokenizer.fromString(rewritten).encodeBatch(LINES, { addSpecialTokens: true });
  return LINES.filter((_, k) => expected[k]!.getIds().join() !== actual[k]!.getIds().join());
}

describe('writeHfTokenizer decoders', { timeout: 30_000 }, () => {
  const cases: [string, () => Promise<Vocab>][] = [
    ['byte-level BPE', () => trainOnce('bpe', {})],
    ['byte-level BPE with metaspace', () => trainOnce('bpe', { preTokenizer: { type: 'metaspace', prefixSpace: true } })],
    ['BPE over characters', () => trainOnce('bpe', { raw: { alphabet: 'chars' } })],
    ['Unigram', () => trainOnce('unigram', { vocabSize: 800, files: SMALL_FILES })],
  ];
  for (const [name, trainVocab] of cases) {
    it(`decodes ${name} back to the text`, async () => {
      const hf = Tokenizer.fromString(writeHfTokenizer(await trainVocab()));
      // Text after a special token gets its own metaspace prefix space, in toksmith as in the
      // written file, so decoding such a line adds a space: those lines are left out.
      const lines = LINES.filter((line) => line.length > 0 && !line.includes('<|endoftext|>')).slice(0, 200);
      for (const line of lines) {
        const ids = (await hf.encode(line)).getIds();
        expect(await hf.decode(ids, false)).toBe(line);
      }
    });
  }
});

describe('writeHfTokenizer imported pipelines', { timeout: 30_000 }, () => {
  it('rewrites a BERT-style WordPiece', async () => {
    const tokenizer = new Tokenizer(WordPiece.empty());
    tokenizer.setNormalizer(bertNormalizer());
    tokenizer.setPreTokenizer(bertPreTokenizer());
    tokenizer.setDecoder(wordPieceDecoder());
    tokenizer.train(SMALL_FILES);
    const json = savedJson(tokenizer);
    const [, cls, sep] = appendSpecials(json, ['[UNK]', '[CLS]', '[SEP]']);
    json.post_processor = {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] } },
    };
    expect(await rewriteMismatches(JSON.stringify(json))).toEqual([]);
  });

  it('rewrites a byte-level BPE with a Split pattern', async () => {
    const tokenizer = new Tokenizer(BPE.empty());
    tokenizer.setPreTokenizer(byteLevelPreTokenizer(false, true));
    tokenizer.train(SMALL_FILES);
    const json = savedJson(tokenizer);
    appendSpecials(json, ['<|endoftext|>']);
    json.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    };
    expect(await rewriteMismatches(JSON.stringify(json))).toEqual([]);
  });
});

describe('writeHfTokenizer known differences', { timeout: 30_000 }, () => {
  // Hugging Face's Unigram matches every vocabulary entry in the text, <unk> and <0xNN> byte
  // pieces included, where SentencePiece and toksmith match normal pieces only.
  it('Unigram pieces named in the text', async () => {
    const vocab = await trainOnce('unigram', { vocabSize: 800, files: SMALL_FILES });
    const found = await mismatches(vocab, ['plain text', 'spelled <unk> and <0x41>']);
    expect(found.native.map((mismatch) => mismatch.line)).toEqual(['spelled <unk> and <0x41>']);
    expect(found.native[0]!.hf).toContain(0);
  });
});

describe('formatScore', () => {
  it('keeps short forms', () => {
    expect(formatScore(-7.505630955705152)).toBe('-7.505630955705152');
    expect(formatScore(-0.0001)).toBe('-0.0001');
    expect(formatScore(0)).toBe('0');
  });

  // Hugging Face read -9.252718953679999 as -9.25271895368 (checked by saving the loaded file).
  it('rewrites digits beyond a float64 integer', () => {
    const text = formatScore(-9.252718953679999);
    expect(Number(text)).toBe(-9.252718953679999);
    expect(BigInt(text.replace(/[-.]/g, '')) % 2n).toBe(0n);
  });

  it('reads back as the same number', () => {
    for (const score of [-1e-7, -3.8083215662112284, -29.442069357932578, -12.000000000000002]) {
      expect(Number(formatScore(score))).toBe(score);
    }
  });
});

describe('writeHfTokenizer errors', () => {
  it('rejects the lowercase-tr normalizer', async () => {
    const vocab = await train('bpe', { vocabSize: 300, normalizer: 'lowercase-tr' });
    expect(() => writeHfTokenizer(vocab)).toThrow(/lowercase-tr' has no Hugging Face tokenizers equivalent/);
  });

  it('rejects a LiB vocabulary', async () => {
    const vocab = await train('bpe', { vocabSize: 300 });
    expect(() => writeHfTokenizer({ ...vocab, algorithm: 'lib', defaultMethod: 'lib' })).toThrow(/lib vocabulary has no Hugging Face tokenizers model/);
  });

  it('rejects two pieces with the same text', async () => {
    const vocab = await train('bpe', { vocabSize: 300, specials: ['!'] });
    expect(() => writeHfTokenizer(vocab)).toThrow(/pieces 0 and 34 are both "!"/);
  });
});
