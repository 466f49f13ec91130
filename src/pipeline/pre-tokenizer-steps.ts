// Pre-tokenizer steps, named after Hugging Face tokenizers' pre-tokenizers: Split with its five
// behaviours, ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Digits, Punctuation and
// BertPreTokenizer. Pieces of byte-level vocabularies are stored as raw bytes,
// so ByteLevel needs no byte-to-character mapping here: it only adds the prefix space and splits.

import { ToksmithError } from '../errors.js';
import { GPT2_PATTERN, WHITE_SPACE } from '../pre-tokenizers.js';
import type { PatternSpec, StepSpec } from './spec.js';
import { escapeRegExp, registerPreTokenizerStep, setting, subSplit, type Split } from './steps.js';

export const SPLIT_BEHAVIORS = ['removed', 'isolated', 'merged-with-previous', 'merged-with-next', 'contiguous'] as const;
export type SplitBehavior = (typeof SPLIT_BEHAVIORS)[number];

/** Compiles a stored pattern into a global regular expression. */
export function compilePattern(pattern: PatternSpec, path: string): RegExp {
  if ('string' in pattern) return new RegExp(escapeRegExp(pattern.string), 'gu');
  try {
    return new RegExp(pattern.regex, 'gu');
  } catch (error) {
    throw new ToksmithError(`${path}: invalid regular expression: ${(error as Error).message}`, { hint: 'fix the pattern', cause: error });
  }
}

/**
 * Cuts `split` at the matches of `pattern` with a Hugging Face split behaviour. With `invert`,
 * the matches are the pieces to keep and the text between them is the delimiter.
 */
export function splitByPattern(split: Split, pattern: RegExp, behavior: SplitBehavior, invert: boolean, out: Split[]): void {
  // 1. Mark [start, end, isDelimiter] runs that cover the whole text.
  const text = split.text;
  const runs: number[] = [];
  let previous = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const end = match.index + match[0].length;
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (match.index > previous) runs.push(previous, match.index, invert ? 1 : 0);
    runs.push(match.index, end, invert ? 0 : 1);
    previous = end;
  }
  if (previous < text.length) runs.push(previous, text.length, invert ? 1 : 0);

  // 2. Join or drop the delimiters as the behaviour requires. `pending` is the start of a run
  // waiting to be joined to what follows, or -1.
  let pending = -1;
  for (let r = 0; r < runs.length; r += 3) {
    const start = runs[r]!;
    const end = runs[r + 1]!;
    const isDelimiter = runs[r + 2] === 1;
    const nextIsDelimiter = r + 3 < runs.length && runs[r + 5] === 1;
    if (behavior === 'removed') {
      if (!isDelimiter) out.push(subSplit(split, start, end));
    } else if (behavior === 'isolated') {
      out.push(subSplit(split, start, end));
    } else if (behavior === 'contiguous') {
      // Adjacent delimiters become one split.
      if (isDelimiter && nextIsDelimiter) {
        if (pending < 0) pending = start;
      } else {
        out.push(subSplit(split, pending >= 0 ? pending : start, end));
        pending = -1;
      }
    } else if (behavior === 'merged-with-previous') {
      // A delimiter joins the text run just before it. A delimiter after a delimiter becomes a
      // split of its own.
      if (isDelimiter && pending >= 0) out[out.length - 1] = subSplit(split, pending, end);
      else out.push(subSplit(split, start, end));
      pending = isDelimiter ? -1 : start;
    } else {
      // merged-with-next: a delimiter joins the text run just after it.
      if (pending >= 0) {
        if (isDelimiter) out.push(subSplit(split, pending, start));
        else {
          out.push(subSplit(split, pending, end));
          pending = -1;
          continue;
        }
      }
      if (isDelimiter) pending = start;
      else out.push(subSplit(split, start, end));
    }
  }
  if (pending >= 0 && behavior === 'merged-with-next') out.push(subSplit(split, pending, text.length));
}

function readBehavior(spec: StepSpec, path: string): SplitBehavior {
  const behavior = setting(spec, 'behavior', 'string', path);
  if (!(SPLIT_BEHAVIORS as readonly string[]).includes(behavior)) {
    throw new ToksmithError(`${path}.behavior: unsupported split behaviour '${behavior}'`, { hint: `use one of: ${SPLIT_BEHAVIORS.join(', ')}` });
  }
  return behavior as SplitBehavior;
}

