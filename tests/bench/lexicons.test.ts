import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLexicon, parseListSpec, readList, shippedLexiconFiles } from '../../bench/lexicons.js';
import { SortedStrings } from '../../bench/sorted-strings.js';
import { ToksmithError, UsageError } from '../../src/errors.js';

const folder = mkdtempSync(join(tmpdir(), 'toksmith-lexicons-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const tsv = join(folder, 'suffixes.tsv');
writeFileSync(tsv, 'name\ttemplate\tallomorphs\nPLURAL\tlAr\tlar,ler\nDATIVE\t+yA\ta,e,ya,ye\n');
const plain = join(folder, 'words.txt');
writeFileSync(plain, 'Ev\n\nIşık\r\nİstanbul\n');
const gzipped = join(folder, 'words.txt.gz');
writeFileSync(gzipped, gzipSync('kitap\nkalem\n'));

describe('parseListSpec', () => {
  it('splits a column after the last colon', () => {
    expect(parseListSpec('--morphemes', `${tsv}:allomorphs`)).toMatchObject({ file: tsv, column: 'allomorphs' });
    expect(parseListSpec('--words', plain)).toEqual({ argument: `--words ${plain}`, file: plain });
  });
});

describe('readList', () => {
  it('reads a TSV column by header name with comma-separated cells', () => {
    expect(readList(parseListSpec('--morphemes', `${tsv}:allomorphs`), true)).toEqual(['lar', 'ler', 'a', 'e', 'ya', 'ye']);
  });

  it('reads a TSV column by 1-based index', () => {
    expect(readList(parseListSpec('--morphemes', `${tsv}:2`), true)).toEqual(['lAr', '+yA']);
  });

  it('reads the first column by default', () => {
    expect(readList(parseListSpec('--morphemes', tsv), true)).toEqual(['PLURAL', 'DATIVE']);
  });

  it('reads plain and gzip lists line by line', () => {
    expect(readList(parseListSpec('--words', plain), true)).toEqual(['Ev', 'Işık', 'İstanbul']);
    expect(readList(parseListSpec('--words', gzipped), true)).toEqual(['kitap', 'kalem']);
  });

  it('names the argument when the file is missing', () => {
    expect(() => readList(parseListSpec('--words', join(folder, 'none.txt')), true)).toThrow(ToksmithError);
    expect(() => readList(parseListSpec('--words', join(folder, 'none.txt')), true)).toThrow(/^--words .*none\.txt: file not found$/);
  });

  it('rejects an unknown column and a column of a plain list', () => {
    expect(() => readList(parseListSpec('--morphemes', `${tsv}:roots`), true)).toThrow(/has no column 'roots'/);
    expect(() => readList(parseListSpec('--morphemes', `${tsv}:4`), true)).toThrow(/column 4 is out of range/);
    expect(() => readList(parseListSpec('--words', `${plain}:2`), true)).toThrow(UsageError);
  });
});

describe('loadLexicon', () => {
  it('lower-cases entries the Turkish way and counts them per file', () => {
    const lexicon = loadLexicon([parseListSpec('--words', plain)], [parseListSpec('--morphemes', `${tsv}:allomorphs`)], false);
    expect([...lexicon.words]).toEqual(['ev', 'istanbul', 'ışık']);
    expect(lexicon.morphemes.has('ler')).toBe(true);
    expect(lexicon.sources.map((source) => [source.kind, source.entries])).toEqual([
      ['words', 3],
      ['morphemes', 6],
    ]);
  });

  it('keeps the case with caseSensitive', () => {
    expect([...loadLexicon([parseListSpec('--words', plain)], [], true).words]).toEqual(['Ev', 'Işık', 'İstanbul']);
  });
});

describe('shippedLexiconFiles', () => {
  it('rejects a language without shipped lists', () => {
    expect(() => shippedLexiconFiles('xx')).toThrow(/--lang xx: no word lists ship/);
  });
});

describe('SortedStrings', () => {
  it('finds members of unsorted input with repeats', () => {
    const strings = new SortedStrings(['lar', 'ev', 'ler', 'ev', 'ışık']);
    expect(strings.size).toBe(4);
    for (const member of ['ev', 'lar', 'ler', 'ışık']) expect(strings.has(member), member).toBe(true);
    for (const other of ['', 'e', 'evler', 'isik']) expect(strings.has(other), other).toBe(false);
  });
});
