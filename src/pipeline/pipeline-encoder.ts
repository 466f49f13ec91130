// Applies an imported pipeline to plain text (text between added tokens): the normalizer chain,
// then the pre-tokenizer chain, then the vocabulary's segmenter on each split's UTF-8 bytes.
// Offsets map back through each split's start, the normalizer alignment, and UTF-16 to bytes.

import { normalizeWithAlignment, type Alignment } from '../normalizers.js';
import { TokenSink, type Segmenter } from '../segment/types.js';
import { byteToUnitTable, utf8Encoder } from '../utf8.js';
import type { PipelineSpec } from './spec.js';
import {
  createNormalizerStep,
  createPreTokenizerStep,
  type NormalizerStep,
  type PreTokenizeContext,
  type PreTokenizerStep,
  type Split,
} from './steps.js';
import './normalizer-steps.js';
import './pre-tokenizer-steps.js';
import './decoder-steps.js';
import './precompiled.js';
import '../formats/spm/steps.js';

/** Encoded plain text: ids, and flat [start, end) pairs of UTF-16 indices of the input when requested. */
export interface PipelineEncoding {
  ids: number[];
  unitOffsets?: number[];
}

export class PipelineEncoder {
  private readonly normalizers: NormalizerStep[];
  private readonly preTokenizers: PreTokenizerStep[];
  private buffer = new Uint8Array(1024);
  private readonly sink = new TokenSink();

  constructor(
    spec: PipelineSpec,
    private readonly segment: Segmenter,
  ) {
    this.normalizers = spec.normalizers.map((step, k) => createNormalizerStep(step, `normalizer[${k}]`));
    this.preTokenizers = spec.preTokenizers.map((step, k) => createPreTokenizerStep(step, `pre_tokenizer[${k}]`));
  }

  /** Runs the normalizer chain; with `withOrigins`, also maps each unit of the result to a unit of `text`. */
  normalize(text: string, withOrigins: boolean): { text: string; origins?: Int32Array } {
    let current = text;
    let origins: Int32Array | undefined;
    for (const step of this.normalizers) {
      if (!withOrigins) {
        current = step.normalize(current);
        continue;
      }
      const aligned = alignStep(step, current);
      origins = origins === undefined ? aligned.origins : compose(origins, aligned.origins);
      current = aligned.text;
    }
    return { text: current, origins };
  }

  /** Runs the pre-tokenizer chain over normalized text. */
  preTokenize(normalized: string, context: PreTokenizeContext): Split[] {
    let splits: Split[] = normalized.length === 0 ? [] : [{ text: normalized, start: 0, inserted: 0 }];
    for (const step of this.preTokenizers) splits = step.split(splits, context);
    return splits;
  }

  /** Encodes plain text (no added tokens in it); `atInputStart` is false after an added token. */
  encode(text: string, withOffsets: boolean, atInputStart = true): PipelineEncoding {
    const normalized = this.normalize(text, withOffsets);
    const splits = this.preTokenize(normalized.text, { atInputStart });
    const sink = this.sink;
    sink.reset(withOffsets);
    const unitOffsets: number[] | undefined = withOffsets ? [] : undefined;
    for (const split of splits) {
      if (split.text.length === 0) continue;
      if (this.buffer.length < split.text.length * 3) this.buffer = new Uint8Array(split.text.length * 3 + 64);
      const byteLength = utf8Encoder.encodeInto(split.text, this.buffer).written;
      const before = sink.ids.length;
      this.segment(this.buffer, 0, byteLength, sink);
      if (unitOffsets !== undefined) {
        const units = byteToUnitTable(split.text);
        for (let k = before; k < sink.ids.length; k++) {
          const start = toOriginal(split, units[sink.starts[k]!]!, normalized.origins, text.length, false);
          const end = toOriginal(split, units[sink.ends[k]!]!, normalized.origins, text.length, true);
          unitOffsets.push(start, Math.max(start, end));
        }
      }
    }
    return { ids: sink.ids, unitOffsets };
  }
}

/** Maps a UTF-16 index inside a split's text to an index of the original text. */
function toOriginal(split: Split, unit: number, origins: Int32Array | undefined, originalLength: number, isEnd: boolean): number {
  const normalizedUnit = split.start + Math.max(0, unit - split.inserted);
  if (origins === undefined) return Math.min(normalizedUnit, originalLength);
  const index = Math.min(normalizedUnit, origins.length - 1);
  // An end maps to the end of the unit before it, so a token never stops short of its last character.
  if (isEnd && index > 0 && unit > split.inserted) return Math.min(origins[index - 1]! + 1, originalLength);
  return origins[index]!;
}

/**
 * Aligns one step: its own alignment, the per-cluster alignment of the built-in normalizers for
 * local steps, or one coarse unit.
 */
function alignStep(step: NormalizerStep, text: string): { text: string; origins: Int32Array } {
  if (step.align !== undefined) return step.align(text);
  if (step.local === true) {
    const { text: normalized, alignment } = normalizeWithAlignment(text, (part) => step.normalize(part));
    return { text: normalized, origins: originsOf(alignment, normalized.length, text.length) };
  }
  // NOTE: a step with neither an alignment nor per-character behaviour maps every unit to the
  // start of the text and the end to its end, so offsets through it are coarse.
  const normalized = step.normalize(text);
  const origins = new Int32Array(normalized.length + 1);
  origins[normalized.length] = text.length;
  return { text: normalized, origins };
}

/** Converts an alignment into the input unit of each normalized unit, plus the input's end. */
function originsOf(alignment: Alignment | undefined, normalizedLength: number, textLength: number): Int32Array {
  const origins = new Int32Array(normalizedLength + 1);
  if (alignment === undefined) {
    for (let i = 0; i <= normalizedLength; i++) origins[i] = Math.min(i, textLength);
    return origins;
  }
  for (let k = 0; k < alignment.count; k++) {
    const end = k + 1 < alignment.count ? alignment.normStart[k + 1]! : normalizedLength;
    for (let i = alignment.normStart[k]!; i < end; i++) origins[i] = alignment.origStart[k]!;
  }
  origins[normalizedLength] = textLength;
  return origins;
}

function compose(first: Int32Array, second: Int32Array): Int32Array {
  const composed = new Int32Array(second.length);
  for (let i = 0; i < second.length; i++) composed[i] = first[Math.min(second[i]!, first.length - 1)]!;
  return composed;
}
