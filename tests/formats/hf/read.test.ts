import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from 'tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { Decoder, Encoder } from '../../../src/encoder.js';
import { ToksmithError } from '../../../src/errors.js';
import { readHfTokenizer } from '../../../src/formats/hf/read.js';
import { translateOnigurumaRegex } from '../../../src/formats/hf/regex.js';
import { parseSerdeFloat, unigramScoreTexts } from '../../../src/formats/hf/serde-floats.js';
import { readVocabFile } from '../../../src/tokenizer-loader.js';
import { PieceKind, type Vocab } from '../../../src/vocab.js';

// Fixtures: hand-written tokenizer.json components over vocabularies trained by Hugging Face
// tokenizers on the `train` lines of texts.json (tests/fixtures/hf/make-fixtures.mjs writes them
// and expected.json, the ids and decodes Hugging Face gave). Each fixture is checked against the
// stored ids and live against the `tokenizers` npm package.
const FIXTURES = 'tests/fixtures/hf';
const TEXTS: { eval: string[] } = JSON.parse(readFileSync(join(FIXTURES, 'texts.json'), 'utf8'));
const EXPECTED: Record<string, { ids: number[]; decoded: string }[]> = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
const NAMES = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json') && file !== 'texts.json' && file !== 'expected.json')
  .map((file) => file.slice(0, -'.json'.length));

const utf8 = new TextDecoder();

function load(name: string): { vocab: Vocab; encoder: Encoder; decoder: Decoder } {
  const vocab = readHfTokenizer(join(FIXTURES, `${name}.json`));
  // Hugging Face always matches special tokens in the text, so the encoder allows them too.
  return { vocab, encoder: new Encoder(vocab, vocab.defaultMethod, { special: 'allow' }), decoder: new Decoder(vocab) };
}

describe('hfReader fixtures', () => {
  it('has stored ids for every fixture', () => {
    expect(NAMES.length).toBeGreaterThan(20);
    for (const name of NAMES) expect(EXPECTED[name], name).toHaveLength(TEXTS.eval.length);
  });

  for (const name of NAMES) {
    it(`${name} encodes to the stored ids`, () => {
      const { encoder } = load(name);
      TEXTS.eval.forEach((text, k) => {
        expect(encoder.encode(text).ids, JSON.stringify(text)).toEqual(EXPECTED[name]![k]!.ids);
      });
    });

    it(`${name} encodes and decodes as HF tokenizers`, async () => {
      const { encoder, decoder } = load(name);
      const reference = Tokenizer.fromFile(join(FIXTURES, `${name}.json`));
      for (const text of TEXTS.eval) {
        const ids = (await reference.encode(text)).getIds();
        expect(encoder.encode(text).ids, JSON.stringify(text)).toEqual(ids);
        expect(utf8.decode(decoder.decode(ids)), `decode of ${JSON.stringify(text)}`).toBe(await reference.decode(ids, false));
      }
    });
  }
});

