// Normalizer steps, named after Hugging Face tokenizers' normalizers: Unicode normalization
// forms, lower-casing, Strip, StripAccents, Replace, Prepend and BertNormalizer (Precompiled
// lives in precompiled.ts). Each registers itself in the step registry when this file loads.
// Steps that change the text's length implement `align`, so token offsets still point into the
// original text.

import { WHITE_SPACE } from '../pre-tokenizers.js';
import { compilePattern } from './pre-tokenizer-steps.js';
import type { PatternSpec } from './spec.js';
import { registerNormalizerStep, setting } from './steps.js';
// SentencePiece's precompiled character map registers itself as the `precompiled` step.
import './precompiled.js';

/** Normalized text and, for each of its UTF-16 units and one past its end, the unit of the input it came from. */
type Aligned = { text: string; origins: Int32Array };

/**
 * Rewrites `text` one code point at a time; `transform` returns the replacement, possibly
 * empty. A replacement as long as its code point maps unit for unit, so a surrogate pair keeps
 * both halves. The units of any other replacement map to the start of the code point.
 */
function mapCodePoints(text: string, transform: (char: string) => string): Aligned {
  let out = '';
  const origins: number[] = [];
  for (let unit = 0; unit < text.length; ) {
    const char = String.fromCodePoint(text.codePointAt(unit)!);
    const replacement = transform(char);
    const sameLength = replacement.length === char.length;
    for (let k = 0; k < replacement.length; k++) origins.push(sameLength ? unit + k : unit);
    out += replacement;
    unit += char.length;
  }
  origins.push(text.length);
  return { text: out, origins: Int32Array.from(origins) };
}

for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD'] as const) {
  registerNormalizerStep(form.toLowerCase(), () => ({ normalize: (text) => text.normalize(form), local: true }));
}

// Hugging Face's Lowercase maps each character alone with Rust's char::to_lowercase, so a final
// Σ becomes σ, where JavaScript's String.toLowerCase would give the word-final ς.
const lowercaseChar = (char: string): string => (char === '\u03a3' ? '\u03c3' : char.toLowerCase());
registerNormalizerStep('lowercase', () => ({
  normalize: (text) => mapCodePoints(text, lowercaseChar).text,
  align: (text) => mapCodePoints(text, lowercaseChar),
}));

const WHITE_SPACE_CHARACTER = new RegExp(`[${WHITE_SPACE}]`, 'u');

registerNormalizerStep('strip', (spec, path) => {
  const left = setting(spec, 'left', 'boolean', path, true);
  const right = setting(spec, 'right', 'boolean', path, true);
  const align = (text: string): Aligned => {
    let start = 0;
    let end = text.length;
    if (left) while (start < end && WHITE_SPACE_CHARACTER.test(text[start]!)) start++;
    if (right) while (end > start && WHITE_SPACE_CHARACTER.test(text[end - 1]!)) end--;
    const origins = new Int32Array(end - start + 1);
    for (let k = 0; k <= end - start; k++) origins[k] = start + k;
    if (end === start) origins[0] = text.length;
    return { text: text.slice(start, end), origins };
  };
  return { normalize: (text) => align(text).text, align };
});

// Hugging Face's StripAccents drops every combining mark (general category M), whatever the
// character before it; it is meant to follow NFD.
const COMBINING_MARK = /\p{M}/u;
const dropMark = (char: string): string => (COMBINING_MARK.test(char) ? '' : char);
registerNormalizerStep('strip-accents', () => ({
  normalize: (text) => mapCodePoints(text, dropMark).text,
  align: (text) => mapCodePoints(text, dropMark),
}));

registerNormalizerStep('replace', (spec, path) => {
  const pattern = compilePattern(spec['pattern'] as PatternSpec, `${path}.pattern`);
  const content = setting(spec, 'content', 'string', path);
  const align = (text: string): Aligned => {
    let out = '';
    const origins: number[] = [];
    let previous = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      for (let unit = previous; unit < match.index; unit++) origins.push(unit);
      out += text.slice(previous, match.index);
      for (let k = 0; k < content.length; k++) origins.push(match.index);
      out += content;
      previous = match.index + match[0].length;
    }
    for (let unit = previous; unit < text.length; unit++) origins.push(unit);
    out += text.slice(previous);
    origins.push(text.length);
    return { text: out, origins: Int32Array.from(origins) };
  };
  return { normalize: (text) => align(text).text, align };
});

registerNormalizerStep('prepend', (spec, path) => {
  const prefix = setting(spec, 'prepend', 'string', path);
  const align = (text: string): Aligned => {
    if (text.length === 0) return { text, origins: Int32Array.of(0) };
    const origins = new Int32Array(prefix.length + text.length + 1);
    for (let unit = 0; unit <= text.length; unit++) origins[prefix.length + unit] = unit;
    return { text: prefix + text, origins };
  };
  return { normalize: (text) => align(text).text, align };
});

const NONSPACING_MARK = /\p{Mn}/u;

/** CJK ideograph blocks that BERT surrounds with spaces, as in Google's original BERT tokenizer. */
const CJK_IDEOGRAPH = /[\u4e00-\u9fff\u3400-\u4dbf\u{20000}-\u{2a6df}\u{2a700}-\u{2b73f}\u{2b740}-\u{2b81f}\u{2b820}-\u{2ceaf}\uf900-\ufaff\u{2f800}-\u{2fa1f}]/u;
/** Characters BERT's clean-up drops: NUL, U+FFFD and the other (C) categories except tab, LF and CR. */
const BERT_DROPPED = /[\0\ufffd]|(?![\t\n\r])\p{C}/u;

registerNormalizerStep('bert', (spec, path) => {
  const cleanText = setting(spec, 'cleanText', 'boolean', path, true);
  const handleChineseChars = setting(spec, 'handleChineseChars', 'boolean', path, true);
  const lowercase = setting(spec, 'lowercase', 'boolean', path, true);
  const stripAccents = setting(spec, 'stripAccents', 'boolean', path, lowercase);
  const clean = (char: string): string => {
    if (!cleanText) return char;
    if (BERT_DROPPED.test(char)) return '';
    return WHITE_SPACE_CHARACTER.test(char) ? ' ' : char;
  };
  const pad = (char: string): string => (handleChineseChars && CJK_IDEOGRAPH.test(char) ? ` ${char} ` : char);
  const align = (text: string): Aligned => {
    // 1. Clean and pad each character.
    let aligned = mapCodePoints(text, (char) => pad(clean(char)));

    // 2. Strip accents: decompose, then drop the nonspacing marks (category Mn only, unlike StripAccents).
    if (stripAccents) {
      const decomposed = mapCodePoints(aligned.text, (char) => [...char.normalize('NFD')].filter((part) => !NONSPACING_MARK.test(part)).join(''));
      aligned = { text: decomposed.text, origins: compose(aligned.origins, decomposed.origins) };
    }

    // 3. Lower-case.
    if (lowercase) {
      const lowered = mapCodePoints(aligned.text, lowercaseChar);
      aligned = { text: lowered.text, origins: compose(aligned.origins, lowered.origins) };
    }
    return aligned;
  };
  return { normalize: (text) => align(text).text, align };
});

function compose(first: Int32Array, second: Int32Array): Int32Array {
  const composed = new Int32Array(second.length);
  for (let k = 0; k < second.length; k++) composed[k] = first[Math.min(second[k]!, first.length - 1)]!;
  return composed;
}
