import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSource, readDocuments, readLineBatches, resolveInputs, streamSource, type ReadOptions } from '../src/corpus.js';

const folder = mkdtempSync(join(tmpdir(), 'toksmith-corpus-'));
const stdin = streamSource('-', (async function* () {})());

function fixture(name: string, contents: string | Uint8Array): string {
  const path = join(folder, name);
  writeFileSync(path, contents);
  return path;
}

async function lines(path: string, options: ReadOptions = {}): Promise<string[]> {
  const all: string[] = [];
  for await (const batch of readLineBatches([fileSource(path)], options)) all.push(...batch.lines);
  return all;
}

/** A source that yields its bytes in the given chunks, to test lines split across reads. */
function chunkedSource(name: string, chunks: Uint8Array[]) {
  return streamSource(name, (async function* () {
    yield* chunks;
  })());
}

describe('readLineBatches', () => {
  it('ends lines only at LF and keeps CR', async () => {
    expect(await lines(fixture('crlf.txt', 'a\r\nb\rc\n\nlast'))).toEqual(['a\r', 'b\rc', '', 'last']);
  });

  it('keeps NUL bytes as characters', async () => {
    expect(await lines(fixture('nul.txt', 'a\0b\n'))).toEqual(['a\0b']);
  });

  it('joins lines split across chunks', async () => {
    const bytes = new TextEncoder().encode('çay\nşeker\n');
    const source = chunkedSource('chunks', [bytes.subarray(0, 1), bytes.subarray(1, 6), bytes.subarray(6)]);
    const all: string[] = [];
    for await (const batch of readLineBatches([source])) all.push(...batch.lines);
    expect(all).toEqual(['çay', 'şeker']);
  });

  it('names file, line and byte of invalid UTF-8', async () => {
    const path = fixture('bad.txt', Buffer.concat([Buffer.from('ok\nab'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    await expect(lines(path)).rejects.toThrow(`${path}:2:3: invalid UTF-8 (0xC3)`);
  });

  it('replaces invalid bytes on request', async () => {
    const path = fixture('bad-replace.txt', Buffer.from([0x61, 0xff, 0x62, 0x0a]));
    expect(await lines(path, { onInvalid: 'replace' })).toEqual(['a\uFFFDb']);
  });

  it('skips invalid lines on request and reports them', async () => {
    const path = fixture('bad-skip.txt', Buffer.concat([Buffer.from('one\n'), Buffer.from([0xff, 0x0a]), Buffer.from('three\n')]));
    const skipped: number[] = [];
    expect(await lines(path, { onInvalid: 'skip', onSkip: (_, line) => skipped.push(line) })).toEqual(['one', 'three']);
    expect(skipped).toEqual([2]);
  });

  it('reports size and SHA-256 of each source', async () => {
    const path = fixture('digest.txt', 'abc');
    const digests: { bytes: number; sha256: string }[] = [];
    await lines(path, { onDigest: (digest) => digests.push(digest) });
    expect(digests).toEqual([{ file: path, bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' }]);
  });
});

describe('readDocuments', () => {
  it('reads each file whole', async () => {
    const path = fixture('doc.txt', 'a\nb\n');
    const documents = [];
    for await (const document of readDocuments([fileSource(path)])) documents.push(document.text);
    expect(documents).toEqual(['a\nb\n']);
  });

  it('names the line of invalid UTF-8', async () => {
    const path = fixture('doc-bad.txt', Buffer.concat([Buffer.from('a\nb\nxy'), Buffer.from([0xe2, 0x82])]));
    const read = async () => {
      for await (const _ of readDocuments([fileSource(path)])) void _;
    };
    await expect(read()).rejects.toThrow(`${path}:3:3: invalid UTF-8`);
  });
});

describe('resolveInputs', () => {
  it('expands globs in sorted order', async () => {
    mkdirSync(join(folder, 'glob'));
    fixture('glob/b.txt', 'b');
    fixture('glob/a.txt', 'a');
    const sources = await resolveInputs([join(folder, 'glob/*.txt')], stdin);
    expect(sources.map((source) => source.name)).toEqual([join(folder, 'glob/a.txt'), join(folder, 'glob/b.txt')]);
  });

  it('rejects a directory', async () => {
    await expect(resolveInputs([folder], stdin)).rejects.toThrow(/is a directory/);
  });

  it('rejects a missing file', async () => {
    await expect(resolveInputs([join(folder, 'missing.txt')], stdin)).rejects.toThrow(/input file not found/);
  });

  it('rejects a glob matching nothing', async () => {
    await expect(resolveInputs([join(folder, 'none-*.txt')], stdin)).rejects.toThrow(/no files match/);
  });

  it('maps - to stdin once', async () => {
    const sources = await resolveInputs(['-', '-'], stdin);
    expect(sources).toEqual([stdin]);
  });
});
