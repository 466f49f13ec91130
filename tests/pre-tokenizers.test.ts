import { describe, expect, it } from 'vitest';
import { createPreTokenizer, type PreTokenizerSpec } from '../src/pre-tokenizers.js';

function split(spec: PreTokenizerSpec, text: string): string[] {
  const ranges: number[] = [];
  createPreTokenizer(spec).split(text, ranges);
  const parts: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) parts.push(text.slice(ranges[i], ranges[i + 1]));
  return parts;
}

describe('metaspace pre-tokenizer', () => {
  it('starts a pre-token at every space', () => {
    expect(split({ type: 'metaspace' }, ' a  bc d')).toEqual([' a', ' ', ' bc', ' d']);
  });

  it('keeps text without spaces whole', () => {
    expect(split({ type: 'metaspace' }, 'abc')).toEqual(['abc']);
  });
});

describe('gpt2 pre-tokenizer', () => {
  it('splits like the GPT-2 regex', () => {
    expect(split({ type: 'gpt2' }, "Hello world's 123   test!!")).toEqual(['Hello', ' world', "'s", ' 123', '  ', ' test', '!!']);
  });

  it('does not treat a BOM as whitespace', () => {
    expect(split({ type: 'gpt2' }, '\uFEFFHi there')).toEqual(['\uFEFF', 'Hi', ' there']);
  });
});

describe('whitespace pre-tokenizer', () => {
  it('drops spaces and splits punctuation', () => {
    expect(split({ type: 'whitespace' }, 'Merhaba, dünya! çay_2')).toEqual(['Merhaba', ',', 'dünya', '!', 'çay_2']);
  });
});