describe('hfReader vocabulary', () => {
  it('stores byte-level pieces as raw bytes', () => {
    const { vocab } = load('bpe-byte-level');
    const space = vocab.pieces.findIndex((piece) => piece.length === 1 && piece[0] === 0x20);
    expect(space).toBeGreaterThanOrEqual(0);
    expect(vocab.pieces.some((piece) => utf8.decode(piece).includes('Ġ'))).toBe(false);
  });

  it('reads merges written as strings and as pairs', () => {
    expect(load('bpe-byte-level').vocab.merges!.length).toBeGreaterThan(0);
    expect(load('bpe-llama3').vocab.merges!.length).toBeGreaterThan(0);
  });

  it('marks byte-fallback, unknown and special pieces', () => {
    const { vocab } = load('bpe-byte-fallback');
    expect(vocab.kinds[0]).toBe(PieceKind.unknown);
    expect(vocab.kinds[1]).toBe(PieceKind.special);
    expect(vocab.kinds[3]).toBe(PieceKind.byte);
    expect([...vocab.pieces[3 + 0x41]!]).toEqual([0x41]);
    expect(vocab.pipeline!.model.fuseUnknown).toBe(true);
  });

  it('extends pieces with added tokens beyond the model', () => {
    const { vocab } = load('bpe-llama3');
    const json = JSON.parse(readFileSync(join(FIXTURES, 'bpe-llama3.json'), 'utf8'));
    const modelSize = Object.keys(json.model.vocab).length;
    expect(vocab.pieces).toHaveLength(modelSize + 3);
    expect(utf8.decode(vocab.pieces[modelSize]!)).toBe('<|begin_of_text|>');
    expect(vocab.pipeline!.addedTokens[2]).toMatchObject({ content: '<mask>', lstrip: true, special: true });
    expect(vocab.pipeline!.template).toEqual([{ id: modelSize }, { sequence: true }]);
  });

  it('selects the segmentation method of each model', () => {
    expect(load('bpe-byte-level').vocab.defaultMethod).toBe('merges');
    expect(load('wordpiece-bert').vocab.defaultMethod).toBe('wordpiece');
    expect(load('unigram').vocab.defaultMethod).toBe('viterbi');
    expect(load('wordlevel').vocab.defaultMethod).toBe('wordlevel');
  });

  it('is picked by content and by the hf: prefix', () => {
    const path = join(FIXTURES, 'wordlevel.json');
    expect(readVocabFile(path).algorithm).toBe('wordlevel');
    expect(readVocabFile(`hf:${path}`).algorithm).toBe('wordlevel');
  });
});

describe('translateOnigurumaRegex', () => {
  const cases: [string, string, string[]][] = [
    ['\\s+', 'a \u00a0\ufeffb', [' \u00a0']],
    ['\\h+', 'xDEADbeefz', ['DEADbeef']],
    ["(?i:'s|'t)", "'S 'T 'ſ 'x", ["'S", "'T", "'ſ"]],
    ['(?i)ab', 'AB aB xab', ['AB', 'aB', 'ab']],
    ['\\Aa', 'aa', ['a']],
    ['a\\z', 'aa', ['a']],
    ['^b', 'b\nb\rb', ['b', 'b']],
    ['.+', 'ab\rc\nd', ['ab\rc', 'd']],
    ['[[:alpha:]]+', 'ab1çd', ['ab', 'çd']],
    ['\\x{263A}|\\x41', '☺A', ['☺', 'A']],
    ['\\p{Han}+', 'a東京b', ['東京']],
    ['\\d+', '١٢٣ 45', ['١٢٣', '45']],
    ['a{,2}', 'aaa', ['aa', 'a']],
    ['[\\s\\S]+', 'a b\nc', ['a b\nc']],
    ['[^\\S\\n]+', 'a \t\nb', [' \t']],
    ['[\\P{L}]+', 'ab12c', ['12']],
  ];
  for (const [pattern, text, matches] of cases) {
    it(`translates ${pattern}`, () => {
      const regex = new RegExp(translateOnigurumaRegex(pattern), 'gu');
      expect(text.match(regex)?.filter((match) => match.length > 0) ?? []).toEqual(matches);
    });
  }

  const rejected: [string, RegExp][] = [
    ['\\p{L}++', /possessive quantifier '\+\+'/],
    ['a*+', /possessive quantifier '\*\+'/],
    ['(?>ab)', /atomic group/],
    ['\\Gab', /'\\G' has no JavaScript equivalent/],
    ['(?(1)a|b)', /conditional/],
    ['a\\Kb', /'\\K'/],
    ['[a-z&&[^aeiou]]', /class intersection/],
    ['(?m:a.b)', /inline option/],
    ['\\p{NoSuchProperty}', /Unicode property 'NoSuchProperty'/],
    ['[\\W]', /negated escape '\\W' inside a character class/],
  ];
  for (const [pattern, message] of rejected) {
    it(`rejects ${pattern}`, () => {
      expect(() => translateOnigurumaRegex(pattern)).toThrow(message);
    });
  }
});

