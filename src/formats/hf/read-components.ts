// Converts the components of a Hugging Face tokenizer.json (normalizer, pre-tokenizer, decoder,
// post-processor) into toksmith pipeline steps, flattening Sequence components. Field names
// follow the serialization of Hugging Face tokenizers 0.19-0.23. Building the vocabulary from
// the model lives in read.ts; the steps themselves live in src/pipeline.

import { ToksmithError } from '../../errors.js';
import type { PatternSpec, StepSpec, TemplateItem } from '../../pipeline/spec.js';
import { createDecoderStep, createNormalizerStep, createPreTokenizerStep } from '../../pipeline/steps.js';
import '../../pipeline/normalizer-steps.js';
import '../../pipeline/pre-tokenizer-steps.js';
import '../../pipeline/decoder-steps.js';
import { RegexTranslationError, translateOnigurumaRegex } from './regex.js';

/** A parsed JSON object. */
export type JsonObject = { [key: string]: unknown };

/** Reports errors as `FILE: JSON.PATH: message`. */
export class JsonLocation {
  constructor(readonly file: string) {}

  fail(path: string, message: string, hint = 'fix the tokenizer file'): never {
    throw new ToksmithError(`${this.file}: ${path}: ${message}`, { hint });
  }

  object(value: unknown, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `expected an object, found ${describe(value)}`);
    return value as JsonObject;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, found ${describe(value)}`);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, `expected a string, found ${describe(value)}`);
    return value;
  }

  /** Reads a boolean setting; a missing or null one gives `fallback`. */
  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, found ${describe(value)}`);
    return value;
  }

  /** Builds the runtime step of `spec` once, so that invalid settings fail here with the file name. */
  check(create: (spec: StepSpec, path: string) => unknown, spec: StepSpec, path: string): void {
    try {
      create(spec, path);
    } catch (error) {
      if (!(error instanceof ToksmithError)) throw error;
      throw new ToksmithError(`${this.file}: ${error.message}`, { hint: error.hint, cause: error });
    }
  }

  /** Reads a non-negative integer. */
  integer(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(path, `expected a non-negative integer, found ${describe(value)}`);
    return value;
  }
}

/** Shortens a JSON value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const SUPPORTED = {
  normalizer: 'NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, BertNormalizer, Precompiled, Sequence',
  preTokenizer: 'ByteLevel, Metaspace, Split, Whitespace, WhitespaceSplit, Digits, Punctuation, BertPreTokenizer, CharDelimiterSplit, Sequence',
  decoder: 'ByteLevel, Metaspace, WordPiece, ByteFallback, Fuse, Strip, Replace, Sequence',
  postProcessor: 'TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence',
};

/** Split behaviours of tokenizer.json, by their stored toksmith names. */
const BEHAVIORS: Record<string, string> = {
  Removed: 'removed',
  Isolated: 'isolated',
  MergedWithPrevious: 'merged-with-previous',
  MergedWithNext: 'merged-with-next',
  Contiguous: 'contiguous',
};

/** Converts a `{String}` or `{Regex}` pattern, translating a regex to JavaScript syntax. */
export function readPattern(json: JsonLocation, value: unknown, path: string): PatternSpec {
  const pattern = json.object(value, path);
  if (typeof pattern['String'] === 'string') return { string: pattern['String'] };
  if (typeof pattern['Regex'] === 'string') {
    try {
      return { regex: translateOnigurumaRegex(pattern['Regex']) };
    } catch (error) {
      if (!(error instanceof RegexTranslationError)) throw error;
      json.fail(`${path}.Regex`, error.message, 'rewrite the pattern without it, or split with a different pre-tokenizer');
    }
  }
  return json.fail(path, `expected {"String": ...} or {"Regex": ...}, found ${describe(value)}`);
}

function readBehavior(json: JsonLocation, value: unknown, path: string, fallback: string): string {
  if (value === undefined || value === null) return BEHAVIORS[fallback]!;
  const behavior = BEHAVIORS[json.string(value, path)];
  if (behavior === undefined) json.fail(path, `unsupported split behavior ${describe(value)}`, `use one of: ${Object.keys(BEHAVIORS).join(', ')}`);
  return behavior;
}

function unsupported(json: JsonLocation, role: keyof typeof SUPPORTED, type: unknown, path: string): never {
  return json.fail(`${path}.type`, `unsupported ${role === 'preTokenizer' ? 'pre-tokenizer' : role === 'postProcessor' ? 'post-processor' : role} '${String(type)}'`, `toksmith reads ${SUPPORTED[role]}`);
}

