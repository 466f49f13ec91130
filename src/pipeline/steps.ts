// Runtime interfaces of pipeline steps and the registries that build them from stored settings.
// Each step kind follows the Hugging Face tokenizers component of the same role: a normalizer
// rewrites the text, a pre-tokenizer cuts it into splits that the model never crosses, and a
// decoder turns token strings back into text. Step implementations live in the *-steps.ts files.

import { ToksmithError } from '../errors.js';
import type { StepSpec } from './spec.js';

/** Rewrites text before pre-tokenization. */
export interface NormalizerStep {
  normalize(text: string): string;
  /**
   * Normalizes and returns, for each UTF-16 unit of the result and one past its end, the unit
   * of `text` it came from. Without it, offsets are exact only when the step is `local`.
   */
  align?(text: string): { text: string; origins: Int32Array };
  /** True when normalizing each character with its combining marks alone gives the same text. */
  readonly local?: boolean;
}

/**
 * A pre-token. `text` is `inserted` new units (such as a prefix space or ▁) followed by a
 * unit-for-unit rewrite of the normalized text from `start` on. So every unit after the
 * inserted ones maps back to exactly one unit of the normalized text.
 */
export interface Split {
  text: string;
  start: number;
  inserted: number;
}

/** Position of the text being pre-tokenized within the input. */
export interface PreTokenizeContext {
  /** False for text that follows an added token, which Metaspace's `first` scheme leaves unprefixed. */
  atInputStart: boolean;
}

/** Cuts splits further or rewrites them, keeping the `Split` contract. */
export interface PreTokenizerStep {
  split(splits: Split[], context: PreTokenizeContext): Split[];
}

/** Returns units [from, to) of `split.text` as a split of its own. */
export function subSplit(split: Split, from: number, to: number): Split {
  return {
    text: split.text.slice(from, to),
    start: split.start + Math.max(0, from - split.inserted),
    inserted: Math.max(0, Math.min(to, split.inserted) - from),
  };
}

/** Turns the token strings of a decode into other strings, as a Hugging Face decoder does. */
export interface DecoderStep {
  decode(tokens: string[]): string[];
}

/** Builds a step from settings. `path` names the settings in error messages, such as `normalizer[1]`. */
export type StepFactory<Step> = (spec: StepSpec, path: string) => Step;

const normalizerFactories = new Map<string, StepFactory<NormalizerStep>>();
const preTokenizerFactories = new Map<string, StepFactory<PreTokenizerStep>>();
const decoderFactories = new Map<string, StepFactory<DecoderStep>>();

export function registerNormalizerStep(type: string, factory: StepFactory<NormalizerStep>): void {
  normalizerFactories.set(type, factory);
}

export function registerPreTokenizerStep(type: string, factory: StepFactory<PreTokenizerStep>): void {
  preTokenizerFactories.set(type, factory);
}

export function registerDecoderStep(type: string, factory: StepFactory<DecoderStep>): void {
  decoderFactories.set(type, factory);
}

function build<Step>(factories: Map<string, StepFactory<Step>>, role: string, spec: StepSpec, path: string): Step {
  const factory = factories.get(spec.type);
  if (factory === undefined) {
    throw new ToksmithError(`${path}: unsupported ${role} step '${spec.type}'`, {
      hint: `toksmith supports ${[...factories.keys()].sort().join(', ')}`,
    });
  }
  return factory(spec, path);
}

export function createNormalizerStep(spec: StepSpec, path: string): NormalizerStep {
  return build(normalizerFactories, 'normalizer', spec, path);
}

export function createPreTokenizerStep(spec: StepSpec, path: string): PreTokenizerStep {
  return build(preTokenizerFactories, 'pre-tokenizer', spec, path);
}

export function createDecoderStep(spec: StepSpec, path: string): DecoderStep {
  return build(decoderFactories, 'decoder', spec, path);
}

/** Escapes `text` for use as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Reads a setting of an expected type, or throws a one-line error naming its path. */
export function setting<T extends 'string' | 'number' | 'boolean'>(
  spec: StepSpec,
  name: string,
  type: T,
  path: string,
  fallback?: T extends 'string' ? string : T extends 'number' ? number : boolean,
): T extends 'string' ? string : T extends 'number' ? number : boolean {
  const value = spec[name];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== type) {
    throw new ToksmithError(`${path}.${name}: expected a ${type}, found ${value === undefined ? 'nothing' : JSON.stringify(value)}`, {
      hint: 'fix the tokenizer file',
    });
  }
  return value as T extends 'string' ? string : T extends 'number' ? number : boolean;
}
