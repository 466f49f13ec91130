// SentencePiece's whitespace handling and decoding as pipeline steps, following normalizer.cc
// and sentencepiece_processor.cc of SentencePiece 0.1.97. The `spm-whitespace` normalizer runs
// after the `precompiled` character map (src/pipeline/precompiled.ts) and applies
// remove_extra_whitespaces, add_dummy_prefix, escape_whitespaces (space → ▁) and
// treat_whitespace_as_suffix. The `spm` decoder turns pieces back into text as spm_decode does.

import { lenientUtf8Decoder } from '../../utf8.js';
import { registerDecoderStep, registerNormalizerStep, setting, type DecoderStep, type NormalizerStep } from '../../pipeline/steps.js';
import type { StepSpec } from '../../pipeline/spec.js';

/** SentencePiece's whitespace symbol, U+2581 LOWER ONE EIGHTH BLOCK. */
export const SPACE_SYMBOL = '\u2581';

/** Whitespace options of a SentencePiece normalizer_spec and trainer_spec. */
export interface SpmWhitespaceOptions {
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
  treatWhitespaceAsSuffix: boolean;
}

/**
 * Applies SentencePiece's whitespace rules to text that the character map already normalized.
 * Only U+0020 counts as whitespace here, as in SentencePiece. Returns the text and, per UTF-16
 * unit of the result and one past its end, the unit of `text` it came from.
 *
 * NOTE: SentencePiece collapses spaces per character-map match, so two spaces inside one rule's
 * replacement stay two spaces there. This step collapses every run; no rule of the nmt_nfkc maps
 * yields two spaces in a row.
 */
export function applySpmWhitespace(text: string, options: SpmWhitespaceOptions): { text: string; origins: Int32Array } {
  const space = options.escapeWhitespaces ? SPACE_SYMBOL : ' ';
  let start = 0;
  if (options.removeExtraWhitespaces) while (start < text.length && text.charCodeAt(start) === 0x20) start++;
  if (start === text.length) return { text: '', origins: Int32Array.of(text.length) };

  const parts: string[] = [];
  const origins: number[] = [];
  if (options.addDummyPrefix && !options.treatWhitespaceAsSuffix) {
    parts.push(space);
    origins.push(start);
  }
  let previousIsSpace = options.removeExtraWhitespaces;
  for (let i = start; i < text.length; i++) {
    const isSpace = text.charCodeAt(i) === 0x20;
    if (isSpace && previousIsSpace && options.removeExtraWhitespaces) continue;
    parts.push(isSpace ? space : text[i]!);
    origins.push(i);
    previousIsSpace = isSpace && options.removeExtraWhitespaces;
  }
  // Trailing space symbols go, a literal ▁ of the input included, as in SentencePiece.
  if (options.removeExtraWhitespaces) {
    while (parts.length > 0 && parts[parts.length - 1] === space) {
      parts.pop();
      origins.pop();
    }
  }
  if (options.addDummyPrefix && options.treatWhitespaceAsSuffix) {
    parts.push(space);
    origins.push(text.length);
  }
  origins.push(text.length);
  return { text: parts.join(''), origins: Int32Array.from(origins) };
}

/**
 * Returns the text of {@link applySpmWhitespace} without origins, with string operations that
 * avoid per-character work. applySpmWhitespace is the reference that the tests compare it with.
 */
export function normalizeSpmWhitespace(text: string, options: SpmWhitespaceOptions): string {
  let result = text;
  if (options.removeExtraWhitespaces) {
    result = result.replace(LEADING_SPACES, '').replace(SPACE_RUNS, ' ');
    if (result.length === 0) return '';
  } else if (result.length === 0) {
    return '';
  }
  const space = options.escapeWhitespaces ? SPACE_SYMBOL : ' ';
  if (options.escapeWhitespaces) result = result.replaceAll(' ', SPACE_SYMBOL);
  if (options.addDummyPrefix && !options.treatWhitespaceAsSuffix) result = space + result;
  if (options.removeExtraWhitespaces) {
    let end = result.length;
    while (end > 0 && result.endsWith(space, end)) end -= space.length;
    result = result.slice(0, end);
  }
  if (options.addDummyPrefix && options.treatWhitespaceAsSuffix) result += space;
  return result;
}

const LEADING_SPACES = /^ +/;
const SPACE_RUNS = / {2,}/g;

function readWhitespaceOptions(spec: StepSpec, path: string): SpmWhitespaceOptions {
  return {
    addDummyPrefix: setting(spec, 'addDummyPrefix', 'boolean', path, true),
    removeExtraWhitespaces: setting(spec, 'removeExtraWhitespaces', 'boolean', path, true),
    escapeWhitespaces: setting(spec, 'escapeWhitespaces', 'boolean', path, true),
    treatWhitespaceAsSuffix: setting(spec, 'treatWhitespaceAsSuffix', 'boolean', path, false),
  };
}

registerNormalizerStep('spm-whitespace', (spec, path): NormalizerStep => {
  const options = readWhitespaceOptions(spec, path);
  return {
    normalize: (text) => normalizeSpmWhitespace(text, options),
    align: (text) => applySpmWhitespace(text, options),
  };
});

const BYTE_PIECE = /^<0x([0-9A-F]{2})>$/;

/**
 * The `spm` decoder. Control pieces vanish and the unknown piece becomes `unknownSurface` (' ⁇ '
 * by default). Runs of byte pieces become UTF-8 text, with U+FFFD for invalid sequences. ▁
 * becomes a space, and the dummy prefix is removed from the first piece that yields text.
 */
registerDecoderStep('spm', (spec, path): DecoderStep => {
  const options = readWhitespaceOptions(spec, path);
  const unknownPiece = setting(spec, 'unknownPiece', 'string', path, '<unk>');
  const unknownSurface = setting(spec, 'unknownSurface', 'string', path, ' \u2047 ');
  const controlPieces = new Set(Array.isArray(spec['controlPieces']) ? (spec['controlPieces'] as string[]) : []);
  return {
    decode(tokens) {
      const out: string[] = [];
      let pendingBytes: number[] = [];
      let atStart = true;
      const flushBytes = (): void => {
        if (pendingBytes.length === 0) return;
        out.push(lenientUtf8Decoder.decode(Uint8Array.from(pendingBytes)));
        pendingBytes = [];
        atStart = false;
      };
      for (const token of tokens) {
        const byte = BYTE_PIECE.exec(token);
        if (byte !== null) {
          pendingBytes.push(Number.parseInt(byte[1]!, 16));
          continue;
        }
        flushBytes();
        if (controlPieces.has(token)) continue;
        if (token === unknownPiece) {
          out.push(unknownSurface);
          atStart = false;
          continue;
        }
        let piece = token;
        if (atStart && options.addDummyPrefix && !options.treatWhitespaceAsSuffix && piece.startsWith(SPACE_SYMBOL)) {
          piece = piece.slice(SPACE_SYMBOL.length);
        }
        const surface = piece.replaceAll(SPACE_SYMBOL, ' ');
        if (surface.length > 0) atStart = false;
        out.push(surface);
      }
      flushBytes();
      // spm_decode 0.1.97 keeps the trailing space of treat_whitespace_as_suffix models.
      return out;
    },
  };
});
