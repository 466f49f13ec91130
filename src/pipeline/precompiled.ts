// The `precompiled` normalizer step: SentencePiece's precompiled character map, the blob stored
// in a .model file's `normalizer_spec.precompiled_charsmap` and in Hugging Face's `Precompiled`
// normalizer. Rules are matched as SentencePiece's normalizer (normalizer.cc) matches them: the
// longest rule that is a prefix of the remaining UTF-8 bytes wins, and a byte with no rule that
// starts no valid UTF-8 sequence becomes U+FFFD. Whitespace handling lives in the SentencePiece
// steps (src/formats/spm/steps.ts).
//
// Blob layout: a little-endian uint32 byte length of the trie, the trie as little-endian uint32
// units of a darts-clone double array, then the NUL-terminated replacement strings that the
// trie's values point into.

import { ToksmithError } from '../errors.js';
import { utf8Encoder, lenientUtf8Decoder, utf8SequenceLength } from '../utf8.js';
import { registerNormalizerStep, type NormalizerStep } from './steps.js';
import type { StepSpec } from './spec.js';

/** Maximum number of prefix matches SentencePiece looks at per position (kMaxTrieResultsSize). */
const MAX_TRIE_RESULTS = 32;

/** A parsed precompiled character map. */
export class Charsmap {
  private readonly units: Uint32Array;
  private readonly replacements: Uint8Array;
  /** 1 for each byte value that starts at least one rule, so other bytes skip the trie walk. */
  private readonly firstBytes = new Uint8Array(256);
  private readonly replacementTexts = new Map<number, string>();

  /** Parses `blob`; throws a one-line error naming `path` when the sizes do not fit. */
  constructor(blob: Uint8Array, path: string) {
    if (blob.length < 4) throw invalidCharsmap(path, `${blob.length} bytes, too short for the trie size`);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || 4 + trieBytes > blob.length) {
      throw invalidCharsmap(path, `trie size ${trieBytes} does not fit in ${blob.length} bytes`);
    }
    this.units = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.replacements = blob.subarray(4 + trieBytes);
    if (this.units.length > 0) {
      const root = offsetOf(this.units[0]!);
      for (let byte = 0; byte < 256; byte++) {
        const unit = this.units[root ^ byte];
        if (unit !== undefined && (unit & 0x800000ff) >>> 0 === byte) this.firstBytes[byte] = 1;
      }
    }
  }

  /** False when no rule starts with `byte`, so no match can begin there. */
  mayMatchAt(byte: number): boolean {
    return this.firstBytes[byte] === 1;
  }

  /** Returns the replacement at `offset` as a string, decoded once and cached. */
  replacementText(offset: number): string {
    let text = this.replacementTexts.get(offset);
    if (text === undefined) {
      text = lenientUtf8Decoder.decode(this.replacement(offset));
      this.replacementTexts.set(offset, text);
    }
    return text;
  }

  /**
   * Returns the longest rule at `bytes[position, end)` as [matched byte length, replacement
   * offset], or undefined when no rule matches. Walks the double array as darts-clone's
   * commonPrefixSearch does, keeping the longest of the first 32 matches.
   */
  longestMatch(bytes: Uint8Array, position: number, end: number): [number, number] | undefined {
    const units = this.units;
    if (units.length === 0) return undefined;
    let node = offsetOf(units[0]!);
    let found = 0;
    let length = 0;
    let value = 0;
    for (let i = position; i < end; i++) {
      const label = bytes[i]!;
      node ^= label;
      const unit = units[node];
      // label() keeps the top bit too, so a leaf unit never equals a byte label.
      if (unit === undefined || (unit & 0x800000ff) >>> 0 !== label) break;
      node ^= offsetOf(unit);
      if (((unit >>> 8) & 1) === 1) {
        if (found < MAX_TRIE_RESULTS) {
          length = i + 1 - position;
          value = units[node]! & 0x7fffffff;
        }
        found++;
      }
    }
    return length === 0 ? undefined : [length, value];
  }

  /** Returns the NUL-terminated replacement at `offset`, as UTF-8 bytes. */
  replacement(offset: number): Uint8Array {
    let end = offset;
    while (end < this.replacements.length && this.replacements[end] !== 0) end++;
    return this.replacements.subarray(offset, end);
  }
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & 0x200) >>> 6);
}

function invalidCharsmap(path: string, detail: string): ToksmithError {
  return new ToksmithError(`${path}: invalid precompiled character map: ${detail}`, { hint: 'the tokenizer file is corrupt; export it again' });
}

