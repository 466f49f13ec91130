// Normalizers: text transformations applied before pre-tokenization, behind one interface.
// Each can report an alignment from normalized text back to the original, so that encode can
// give byte offsets into the input. `none` is the default everywhere, so round trips are exact.

import { UsageError } from './errors.js';

export const NORMALIZER_NAMES = ['none', 'nfc', 'nfkc', 'lowercase', 'lowercase-tr'] as const;
export type NormalizerName = (typeof NORMALIZER_NAMES)[number];

/**
 * Mapping from normalized text back to the original, as units sorted by `normStart`.
 * Unit k covers normalized UTF-16 indices [normStart[k], normStart[k+1]) and original
 * UTF-16 indices [origStart[k], origEnd[k]).
 */
export interface Alignment {
  normStart: Int32Array;
  origStart: Int32Array;
  origEnd: Int32Array;
  count: number;
}

export interface NormalizedText {
  text: string;
  /** Absent when the normalized text is the original text unchanged. */
  alignment?: Alignment;
}

export interface Normalizer {
  readonly name: NormalizerName;
  /** Normalizes `text`; computes an alignment only when `withAlignment` is true. */
  normalize(text: string, withAlignment: boolean): NormalizedText;
}

/**
 * Maps the normalized range [start, end) to a range of original UTF-16 indices.
 * A unit that is only partly covered maps to its whole original span.
 */
export function mapToOriginal(alignment: Alignment, start: number, end: number): [number, number] {
  const first = findUnit(alignment, start);
  const last = end > start ? findUnit(alignment, end - 1) : first;
  return [alignment.origStart[first]!, alignment.origEnd[last]!];
}

function findUnit(alignment: Alignment, normIndex: number): number {
  let low = 0;
  let high = alignment.count - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (alignment.normStart[middle]! <= normIndex) low = middle;
    else high = middle - 1;
  }
  return low;
}

const lowerCache = new Map<number, string>();

/** Lower-cases code point by code point (no final-sigma rule); `turkish` maps I→ı and İ→i. */
export function lowercaseCodePoints(text: string, turkish: boolean): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // ASCII lower-case letters, digits and punctuation stay as they are: copy them in runs.
    if (unit < 0x80 && !(unit >= 0x41 && unit <= 0x5a)) continue;
    out += text.slice(runStart, i);
    if (unit < 0x80) {
      out += turkish && unit === 0x49 ? 'ı' : String.fromCharCode(unit + 0x20);
      runStart = i + 1;
      continue;
    }
    const codePoint = text.codePointAt(i)!;
    const width = codePoint > 0xffff ? 2 : 1;
    if (turkish && codePoint === 0x130) out += 'i';
    else out += lowerCodePoint(codePoint);
    i += width - 1;
    runStart = i + 1;
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

function lowerCodePoint(codePoint: number): string {
  let lower = lowerCache.get(codePoint);
  if (lower === undefined) {
    lower = String.fromCodePoint(codePoint).toLowerCase();
    if (lowerCache.size < 65536) lowerCache.set(codePoint, lower);
  }
  return lower;
}

type Transform = (text: string) => string;

const TRANSFORMS: Record<Exclude<NormalizerName, 'none'>, Transform> = {
  nfc: (text) => text.normalize('NFC'),
  nfkc: (text) => text.normalize('NFKC'),
  lowercase: (text) => lowercaseCodePoints(text, false),
  'lowercase-tr': (text) => lowercaseCodePoints(text, true),
};

/** Combining marks and Hangul vowel/final jamo attach to the preceding character under NFC/NFKC. */
const ATTACHES_TO_PREVIOUS = /[\p{M}\u1160-\u11ff\ud7b0-\ud7ff]/u;

/**
 * Builds the alignment by normalizing each cluster (a character and the marks after it) alone.
 * When that differs from normalizing the whole text, which a few rare compositions cause,
 * the whole text becomes one unit: offsets stay correct but coarse.
 */
export function normalizeWithAlignment(text: string, transform: Transform): NormalizedText {
  const whole = transform(text);
  const normStart: number[] = [];
  const origStart: number[] = [];
  const origEnd: number[] = [];
  let normalized = '';
  let clusterStart = 0;
  const flush = (clusterEnd: number): void => {
    if (clusterEnd <= clusterStart) return;
    normStart.push(normalized.length);
    origStart.push(clusterStart);
    origEnd.push(clusterEnd);
    normalized += transform(text.slice(clusterStart, clusterEnd));
    clusterStart = clusterEnd;
  };
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    const width = codePoint > 0xffff ? 2 : 1;
    if (i > 0 && !ATTACHES_TO_PREVIOUS.test(String.fromCodePoint(codePoint))) flush(i);
    i += width;
  }
  flush(text.length);

  if (normalized !== whole) {
    return {
      text: whole,
      alignment: { normStart: Int32Array.of(0), origStart: Int32Array.of(0), origEnd: Int32Array.of(text.length), count: 1 },
    };
  }
  return {
    text: whole,
    alignment: {
      normStart: Int32Array.from(normStart),
      origStart: Int32Array.from(origStart),
      origEnd: Int32Array.from(origEnd),
      count: normStart.length,
    },
  };
}

/** Creates the normalizer with the given name; throws a usage error for an unknown name. */
export function createNormalizer(name: string): Normalizer {
  if (name === 'none') {
    return { name: 'none', normalize: (text) => ({ text }) };
  }
  if (!(NORMALIZER_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown normalizer '${name}'`, `use one of: ${NORMALIZER_NAMES.join(', ')}`);
  }
  const normalizerName = name as Exclude<NormalizerName, 'none'>;
  const transform = TRANSFORMS[normalizerName];
  return {
    name: normalizerName,
    normalize(text, withAlignment) {
      if (text.length === 0) return { text };
      if (!withAlignment) return { text: transform(text) };
      return normalizeWithAlignment(text, transform);
    },
  };
}