describe('parseSerdeFloat', () => {
  it('rounds a 17-digit score twice as serde_json does', () => {
    // 72516274124955675 rounds to an f64 before the division by 1e16.
    expect(parseSerdeFloat('-7.2516274124955675')).toBe(-7.251627412495568);
    expect(Number('-7.2516274124955675')).toBe(-7.2516274124955675);
  });

  it('agrees with JSON.parse below 2^53', () => {
    for (const text of ['-5.909451069605661', '0.1', '-0', '42', '1.5e-7', '-3e2']) expect(parseSerdeFloat(text)).toBe(Number(text));
  });

  it('finds the scores of model.vocab in file order', () => {
    const text = '{"post_processor":{"sep":["x",9]},"model":{"type":"Unigram","vocab":[["a",-1.25],["b\\"]",-2e1]],"unk_id":0}}';
    expect(unigramScoreTexts(text)).toEqual(['-1.25', '-2e1']);
  });
});

describe('hfReader errors', () => {
  const directory = mkdtempSync(join(tmpdir(), 'toksmith-hf-read-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const base = JSON.parse(readFileSync(join(FIXTURES, 'wordlevel.json'), 'utf8'));

  /** Writes `content` to a file and returns the one-line error message reading it gives. */
  function readError(content: string): string {
    const path = join(directory, 'tokenizer.json');
    writeFileSync(path, content);
    try {
      readHfTokenizer(path);
    } catch (error) {
      expect(error).toBeInstanceOf(ToksmithError);
      const line = (error as ToksmithError).toLine();
      expect(line).not.toContain('\n');
      return line;
    }
    throw new Error('reading did not fail');
  }

  const withChanges = (changes: Record<string, unknown>, model: Record<string, unknown> = {}): string =>
    JSON.stringify({ ...base, ...changes, model: { ...base.model, ...model } });

  it('reports corrupt JSON with line and column', () => {
    expect(readError('{\n  "version": "1.0",\n  "model": {,}\n}')).toMatch(/tokenizer\.json:3:13: invalid JSON/);
  });

  it('reports truncated JSON at its end', () => {
    expect(readError('{\n  "version": "1.0",')).toMatch(/tokenizer\.json:2:20: invalid JSON: /);
  });

  it('names the path of an untranslatable regex', () => {
    const preTokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '\\p{L}++' }, behavior: 'Isolated', invert: false }] };
    expect(readError(withChanges({ pre_tokenizer: preTokenizer }))).toMatch(
      /pre_tokenizer\.pretokenizers\[0\]\.pattern\.Regex: possessive quantifier '\+\+' has no JavaScript equivalent; rewrite/,
    );
  });

  it('names an unsupported normalizer', () => {
    expect(readError(withChanges({ normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Nmt' }] } }))).toMatch(
      /normalizer\.normalizers\[1\]\.type: unsupported normalizer 'Nmt'; toksmith reads NFC/,
    );
  });

  it('names an unsupported pre-tokenizer', () => {
    expect(readError(withChanges({ pre_tokenizer: { type: 'UnicodeScripts' } }))).toMatch(/pre_tokenizer\.type: unsupported pre-tokenizer 'UnicodeScripts'/);
  });

  it('names an unsupported decoder', () => {
    expect(readError(withChanges({ decoder: { type: 'CTC' } }))).toMatch(/decoder\.type: unsupported decoder 'CTC'/);
  });

  it('names an unsupported post-processor', () => {
    expect(readError(withChanges({ post_processor: { type: 'Custom' } }))).toMatch(/post_processor\.type: unsupported post-processor 'Custom'/);
  });

  it('names an invalid split behavior', () => {
    const preTokenizer = { type: 'Split', pattern: { String: ' ' }, behavior: 'Sideways', invert: false };
    expect(readError(withChanges({ pre_tokenizer: preTokenizer }))).toMatch(/pre_tokenizer\.behavior: unsupported split behavior "Sideways"/);
  });

  it('rejects an unsupported model', () => {
    expect(readError(JSON.stringify({ ...base, model: { type: 'CharLevel', vocab: {} } }))).toMatch(/model\.type: unsupported model "CharLevel"/);
  });

  it('rejects BPE dropout and subword affixes', () => {
    const bpe = JSON.parse(readFileSync(join(FIXTURES, 'bpe-byte-level.json'), 'utf8'));
    const change = (model: Record<string, unknown>): string => JSON.stringify({ ...bpe, model: { ...bpe.model, ...model } });
    expect(readError(change({ dropout: 0.1 }))).toMatch(/model\.dropout: BPE dropout 0\.1 is unsupported/);
    expect(readError(change({ continuing_subword_prefix: '##' }))).toMatch(/model\.continuing_subword_prefix: BPE with continuing_subword_prefix "##" is unsupported/);
    expect(readError(change({ end_of_word_suffix: '</w>' }))).toMatch(/model\.end_of_word_suffix: BPE with end_of_word_suffix "<\/w>" is unsupported/);
  });

  it('rejects a merge of unknown pieces', () => {
    const bpe = JSON.parse(readFileSync(join(FIXTURES, 'bpe-byte-level.json'), 'utf8'));
    const merges = ['Ġ Ġ', 'zzz yyy'];
    expect(readError(JSON.stringify({ ...bpe, model: { ...bpe.model, merges } }))).toMatch(/model\.merges\[1\]: piece "zzz" is not in model\.vocab/);
  });

  it('merges across a dropped unknown character', async () => {
    const content = JSON.stringify({
      version: '1.0',
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: null,
      model: { type: 'BPE', dropout: null, unk_token: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] },
    });
    const path = join(directory, 'no-unknown.json');
    writeFileSync(path, content);
    const vocab = readHfTokenizer(path);
    const encoder = new Encoder(vocab);
    for (const text of ['a\u201db', '\u201d', 'ab\u201d\u201dab', 'a\u201db\u201d']) {
      expect(encoder.encode(text).ids, text).toEqual((await Tokenizer.fromFile(path).encode(text)).getIds());
    }
    expect(encoder.encode('a\u201db').ids).toEqual([2]);
  });

  it('loads ids with gaps as Hugging Face does', async () => {
    const content = JSON.stringify({
      version: '1.0',
      added_tokens: [{ id: 3, content: '<|end|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: null,
      model: { type: 'BPE', dropout: null, unk_token: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: { a: 0, b: 1, '<|end|>': 3 }, merges: [] },
    });
    const path = join(directory, 'gap.json');
    writeFileSync(path, content);
    const vocab = readHfTokenizer(path);
    expect(vocab.kinds.length).toBe(4);
    expect(vocab.kinds[2]).toBe(PieceKind.special);
    expect(vocab.pieces[2]!.length).toBe(0);
    const ids = new Encoder(vocab, vocab.defaultMethod, { special: 'allow' }).encode('ab<|end|>a').ids;
    expect(ids).toEqual([0, 1, 3, 0]);
    expect(ids).toEqual((await Tokenizer.fromFile(path).encode('ab<|end|>a')).getIds());
  });

  it('rejects a byte-level piece outside the byte alphabet', () => {
    const bpe = JSON.parse(readFileSync(join(FIXTURES, 'bpe-byte-level.json'), 'utf8'));
    const vocab = { ...bpe.model.vocab, 'a b': Object.keys(bpe.model.vocab).length };
    expect(readError(JSON.stringify({ ...bpe, added_tokens: [], model: { ...bpe.model, vocab } }))).toMatch(/model\.vocab: piece "a b" contains " "/);
  });
});
