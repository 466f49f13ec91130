// Hugging Face tokenizer.json components (normalizers, pre-tokenizers, decoders, the
// post-processor) for the vocabularies that writeHfTokenizer writes. A toksmith-trained
// vocabulary maps its normalizer and pre-tokenizer names to components that split text exactly
// as toksmith does. An imported vocabulary maps its stored pipeline steps back one by one.

import { ToksmithError } from '../../errors.js';
import type { NormalizerName } from '../../normalizers.js';
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN, WHITE_SPACE, type PreTokenizerSpec } from '../../pre-tokenizers.js';
import type { PatternSpec, PipelineSpec, StepSpec, TemplateItem } from '../../pipeline/spec.js';

/** One tokenizer.json component: `{ "type": ..., settings }`, or null where the slot is empty. */
export type HfComponent = { type: string; [setting: string]: unknown } | null;

const NORMALIZER_COMPONENTS: Record<Exclude<NormalizerName, 'lowercase-tr'>, HfComponent> = {
  none: null,
  nfc: { type: 'NFC' },
  nfkc: { type: 'NFKC' },
  lowercase: { type: 'Lowercase' },
};

/** Returns one component for a list: null for none, the component itself for one, else a Sequence. */
export function sequenceOf(kind: 'normalizers' | 'pretokenizers' | 'decoders', components: HfComponent[]): HfComponent {
  const present = components.filter((component) => component !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!;
  return { type: 'Sequence', [kind]: present };
}

/**
 * Returns the normalizer of a toksmith-trained vocabulary, with the metaspace prefix space as a
 * Prepend step. Prepend, like toksmith, adds the space only to non-empty text, including text
 * that already starts with a space, which the Metaspace pre-tokenizer would leave unprefixed.
 */
export function nativeNormalizer(name: NormalizerName, prefixSpace: boolean): HfComponent {
  if (name === 'lowercase-tr') {
    throw new ToksmithError("normalizer 'lowercase-tr' has no Hugging Face tokenizers equivalent (its Lowercase maps I to i, not ı)", {
      hint: 'retrain with --normalizer lowercase or none, or convert to .tok instead',
    });
  }
  const prefix: HfComponent = prefixSpace ? { type: 'Prepend', prepend: ' ' } : null;
  return sequenceOf('normalizers', [NORMALIZER_COMPONENTS[name], prefix]);
}

/**
 * Rewrites a JavaScript regular expression source (for the 'u' flag) in Oniguruma syntax, which
 * tokenizer.json patterns use: `\uXXXX`, `\u{X}` and `\xHH` become `\x{...}` code points,
 * because Oniguruma reads `\xHH` as one raw byte. Every other construct that toksmith's own
 * patterns use (classes, `\p{...}`, lookahead) reads the same in both.
 */
export function toOnigurumaSource(source: string): string {
  return source.replace(/\\(u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|[^])/g, (escape, _body, braced, four, two) => {
    const hex = (braced ?? four ?? two) as string | undefined;
    return hex === undefined ? escape : `\\x{${hex.toLowerCase()}}`;
  });
}

/** Word characters of toksmith's `whitespace` pre-tokenizer, which follows Hugging Face's Whitespace. */
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d';
const WHITESPACE_SOURCE = `[${WORD}]+|[^${WORD}${WHITE_SPACE}]+`;

function splitComponent(pattern: { String: string } | { Regex: string }, behavior: string, invert: boolean): HfComponent {
  return { type: 'Split', pattern, behavior, invert };
}

function byteLevelPreTokenizer(useRegex: boolean): HfComponent {
  return { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex };
}

/**
 * Returns the pre-tokenizer of a toksmith-trained vocabulary. Regex splitters are written with
 * toksmith's own patterns (White_Space for `\s`, contractions case-expanded), so Oniguruma cuts
 * text where toksmith does. Byte-level vocabularies end with ByteLevel, which maps bytes to
 * GPT-2's characters; for `gpt2` its built-in regex is the same GPT-2 pattern.
 */
export function nativePreTokenizer(spec: PreTokenizerSpec, byteLevel: boolean): HfComponent {
  let split: HfComponent = null;
  switch (spec.type) {
    case 'none':
    case 'chunks':
      break;
    case 'metaspace':
      // Every space starts a pre-token: "a  b" gives "a", " ", " b", as toksmith's metaspace does.
      split = splitComponent({ String: ' ' }, 'MergedWithNext', false);
      break;
    case 'whitespace':
      split = splitComponent({ Regex: toOnigurumaSource(WHITESPACE_SOURCE) }, 'Removed', true);
      break;
    case 'gpt2':
      if (byteLevel) return byteLevelPreTokenizer(true);
      split = splitComponent({ Regex: toOnigurumaSource(GPT2_PATTERN.source) }, 'Isolated', false);
      break;
    case 'cl100k':
      split = splitComponent({ Regex: toOnigurumaSource(CL100K_PATTERN.source) }, 'Isolated', false);
      break;
    case 'o200k':
      split = splitComponent({ Regex: toOnigurumaSource(O200K_PATTERN.source) }, 'Isolated', false);
      break;
    default:
      throw new ToksmithError(`pre-tokenizer '${String((spec as { type: unknown }).type)}' has no Hugging Face tokenizers equivalent`, {
        hint: 'convert to .tok instead',
      });
  }
  return sequenceOf('pretokenizers', [split, byteLevel ? byteLevelPreTokenizer(false) : null]);
}

/**
 * Returns the decoder of a toksmith-trained vocabulary. Decoders change no ids: they make
 * `decode` give back the text, and without one Hugging Face joins tokens with spaces.
 */
export function nativeDecoder(byteLevel: boolean, byteFallback: boolean, prefixSpace: boolean): HfComponent {
  // Strip works on each token, so it must follow a step that joins the tokens into one string.
  const strip: HfComponent = prefixSpace ? { type: 'Strip', content: ' ', start: 1, stop: 0 } : null;
  if (byteLevel) {
    return sequenceOf('decoders', [{ type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }, strip]);
  }
  return sequenceOf('decoders', [byteFallback ? { type: 'ByteFallback' } : null, { type: 'Fuse' }, strip]);
}

/** tokenizer.json type names of pipeline steps whose name is not the step type in PascalCase. */
const STEP_TYPE_NAMES: Record<string, Record<string, string>> = {
  normalizer: { nfc: 'NFC', nfd: 'NFD', nfkc: 'NFKC', nfkd: 'NFKD', bert: 'BertNormalizer' },
  'pre-tokenizer': { bert: 'BertPreTokenizer' },
  decoder: {},
};

/**
 * Steps that no Hugging Face component reproduces exactly: SentencePiece's whitespace rules (its
 * squeezing and dummy prefix differ from HF's Strip, Replace and Metaspace on some text) and
 * spm_decode's output.
 */
const NO_HF_EQUIVALENT = new Map([
  ['spm-whitespace', "SentencePiece's whitespace rules"],
  ['spm', "SentencePiece's decoder"],
]);

/** tokenizer.json setting names that are not the step setting in snake_case. */
const SETTING_NAMES: Record<string, Record<string, string>> = {
  Strip: { left: 'strip_left', right: 'strip_right' },
};

/** Fixed settings that tokenizer.json requires and toksmith does not store. */
const REQUIRED_SETTINGS: Record<string, Record<string, unknown>> = {
  ByteLevel: { add_prefix_space: false, trim_offsets: true, use_regex: true },
};

function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase());
}

