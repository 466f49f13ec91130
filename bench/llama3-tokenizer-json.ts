// Builds Llama 3's tokenizer.json from the vocabulary and merges that llama3-tokenizer-js ships
// in its own packed form, with the structure of Llama 3's own tokenizer.json: a BPE model with
// `ignore_merges`, a Split pre-tokenizer with Llama 3's pattern followed by ByteLevel without its
// own regex, 256 special tokens as added tokens, and a template that adds <|begin_of_text|>.

import llama3Tokenizer from 'llama3-tokenizer-js';

// llama3-tokenizer-js stores the 128,000 pieces as GPT-2 characters in id order
// and the merges as a map from "left right" to priority, in rank order. The 256 special tokens
// follow the pieces.
const LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const LLAMA3_PIECES = 128_000;

/** Returns Llama 3's tokenizer.json text. */
export function llama3TokenizerJson(): string {
  const source = llama3Tokenizer as unknown as { vocabById: string[]; merges: Map<string, number> };
  const vocab: Record<string, number> = Object.create(null);
  for (let id = 0; id < LLAMA3_PIECES; id++) vocab[source.vocabById[id]!] = id;
  const merges = [...source.merges.keys()].map((key) => key.split(' '));
  const specials = source.vocabById.slice(LLAMA3_PIECES);
  const bos = '<|begin_of_text|>';
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, k) => ({ id: LLAMA3_PIECES + k, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: LLAMA3_PATTERN }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'Sequence',
      processors: [
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
        {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { [bos]: { id: bos, ids: [LLAMA3_PIECES], tokens: [bos] } },
        },
      ],
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: true, vocab, merges },
  });
}