/** Converts the `normalizer` component to steps. */
export function readNormalizers(json: JsonLocation, value: unknown, path: string, out: StepSpec[] = []): StepSpec[] {
  if (value === null || value === undefined) return out;
  const component = json.object(value, path);
  const type = component['type'];
  const before = out.length;
  switch (type) {
    case 'Sequence': {
      const items = json.array(component['normalizers'], `${path}.normalizers`);
      items.forEach((item, k) => readNormalizers(json, item, `${path}.normalizers[${k}]`, out));
      break;
    }
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      out.push({ type: type.toLowerCase() });
      break;
    case 'Lowercase':
      out.push({ type: 'lowercase' });
      break;
    case 'Strip':
      out.push({
        type: 'strip',
        left: json.boolean(component['strip_left'], `${path}.strip_left`, true),
        right: json.boolean(component['strip_right'], `${path}.strip_right`, true),
      });
      break;
    case 'StripAccents':
      out.push({ type: 'strip-accents' });
      break;
    case 'Replace':
      out.push({ type: 'replace', pattern: readPattern(json, component['pattern'], `${path}.pattern`), content: json.string(component['content'], `${path}.content`) });
      break;
    case 'Prepend':
      out.push({ type: 'prepend', prepend: json.string(component['prepend'], `${path}.prepend`) });
      break;
    case 'BertNormalizer': {
      const lowercase = json.boolean(component['lowercase'], `${path}.lowercase`, true);
      out.push({
        type: 'bert',
        cleanText: json.boolean(component['clean_text'], `${path}.clean_text`, true),
        handleChineseChars: json.boolean(component['handle_chinese_chars'], `${path}.handle_chinese_chars`, true),
        // A null strip_accents follows `lowercase`, as in Hugging Face tokenizers.
        stripAccents: json.boolean(component['strip_accents'], `${path}.strip_accents`, lowercase),
        lowercase,
      });
      break;
    }
    case 'Precompiled': {
      const blob = component['precompiled_charsmap'];
      // An empty or missing map leaves the text unchanged.
      if (blob === null || blob === undefined || blob === '') break;
      const charsmap = Buffer.from(json.string(blob, `${path}.precompiled_charsmap`), 'base64');
      out.push({ type: 'precompiled', charsmap: new Uint8Array(charsmap.buffer, charsmap.byteOffset, charsmap.length) });
      break;
    }
    default:
      unsupported(json, 'normalizer', type, path);
  }
  if (type !== 'Sequence') for (let k = before; k < out.length; k++) json.check(createNormalizerStep, out[k]!, path);
  return out;
}

/** Converts the `pre_tokenizer` component to steps. */
export function readPreTokenizers(json: JsonLocation, value: unknown, path: string, out: StepSpec[] = []): StepSpec[] {
  if (value === null || value === undefined) return out;
  const component = json.object(value, path);
  const type = component['type'];
  const before = out.length;
  switch (type) {
    case 'Sequence': {
      const items = json.array(component['pretokenizers'], `${path}.pretokenizers`);
      items.forEach((item, k) => readPreTokenizers(json, item, `${path}.pretokenizers[${k}]`, out));
      break;
    }
    case 'ByteLevel':
      out.push({
        type: 'byte-level',
        addPrefixSpace: json.boolean(component['add_prefix_space'], `${path}.add_prefix_space`, true),
        useRegex: json.boolean(component['use_regex'], `${path}.use_regex`, true),
      });
      break;
    case 'Metaspace':
      out.push({ type: 'metaspace', ...readMetaspace(json, component, path), split: json.boolean(component['split'], `${path}.split`, true) });
      break;
    case 'Split':
      out.push({
        type: 'split',
        pattern: readPattern(json, component['pattern'], `${path}.pattern`),
        behavior: readBehavior(json, component['behavior'], `${path}.behavior`, 'Isolated'),
        invert: json.boolean(component['invert'], `${path}.invert`, false),
      });
      break;
    case 'CharDelimiterSplit':
      out.push({ type: 'split', pattern: { string: json.string(component['delimiter'], `${path}.delimiter`) }, behavior: 'removed', invert: false });
      break;
    case 'Whitespace':
      out.push({ type: 'whitespace' });
      break;
    case 'WhitespaceSplit':
      out.push({ type: 'whitespace-split' });
      break;
    case 'Digits':
      out.push({ type: 'digits', individualDigits: json.boolean(component['individual_digits'], `${path}.individual_digits`, false) });
      break;
    case 'Punctuation':
      out.push({ type: 'punctuation', behavior: readBehavior(json, component['behavior'], `${path}.behavior`, 'Isolated') });
      break;
    case 'BertPreTokenizer':
      out.push({ type: 'bert' });
      break;
    default:
      unsupported(json, 'preTokenizer', type, path);
  }
  if (type !== 'Sequence') for (let k = before; k < out.length; k++) json.check(createPreTokenizerStep, out[k]!, path);
  return out;
}

/** Reads Metaspace settings: `prepend_scheme`, or the older `add_prefix_space` flag. */
function readMetaspace(json: JsonLocation, component: JsonObject, path: string): { replacement: string; prependScheme: string } {
  const replacement = json.string(component['replacement'] ?? component['str_rep'] ?? '\u2581', `${path}.replacement`);
  if ([...replacement].length !== 1) json.fail(`${path}.replacement`, `expected one character, found ${describe(replacement)}`);
  let prependScheme: string;
  if (component['prepend_scheme'] !== undefined && component['prepend_scheme'] !== null) {
    prependScheme = json.string(component['prepend_scheme'], `${path}.prepend_scheme`);
    if (!['always', 'first', 'never'].includes(prependScheme)) {
      json.fail(`${path}.prepend_scheme`, `unsupported value ${describe(prependScheme)}`, 'use always, first or never');
    }
  } else {
    prependScheme = json.boolean(component['add_prefix_space'], `${path}.add_prefix_space`, true) ? 'always' : 'never';
  }
  return { replacement, prependScheme };
}