function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Converts a stored pattern back to tokenizer.json's `{String}` or `{Regex}` form. */
function patternComponent(pattern: PatternSpec): { String: string } | { Regex: string } {
  return 'string' in pattern ? { String: pattern.string } : { Regex: toOnigurumaSource(pattern.regex) };
}

/**
 * Converts one stored pipeline step back to its tokenizer.json component: the type in PascalCase
 * (or its fixed name), settings in snake_case, patterns as `{String}`/`{Regex}` and split
 * behaviours in PascalCase. The step files in src/pipeline define the stored names.
 */
export function stepComponent(role: 'normalizer' | 'pre-tokenizer' | 'decoder', step: StepSpec): HfComponent {
  if (role === 'decoder' && step.type === 'join-with-spaces') return null;
  if (NO_HF_EQUIVALENT.has(step.type)) {
    throw new ToksmithError(`the ${role} step '${step.type}' of this vocabulary (${NO_HF_EQUIVALENT.get(step.type)}) has no tokenizer.json equivalent`, {
      hint: 'convert it to another format',
    });
  }
  if (step.type === 'precompiled') {
    const protectedPieces = step['protected'];
    if (Array.isArray(protectedPieces) && protectedPieces.length > 0) {
      throw new ToksmithError(`the precompiled normalizer of this vocabulary keeps user-defined symbols unnormalized, which tokenizer.json cannot express`, {
        hint: 'convert it to another format',
      });
    }
    return { type: 'Precompiled', precompiled_charsmap: Buffer.from(step['charsmap'] as Uint8Array).toString('base64') };
  }
  const type = STEP_TYPE_NAMES[role]![step.type] ?? pascalCase(step.type);
  const component: { type: string; [setting: string]: unknown } = { type, ...REQUIRED_SETTINGS[type] };
  for (const [name, value] of Object.entries(step)) {
    if (name === 'type') continue;
    const key = SETTING_NAMES[type]?.[name] ?? snakeCase(name);
    if (name === 'pattern') component[key] = patternComponent(value as PatternSpec);
    else if (name === 'behavior' && typeof value === 'string') component[key] = pascalCase(value);
    else component[key] = value;
  }
  return component;
}

/** Returns the components of an imported pipeline's steps. */
export function pipelineComponents(pipeline: PipelineSpec): { normalizer: HfComponent; preTokenizer: HfComponent; decoder: HfComponent } {
  return {
    normalizer: sequenceOf('normalizers', pipeline.normalizers.map((step) => stepComponent('normalizer', step))),
    preTokenizer: sequenceOf('pretokenizers', pipeline.preTokenizers.map((step) => stepComponent('pre-tokenizer', step))),
    decoder: sequenceOf('decoders', pipeline.decoders.map((step) => stepComponent('decoder', step))),
  };
}

/**
 * Returns a TemplateProcessing post-processor for a template of fixed ids around the text.
 * Hugging Face also needs a template for pairs: it repeats the single template for the second
 * text with type id 1, as Llama 3's tokenizer.json does.
 */
export function templateProcessor(template: readonly TemplateItem[], contentOf: (id: number) => string): HfComponent {
  const items = (sequenceId: 'A' | 'B', typeId: number): unknown[] =>
    template.map((item) => ('id' in item ? { SpecialToken: { id: contentOf(item.id), type_id: typeId } } : { Sequence: { id: sequenceId, type_id: typeId } }));
  const specialTokens: Record<string, { id: string; ids: number[]; tokens: string[] }> = Object.create(null);
  for (const item of template) {
    if (!('id' in item)) continue;
    const content = contentOf(item.id);
    specialTokens[content] = { id: content, ids: [item.id], tokens: [content] };
  }
  return { type: 'TemplateProcessing', single: items('A', 0), pair: [...items('A', 0), ...items('B', 1)], special_tokens: specialTokens };
}
