// Characters for Unigram training: the required characters chosen by character coverage, and
// the rules a piece must satisfy, after SentencePiece's TrainerInterface::IsValidSentencePiece.
// A space may only come first. A piece keeps to one Unicode script, where Hiragana and
// Katakana count as Han and combining marks take the script of the character before. With
// --split-digits every decimal digit stays a piece of its own.

/** Script group of a character, as used by the piece rules. */
const SCRIPT_NAMES = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Nko',
  'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada',
  'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Georgian', 'Hangul', 'Ethiopic',
  'Cherokee', 'Canadian_Aboriginal', 'Ogham', 'Runic', 'Khmer', 'Mongolian', 'Han', 'Yi',
  'Bopomofo', 'Tifinagh', 'Javanese', 'Balinese', 'Sundanese', 'Vai', 'Coptic', 'Gothic', 'Common',
] as const;
const SCRIPT_PATTERNS = SCRIPT_NAMES.map((name) => new RegExp(`^\\p{Script=${name}}$`, 'u'));
const HAN_LIKE = /^[\p{Script=Hiragana}\p{Script=Katakana}\u30fc]$/u;
const INHERITED = /^\p{Script=Inherited}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Script group id meaning "same as the previous character" (combining marks). */
export const SCRIPT_INHERITED = -1;
/** Script group shared by scripts missing from the list above: such characters join each other. */
const SCRIPT_OTHER = SCRIPT_NAMES.length;
const HAN = SCRIPT_NAMES.indexOf('Han');

/** Returns the script group of a code point. */
export function scriptOf(codePoint: number): number {
  const character = String.fromCodePoint(codePoint);
  if (HAN_LIKE.test(character)) return HAN;
  if (INHERITED.test(character)) return SCRIPT_INHERITED;
  for (let k = 0; k < SCRIPT_PATTERNS.length; k++) {
    if (SCRIPT_PATTERNS[k]!.test(character)) return k;
  }
  return SCRIPT_OTHER;
}

/** Returns true for a Unicode decimal digit (general category Nd). */
export function isDecimalDigit(codePoint: number): boolean {
  return DECIMAL_DIGIT.test(String.fromCodePoint(codePoint));
}

/**
 * Per-character facts the piece rules need, indexed by a dense character id. Ids 1 to
 * `codePoints.length - 1` are characters. Id 0 (a line end), `separatorId` and `unknownId`
 * are markers that no piece contains.
 */
export interface CharacterTable {
  /** Code point of each dense id; id 0 is the line end and has none. */
  codePoints: Int32Array;
  scripts: Int32Array;
  digits: Uint8Array;
  /** Dense id of the space, or -2 when the table has none. */
  spaceId: number;
  /** Dense id of the boundary between two pre-tokens of a line. */
  separatorId: number;
  /** Dense id that stands for every character outside the table. */
  unknownId: number;
  /** Dense id of each code point. */
  ids: Map<number, number>;
}

/** Builds the character table for the given code points, in ascending code point order. */
export function buildCharacterTable(codePoints: Iterable<number>): CharacterTable {
  const sorted = [...codePoints].sort((a, b) => a - b);
  const table: CharacterTable = {
    codePoints: new Int32Array(sorted.length + 1),
    scripts: new Int32Array(sorted.length + 1),
    digits: new Uint8Array(sorted.length + 1),
    spaceId: -2,
    separatorId: sorted.length + 1,
    unknownId: sorted.length + 2,
    ids: new Map(),
  };
  table.codePoints[0] = -1;
  sorted.forEach((codePoint, k) => {
    table.codePoints[k + 1] = codePoint;
    table.scripts[k + 1] = scriptOf(codePoint);
    table.digits[k + 1] = isDecimalDigit(codePoint) ? 1 : 0;
    table.ids.set(codePoint, k + 1);
  });
  table.spaceId = table.ids.get(0x20) ?? -2;
  return table;
}

/**
 * Checks the piece `text[start, end)` of dense character ids against SentencePiece's rules.
 * The caller checks the length limit.
 */
export function isValidPiece(table: CharacterTable, text: Int32Array, start: number, end: number, splitDigits: boolean): boolean {
  const space = table.spaceId;
  let previous = -2;
  for (let i = start; i < end; i++) {
    const id = text[i]!;
    if (id === 0 || id >= table.codePoints.length) return false;
    if (id === space) {
      if (i > start) return false;
      continue;
    }
    if (splitDigits && table.digits[id] === 1 && end - start > 1) return false;
    let script = table.scripts[id]!;
    if (script === SCRIPT_INHERITED) script = previous;
    if (script !== -2 && previous !== -2 && script !== previous) return false;
    previous = script;
  }
  return true;
}

/**
 * Chooses the required characters: by frequency (ties by code point) until `coverage` of all
 * character occurrences is reached, as SentencePiece does. Returns them most frequent first,
 * with the share of occurrences they cover.
 */
export function chooseRequiredCharacters(
  characterCounts: Map<number, number>,
  coverage: number,
): { required: [number, number][]; coverageReached: number } {
  const sorted = [...characterCounts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  let total = 0;
  for (const [, count] of sorted) total += count;
  const required: [number, number][] = [];
  let covered = 0;
  for (const entry of sorted) {
    if (covered / total >= coverage) break;
    required.push(entry);
    covered += entry[1];
  }
  return { required, coverageReached: total === 0 ? 0 : covered / total };
}