/**
 * Converts the `decoder` component to steps. Without a decoder Hugging Face joins the token
 * strings with spaces, which the `join-with-spaces` step reproduces.
 */
export function readDecoders(json: JsonLocation, value: unknown, path: string): StepSpec[] {
  if (value === null || value === undefined) return [{ type: 'join-with-spaces' }];
  return readDecoderSteps(json, value, path, []);
}

function readDecoderSteps(json: JsonLocation, value: unknown, path: string, out: StepSpec[]): StepSpec[] {
  const component = json.object(value, path);
  const type = component['type'];
  const before = out.length;
  switch (type) {
    case 'Sequence': {
      const items = json.array(component['decoders'], `${path}.decoders`);
      items.forEach((item, k) => readDecoderSteps(json, item, `${path}.decoders[${k}]`, out));
      break;
    }
    case 'ByteLevel':
      out.push({ type: 'byte-level' });
      break;
    case 'Metaspace':
      out.push({ type: 'metaspace', ...readMetaspace(json, component, path) });
      break;
    case 'WordPiece':
      out.push({
        type: 'word-piece',
        prefix: json.string(component['prefix'] ?? '##', `${path}.prefix`),
        cleanup: json.boolean(component['cleanup'], `${path}.cleanup`, true),
      });
      break;
    case 'ByteFallback':
      out.push({ type: 'byte-fallback' });
      break;
    case 'Fuse':
      out.push({ type: 'fuse' });
      break;
    case 'Strip':
      out.push({
        type: 'strip',
        content: json.string(component['content'], `${path}.content`),
        start: json.integer(component['start'] ?? 0, `${path}.start`),
        stop: json.integer(component['stop'] ?? 0, `${path}.stop`),
      });
      break;
    case 'Replace':
      out.push({ type: 'replace', pattern: readPattern(json, component['pattern'], `${path}.pattern`), content: json.string(component['content'], `${path}.content`) });
      break;
    default:
      unsupported(json, 'decoder', type, path);
  }
  if (type !== 'Sequence') for (let k = before; k < out.length; k++) json.check(createDecoderStep, out[k]!, path);
  return out;
}

/** Converts the `post_processor` component to the template of one encoded text; undefined when it adds no ids. */
export function readTemplate(json: JsonLocation, value: unknown, path: string): TemplateItem[] | undefined {
  if (value === null || value === undefined) return undefined;
  const component = json.object(value, path);
  const type = component['type'];
  switch (type) {
    case 'TemplateProcessing': {
      const specials = json.object(component['special_tokens'] ?? {}, `${path}.special_tokens`);
      const items = json.array(component['single'], `${path}.single`);
      const template: TemplateItem[] = [];
      items.forEach((item, k) => {
        const itemPath = `${path}.single[${k}]`;
        const piece = json.object(item, itemPath);
        if (piece['Sequence'] !== undefined) {
          template.push({ sequence: true });
          return;
        }
        const special = json.object(piece['SpecialToken'], `${itemPath}.SpecialToken`);
        const name = json.string(special['id'], `${itemPath}.SpecialToken.id`);
        const entry = specials[name];
        if (entry === undefined) json.fail(`${itemPath}.SpecialToken.id`, `'${name}' is not in ${path}.special_tokens`);
        const ids = json.array(json.object(entry, `${path}.special_tokens.${name}`)['ids'], `${path}.special_tokens.${name}.ids`);
        ids.forEach((id, i) => template.push({ id: json.integer(id, `${path}.special_tokens.${name}.ids[${i}]`) }));
      });
      return template;
    }
    case 'BertProcessing':
    case 'RobertaProcessing': {
      const tokenId = (name: 'cls' | 'sep'): number => {
        const pair = json.array(component[name], `${path}.${name}`);
        return json.integer(pair[1], `${path}.${name}[1]`);
      };
      return [{ id: tokenId('cls') }, { sequence: true }, { id: tokenId('sep') }];
    }
    case 'ByteLevel':
      return undefined;
    case 'Sequence': {
      // Each processor wraps the output of the one before it.
      let template: TemplateItem[] = [{ sequence: true }];
      const items = json.array(component['processors'], `${path}.processors`);
      items.forEach((item, k) => {
        const outer = readTemplate(json, item, `${path}.processors[${k}]`);
        if (outer !== undefined) template = outer.flatMap((entry) => ('sequence' in entry ? template : [entry]));
      });
      return template.length === 1 && 'sequence' in template[0]! ? undefined : template;
    }
    default:
      return unsupported(json, 'postProcessor', type, path);
  }
}