/**
 * Normalizes text with a character map, keeping `protectedTexts` (SentencePiece's user-defined
 * symbols) unchanged where they start, as SentencePiece's normalizer does before it tries the map.
 * Returns the text and, with `withOrigins`, per UTF-16 unit of the result and one past its end,
 * the unit of the input it came from.
 */
export function applyCharsmap(
  charsmap: Charsmap,
  protectedTexts: readonly Uint8Array[],
  text: string,
  withOrigins: boolean,
): { text: string; origins?: Int32Array } {
  const input = utf8Encoder.encode(text);
  const parts: string[] = [];
  const origins: number[] | undefined = withOrigins ? [] : undefined;
  // Characters that no rule changes are copied from `text` in runs starting at `copyStart`.
  let copyStart = 0;
  let unit = 0;

  for (let position = 0; position < input.length; ) {
    const lead = input[position]!;
    let consumed = protectedTexts.length > 0 ? longestProtected(protectedTexts, input, position) : 0;
    const match = consumed === 0 && charsmap.mayMatchAt(lead) ? charsmap.longestMatch(input, position, input.length) : undefined;
    if (match === undefined) {
      // A JavaScript string encodes to valid UTF-8 (TextEncoder turns a lone surrogate into
      // U+FFFD), so SentencePiece's one-byte U+FFFD rule for invalid UTF-8 never applies here.
      if (consumed === 0) consumed = Math.min(utf8SequenceLength(lead), input.length - position);
      unit += utf16Length(input, position, position + consumed);
      position += consumed;
      continue;
    }

    // A rule matched: flush the unchanged run, then append the replacement.
    if (unit > copyStart) {
      parts.push(text.slice(copyStart, unit));
      if (origins !== undefined) for (let u = copyStart; u < unit; u++) origins.push(u);
    }
    const replacement = charsmap.replacementText(match[1]);
    parts.push(replacement);
    if (origins !== undefined) for (let u = 0; u < replacement.length; u++) origins.push(unit);
    unit += utf16Length(input, position, position + match[0]);
    position += match[0];
    copyStart = unit;
  }

  if (text.length > copyStart) {
    parts.push(text.slice(copyStart));
    if (origins !== undefined) for (let u = copyStart; u < text.length; u++) origins.push(u);
  }
  const normalized = parts.join('');
  if (origins === undefined) return { text: normalized };
  origins.push(text.length);
  return { text: normalized, origins: Int32Array.from(origins) };
}

/** Number of UTF-16 units that the UTF-8 bytes [start, end) decode to. */
function utf16Length(bytes: Uint8Array, start: number, end: number): number {
  let units = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}

function longestProtected(protectedTexts: readonly Uint8Array[], input: Uint8Array, position: number): number {
  let longest = 0;
  for (const candidate of protectedTexts) {
    if (candidate.length <= longest || position + candidate.length > input.length) continue;
    let k = 0;
    while (k < candidate.length && input[position + k] === candidate[k]) k++;
    if (k === candidate.length) longest = k;
  }
  return longest;
}

/**
 * Builds the step from `{type: 'precompiled', charsmap: Uint8Array, protected?: string[]}`.
 *
 * NOTE: Hugging Face's Precompiled (tokenizers' normalizers/precompiled.rs) applies the map per
 * grapheme cluster, not by longest match over the whole text as SentencePiece does, so for text
 * where the two differ this step matches spm_encode and not Hugging Face tokenizers.
 */
export function createPrecompiledStep(spec: StepSpec, path: string): NormalizerStep {
  const blob = spec['charsmap'];
  if (!(blob instanceof Uint8Array)) {
    throw new ToksmithError(`${path}.charsmap: expected bytes, found ${blob === undefined ? 'nothing' : typeof blob}`, { hint: 'fix the tokenizer file' });
  }
  const charsmap = new Charsmap(blob, `${path}.charsmap`);
  const protectedList = Array.isArray(spec['protected']) ? (spec['protected'] as unknown[]).filter((item): item is string => typeof item === 'string') : [];
  const protectedTexts = protectedList.filter((item) => item.length > 0).map((item) => utf8Encoder.encode(item));
  return {
    normalize: (text) => applyCharsmap(charsmap, protectedTexts, text, false).text,
    align: (text) => applyCharsmap(charsmap, protectedTexts, text, true) as { text: string; origins: Int32Array },
  };
}

registerNormalizerStep('precompiled', createPrecompiledStep);
