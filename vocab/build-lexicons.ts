// Rebuilds the Turkish lists in vocab/lexicons that `toksmith bench --lang tr` uses:
//   tr-words.txt.gz      surface words for %TR, from the hunspell-tr word forms
//   tr-morphemes.txt.gz  roots and single suffixes for %Pure, from the Starlang and Zemberek
//                        root lexicons and the allomorph columns of their suffix tables
// Entries keep their case (the bench lower-cases them unless --case-sensitive), are unique and
// sorted by their lower-cased form; entries with whitespace or without a letter are dropped. Roots
// of one letter are dropped too: the root lexicons list every letter as an abbreviation or
// letter name ("B", "ç"), which would make a character vocabulary look like pure morphemes.
// One-letter suffixes (dative -a/-e, possessive -m, 1st person plural -k/-z) stay.
// Usage: npm run lexicons:build [-- SOURCE_FOLDER]   (default ../shared/data/lexicons)

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { lowercaseCodePoints } from '../src/normalizers.js';
import { compareCodePoints } from '../trainers/counting.js';

const LETTER = /\p{L}/u;
const WHITESPACE = /\s/u;

/** Reads the rows of a TSV file with a header line, as objects keyed by header name. */
function readTsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n');
  const names = header!.split('\t');
  return lines
    .filter((line) => line !== '')
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(names.map((name, index) => [name, cells[index] ?? '']));
    });
}

function keep(entry: string): boolean {
  return entry !== '' && LETTER.test(entry) && !WHITESPACE.test(entry);
}

/**
 * Sorts by the Turkish lower-cased form in UTF-16 order, then by the entry itself, so that the
 * bench's default (lower-cased) lookup table comes out sorted and needs no sort when loading.
 */
function compareEntries(a: string, b: string): number {
  const lowerA = lowercaseCodePoints(a, true);
  const lowerB = lowercaseCodePoints(b, true);
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  return compareCodePoints(a, b);
}

function writeList(path: string, entries: Iterable<string>): { entries: number; bytes: number } {
  const sorted = [...new Set([...entries].map((entry) => entry.trim()).filter(keep))].sort(compareEntries);
  const compressed = gzipSync(sorted.join('\n') + '\n', { level: 9 });
  writeFileSync(path, compressed);
  return { entries: sorted.length, bytes: compressed.length };
}

/** Roots of Zemberek-NLP's dictionaries: verbs are listed as infinitives (-mek/-mak), so the suffix goes. */
function zemberekNlpRoots(path: string): string[] {
  return readTsv(path)
    .filter((row) => !/P:Punc/.test(row.attributes ?? ''))
    .map((row) => {
      const lemma = row.lemma ?? '';
      const otherPos = /P:(?!Verb)/.test(row.attributes ?? '');
      return !otherPos && /.m[ae]k$/u.test(lemma) ? lemma.slice(0, -3) : lemma;
    });
}

function allomorphs(path: string): string[] {
  return readTsv(path).flatMap((row) => (row.allomorphs ?? '').split(','));
}

function main(): void {
  const source = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'lexicons');
  const target = join(import.meta.dirname, 'lexicons');

  const words = readFileSync(join(source, 'tr-words-hunspell.txt'), 'utf8').split('\n');
  const wordStats = writeList(join(target, 'tr-words.txt.gz'), words);

  const roots = [
    ...readTsv(join(source, 'tr-roots-starlang.tsv'))
      .filter((row) => !(row.flags ?? '').includes('IS_HEADER'))
      .map((row) => row.root ?? ''),
    ...zemberekNlpRoots(join(source, 'tr-roots-zemberek-nlp.tsv')),
    ...readTsv(join(source, 'tr-roots-zemberek2.tsv')).map((row) => row.root ?? ''),
  ];
  const morphemes = [
    ...roots.filter((root) => [...root.trim()].length > 1),
    ...allomorphs(join(source, 'tr-morphemes-starlang.tsv')),
    ...allomorphs(join(source, 'tr-suffixes-zemberek-nlp.tsv')),
    ...allomorphs(join(source, 'tr-suffixes-zemberek2.tsv')),
  ];
  const morphemeStats = writeList(join(target, 'tr-morphemes.txt.gz'), morphemes);

  process.stdout.write(
    `tr-words.txt.gz: ${wordStats.entries} entries, ${wordStats.bytes} bytes\n` +
      `tr-morphemes.txt.gz: ${morphemeStats.entries} entries, ${morphemeStats.bytes} bytes\n`,
  );
}

main();