registerPreTokenizerStep('split', (spec, path) => {
  const pattern = compilePattern(spec['pattern'] as PatternSpec, `${path}.pattern`);
  const behavior = readBehavior(spec, path);
  const invert = setting(spec, 'invert', 'boolean', path, false);
  return {
    split(splits) {
      const out: Split[] = [];
      for (const split of splits) splitByPattern(split, pattern, behavior, invert, out);
      return out;
    },
  };
});

registerPreTokenizerStep('byte-level', (spec, path) => {
  const addPrefixSpace = setting(spec, 'addPrefixSpace', 'boolean', path, false);
  const useRegex = setting(spec, 'useRegex', 'boolean', path, true);
  const pattern = new RegExp(GPT2_PATTERN.source, 'gu');
  return {
    split(splits) {
      const out: Split[] = [];
      for (const original of splits) {
        const split = addPrefixSpace && !original.text.startsWith(' ')
          ? { text: ' ' + original.text, start: original.start, inserted: original.inserted + 1 }
          : original;
        if (useRegex) splitByPattern(split, pattern, 'isolated', false, out);
        else out.push(split);
      }
      return out;
    },
  };
});

registerPreTokenizerStep('metaspace', (spec, path) => {
  const replacement = setting(spec, 'replacement', 'string', path, '\u2581');
  const prependScheme = setting(spec, 'prependScheme', 'string', path, 'always');
  const splitWords = setting(spec, 'split', 'boolean', path, true);
  if (!['always', 'first', 'never'].includes(prependScheme)) {
    throw new ToksmithError(`${path}.prepend_scheme: unsupported value '${prependScheme}'`, { hint: 'use always, first or never' });
  }
  const replacementPattern = compilePattern({ string: replacement }, path);
  return {
    split(splits, context) {
      const out: Split[] = [];
      for (let k = 0; k < splits.length; k++) {
        const original = splits[k]!;
        let split: Split = { ...original, text: original.text.replaceAll(' ', replacement) };
        const prepend = prependScheme === 'always' || (prependScheme === 'first' && context.atInputStart && original.start === 0 && original.inserted === 0);
        if (prepend && !split.text.startsWith(replacement)) {
          split = { text: replacement + split.text, start: split.start, inserted: split.inserted + replacement.length };
        }
        if (splitWords) splitByPattern(split, replacementPattern, 'merged-with-next', false, out);
        else out.push(split);
      }
      return out;
    },
  };
});

/** Word characters as Oniguruma's Unicode `\w` defines them, which Hugging Face's Whitespace uses. */
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d';

/** Registers a pre-tokenizer that applies one fixed pattern with one behaviour to every split. */
function registerPatternStep(type: string, pattern: RegExp, behavior: SplitBehavior, invert: boolean): void {
  registerPreTokenizerStep(type, () => ({
    split(splits) {
      const out: Split[] = [];
      for (const split of splits) splitByPattern(split, pattern, behavior, invert, out);
      return out;
    },
  }));
}

// Whitespace keeps runs of word characters and runs of other non-space characters.
registerPatternStep('whitespace', new RegExp(`[${WORD}]+|[^${WORD}${WHITE_SPACE}]+`, 'gu'), 'removed', true);
registerPatternStep('whitespace-split', new RegExp(`[${WHITE_SPACE}]+`, 'gu'), 'removed', false);

// Rust's char::is_numeric, which Digits uses, is general category N.
registerPreTokenizerStep('digits', (spec, path) => {
  const individual = setting(spec, 'individualDigits', 'boolean', path, false);
  const pattern = individual ? /\p{N}/gu : /\p{N}+/gu;
  return {
    split(splits) {
      const out: Split[] = [];
      for (const split of splits) splitByPattern(split, pattern, 'isolated', false, out);
      return out;
    },
  };
});

/** ASCII punctuation (Rust's is_ascii_punctuation, symbols included) and Unicode category P. */
const PUNCTUATION = /[!-/:-@[-`{-~\p{P}]/gu;

registerPreTokenizerStep('punctuation', (spec, path) => {
  const behavior = readBehavior(spec, path);
  return {
    split(splits) {
      const out: Split[] = [];
      for (const split of splits) splitByPattern(split, PUNCTUATION, behavior, false, out);
      return out;
    },
  };
});

// BertPreTokenizer: split on white space, then isolate each punctuation character.
const BERT_WHITE_SPACE = new RegExp(`[${WHITE_SPACE}]+`, 'gu');
registerPreTokenizerStep('bert', () => ({
  split(splits) {
    const words: Split[] = [];
    for (const split of splits) splitByPattern(split, BERT_WHITE_SPACE, 'removed', false, words);
    const out: Split[] = [];
    for (const word of words) splitByPattern(word, PUNCTUATION, 'isolated', false, out);
    return out;
  },
}));
