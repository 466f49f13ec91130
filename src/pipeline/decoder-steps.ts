// Decoder steps, named after Hugging Face tokenizers' decoders. Each takes the token strings of
// a decode and returns new strings; the pipeline joins the final strings.

import { utf8Decoder } from '../utf8.js';
import { compilePattern } from './pre-tokenizer-steps.js';
import type { PatternSpec } from './spec.js';
import { registerDecoderStep, setting } from './steps.js';

// Pieces of byte-level vocabularies are stored as raw bytes, so the ByteLevel decoder has
// nothing left to do.
registerDecoderStep('byte-level', () => ({ decode: (tokens) => tokens }));

registerDecoderStep('metaspace', (spec, path) => {
  const replacement = setting(spec, 'replacement', 'string', path, '\u2581');
  const prependScheme = setting(spec, 'prependScheme', 'string', path, 'always');
  return {
    decode: (tokens) =>
      tokens.map((token, k) => {
        const text = token.replaceAll(replacement, ' ');
        return k === 0 && prependScheme !== 'never' && text.startsWith(' ') ? text.slice(1) : text;
      }),
  };
});

/** Hugging Face's WordPiece clean-up: no space before punctuation and common English contractions. */
const CLEANUPS: [string, string][] = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [' do not', " don't"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

function cleanUp(text: string): string {
  let out = text;
  for (const [from, to] of CLEANUPS) out = out.replaceAll(from, to);
  return out;
}

registerDecoderStep('word-piece', (spec, path) => {
  const prefix = setting(spec, 'prefix', 'string', path, '##');
  const cleanup = setting(spec, 'cleanup', 'boolean', path, true);
  return {
    decode: (tokens) =>
      tokens.map((token, k) => {
        let text = token;
        if (k > 0) text = text.startsWith(prefix) ? text.slice(prefix.length) : ' ' + text;
        return cleanup ? cleanUp(text) : text;
      }),
  };
});

const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;

// Runs of <0xNN> tokens become the text their bytes spell; invalid UTF-8 gives one U+FFFD per byte.
registerDecoderStep('byte-fallback', () => ({
  decode(tokens) {
    const out: string[] = [];
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length === 0) return;
      try {
        out.push(utf8Decoder.decode(Uint8Array.from(bytes)));
      } catch {
        for (let k = 0; k < bytes.length; k++) out.push('\ufffd');
      }
      bytes = [];
    };
    for (const token of tokens) {
      const match = BYTE_TOKEN.exec(token);
      if (match !== null) {
        bytes.push(parseInt(match[1]!, 16));
        continue;
      }
      flush();
      out.push(token);
    }
    flush();
    return out;
  },
}));

registerDecoderStep('fuse', () => ({ decode: (tokens) => [tokens.join('')] }));

// Removes up to `start` copies of `content` from the front of each token and up to `stop` from its end.
registerDecoderStep('strip', (spec, path) => {
  const content = setting(spec, 'content', 'string', path);
  const start = setting(spec, 'start', 'number', path, 0);
  const stop = setting(spec, 'stop', 'number', path, 0);
  return {
    decode: (tokens) =>
      tokens.map((token) => {
        const chars = [...token];
        let from = 0;
        let to = chars.length;
        while (from < start && from < to && chars[from] === content) from++;
        while (chars.length - to < stop && to > from && chars[to - 1] === content) to--;
        return chars.slice(from, to).join('');
      }),
  };
});

registerDecoderStep('replace', (spec, path) => {
  const pattern = compilePattern(spec['pattern'] as PatternSpec, `${path}.pattern`);
  const content = setting(spec, 'content', 'string', path);
  return { decode: (tokens) => tokens.map((token) => token.replace(pattern, () => content)) };
});

// Without a decoder, Hugging Face tokenizers joins the token strings with single spaces.
registerDecoderStep('join-with-spaces', () => ({ decode: (tokens) => [tokens.join(' ')] }));
