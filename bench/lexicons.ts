// Word, morpheme and term lists for the bench: plain lists (one entry per line) or TSV files
// with a header line, optionally gzip-compressed, selected as FILE[:COLUMN]. Also the lists
// that ship in vocab/lexicons for `--lang`. Turkish-aware lower-casing (İ→i, I→ı) is applied to
// lexicon entries unless the comparison is case-sensitive.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ToksmithError, UsageError } from '../src/errors.js';
import { lowercaseCodePoints } from '../src/normalizers.js';
import { utf8Decoder } from '../src/utf8.js';
import { packageRoot } from '../src/version.js';
import type { KeyLexicon } from './metrics/tr-pure.js';
import { SortedStrings } from './sorted-strings.js';

/** A list file and the column to read from it. */
export interface ListSpec {
  /** The option and value that named the list, for error messages, such as `--words a.tsv:2`. */
  argument: string;
  file: string;
  /** Header name or 1-based index; only for TSV files. @default the first column */
  column?: string;
}

/** A loaded word or morpheme list, as the report lists it. */
export interface LexiconSource {
  kind: 'words' | 'morphemes';
  file: string;
  column?: string;
  /** Entries read from the file, before lower-casing merged any. */
  entries: number;
}

export interface Lexicon extends KeyLexicon {
  words: SortedStrings;
  morphemes: SortedStrings;
  sources: LexiconSource[];
}

/** Languages with lists in vocab/lexicons: the word list and the root and suffix list. */
export const SHIPPED_LEXICONS: Record<string, { words: string; morphemes: string }> = {
  tr: { words: 'tr-words.txt.gz', morphemes: 'tr-morphemes.txt.gz' },
};

/** Returns the paths of the shipped lists for `lang`; throws a usage error for other languages. */
export function shippedLexiconFiles(lang: string): { words: string; morphemes: string } {
  const names = SHIPPED_LEXICONS[lang];
  if (names === undefined) {
    throw new UsageError(`--lang ${lang}: no word lists ship for this language`, `use one of: ${Object.keys(SHIPPED_LEXICONS).join(', ')}, or pass --words and --morphemes`);
  }
  const folder = join(packageRoot(), 'vocab', 'lexicons');
  return { words: join(folder, names.words), morphemes: join(folder, names.morphemes) };
}

/**
 * Splits FILE[:COLUMN]. A value naming an existing file is a file without column, so paths
 * containing `:` still work. Otherwise the text after the last `:` is the column.
 */
export function parseListSpec(flag: string, value: string): ListSpec {
  const argument = `${flag} ${value}`;
  if (value === '') throw new UsageError(`${flag}: empty file name`, 'pass FILE or FILE:COLUMN');
  const colon = value.lastIndexOf(':');
  if (existsSync(value) || colon <= 0) return { argument, file: value };
  const column = value.slice(colon + 1);
  if (column === '') throw new UsageError(`${argument}: empty column after ':'`, 'give a header name or a 1-based column number, or drop the ":"');
  return { argument, file: value.slice(0, colon), column };
}

function isTabular(file: string): boolean {
  return /\.(tsv|tab)(\.gz)?$/i.test(file);
}

/** Reads a list file as text, gunzipping `.gz` files; errors name the argument. */
function readListText(spec: ListSpec): string {
  let bytes: Buffer;
  try {
    if (statSync(spec.file).isDirectory()) throw new ToksmithError(`${spec.argument}: ${spec.file} is a directory`, { hint: 'pass a list file' });
    bytes = readFileSync(spec.file);
  } catch (error) {
    if (error instanceof ToksmithError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ToksmithError(`${spec.argument}: file not found`, { hint: 'check the path', cause: error });
    }
    throw new ToksmithError(`${spec.argument}: cannot read ${spec.file}: ${(error as Error).message}`, { cause: error });
  }
  if (spec.file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new ToksmithError(`${spec.argument}: ${spec.file} is not valid gzip data`, { hint: 'pass the file uncompressed or re-compress it', cause: error });
    }
  }
  try {
    return utf8Decoder.decode(bytes).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ToksmithError(`${spec.argument}: ${spec.file} is not valid UTF-8`, { hint: 're-encode the list as UTF-8', cause: error });
  }
}

/**
 * Reads the entries of a list: every non-empty line of a plain list, or one column of a TSV
 * file (first line = header). With `splitCommas`, a cell holding `a,b,c` gives three entries.
 * Entries are trimmed; empty ones are dropped.
 */
export function readList(spec: ListSpec, splitCommas: boolean): string[] {
  const lines = readListText(spec).split('\n');
  if (lines.at(-1) === '') lines.pop();
  let columnIndex = 0;
  let body = lines;
  if (isTabular(spec.file)) {
    const header = (lines[0] ?? '').replace(/\r$/, '').split('\t');
    body = lines.slice(1);
    if (spec.column !== undefined) columnIndex = resolveColumn(spec, header);
  } else if (spec.column !== undefined) {
    throw new UsageError(`${spec.argument}: ${spec.file} is not a .tsv file, so it has no columns`, 'drop the ":COLUMN" or pass a tab-separated .tsv file with a header line');
  }
  // Plain word lists have over a million lines, so each step runs only when the line needs it.
  const tabular = isTabular(spec.file);
  const entries: string[] = [];
  for (const rawLine of body) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const cell = tabular ? line.split('\t')[columnIndex] : line;
    if (cell === undefined) continue;
    if (splitCommas && cell.includes(',')) {
      for (const item of cell.split(',')) {
        const entry = item.trim();
        if (entry !== '') entries.push(entry);
      }
      continue;
    }
    const entry = cell.trim();
    if (entry !== '') entries.push(entry);
  }
  return entries;
}

function resolveColumn(spec: ListSpec, header: string[]): number {
  const column = spec.column!;
  const byName = header.indexOf(column);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(column)) {
    const index = Number(column);
    if (index >= 1 && index <= header.length) return index - 1;
    throw new UsageError(`${spec.argument}: column ${index} is out of range; ${spec.file} has ${header.length} columns`, `use 1 to ${header.length} or a header name`);
  }
  throw new UsageError(`${spec.argument}: ${spec.file} has no column '${column}'`, `use one of: ${header.join(', ')}, or a 1-based number`);
}

/**
 * Lower-cases the Turkish way. Most entries are lower-case already: when JavaScript's own
 * lower-casing leaves a string unchanged, it has no character that Turkish lower-casing changes
 * either (I and İ both change under it), so the slower per-code-point pass is skipped.
 */
function lowercaseTurkish(entry: string): string {
  return entry.toLowerCase() === entry ? entry : lowercaseCodePoints(entry, true);
}

/** Loads word and morpheme lists into one lexicon; each list's entries are counted as read. */
export function loadLexicon(words: readonly ListSpec[], morphemes: readonly ListSpec[], caseSensitive: boolean): Lexicon {
  const sources: LexiconSource[] = [];
  const read = (kind: LexiconSource['kind'], specs: readonly ListSpec[]): SortedStrings => {
    const all: string[] = [];
    for (const spec of specs) {
      const entries = readList(spec, true);
      for (const entry of entries) all.push(caseSensitive ? entry : lowercaseTurkish(entry));
      const source: LexiconSource = { kind, file: spec.file, entries: entries.length };
      if (spec.column !== undefined) source.column = spec.column;
      sources.push(source);
    }
    return new SortedStrings(all);
  };
  return { words: read('words', words), morphemes: read('morphemes', morphemes), caseSensitive, sources };
}
