// Decoder steps, named after Hugging Face tokenizers' decoders. Each takes the token strings of
// a decode and returns new strings; the pipeline joins the final strings.

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
