import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { vocabSectionOf } from '../../src/vocab-file.js';
import { repositoryRoot, runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'toksmith-cli-'));
const corpus = join(repositoryRoot, 'bench/corpora/tr-ud-treebanks.train.txt');
const evalFile = join(repositoryRoot, 'bench/corpora/tr-ud-treebanks.eval.txt');
const vocabPath = join(work, 'char.tok');

/** Checks the shape of a failed run: one line on stderr, no stack trace, the exit code. */
function expectOneLineError(result: { status: number | null; stderr: string }, status: number, pattern: RegExp): void {
  expect(result.status).toBe(status);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  const result = runCli(['train', '--model', 'char', '--quiet', '-o', vocabPath, corpus]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

describe('toksmith --help', () => {
  it('lists every command', () => {
    const result = runCli(['--help']);
    expect(result.status).toBe(0);
    for (const command of ['train', 'encode', 'decode', 'inspect', 'count', 'demo']) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(result.stdout).toMatch(/Exit codes: 0 success, 1 bad input/);
  });
});

describe('toksmith train', () => {
  it('writes the same vocabulary section twice', () => {
    const second = join(work, 'char-again.tok');
    expect(runCli(['train', '--model', 'char', '--quiet', '-o', second, corpus]).status).toBe(0);
    const a = vocabSectionOf(readFileSync(vocabPath));
    const b = vocabSectionOf(readFileSync(second));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('reads the corpus from stdin', () => {
    const output = join(work, 'stdin.tok');
    const result = runCli(['train', '--model', 'char', '--quiet', '-o', output], { input: 'abc\n' });
    expect(result.status).toBe(0);
    const inspect = runCli(['inspect', output, '--json']);
    const document = JSON.parse(inspect.stdout);
    expect(document.vocabSize).toBe(260);
    expect(document.provenance.corpus[0].file).toBe('-');
  });

  it('merges saved counts like one run', () => {
    const half = join(work, 'half.txt');
    writeFileSync(half, 'çay\nşeker\n');
    const other = join(work, 'other.txt');
    writeFileSync(other, 'kahve\n');
    expect(runCli(['count', '--model', 'char', '--quiet', '-o', join(work, 'a.counts'), half]).status).toBe(0);
    expect(runCli(['count', '--model', 'char', '--quiet', '-o', join(work, 'b.counts'), other]).status).toBe(0);
    const merged = join(work, 'merged.tok');
    const whole = join(work, 'whole.tok');
    expect(runCli(['train', '--model', 'char', '--quiet', '-o', merged, '--from-counts', join(work, 'a.counts'), '--from-counts', join(work, 'b.counts')]).status).toBe(0);
    expect(runCli(['train', '--model', 'char', '--quiet', '-o', whole, half, other]).status).toBe(0);
    expect(Buffer.from(vocabSectionOf(readFileSync(merged))).equals(Buffer.from(vocabSectionOf(readFileSync(whole))))).toBe(true);
  });
});

describe('toksmith encode and decode', () => {
  it('round-trips a file through ids', () => {
    const ids = runCli(['encode', '--vocab', vocabPath, '--quiet', evalFile]);
    expect(ids.status).toBe(0);
    const decoded = runCli(['decode', '--vocab', vocabPath, '--quiet'], { input: ids.stdout });
    expect(decoded.status).toBe(0);
    expect(decoded.stdoutBytes.equals(readFileSync(evalFile))).toBe(true);
  });

  it('round-trips documents with CR, NUL and unseen characters', () => {
    const text = 'a\r\nb\0c 😀 İı\n\nend without newline';
    const ids = runCli(['encode', '--vocab', vocabPath, '--document', '--quiet'], { input: text });
    expect(ids.stdout.split('\n')).toHaveLength(2);
    const decoded = runCli(['decode', '--vocab', vocabPath, '--document', '--quiet'], { input: ids.stdout });
    expect(decoded.stdout).toBe(text);
  });

  it('prints one output line per input line', () => {
    const result = runCli(['encode', '--vocab', vocabPath, '--format', 'count', '--quiet'], { input: 'ab\n\nçay\n' });
    expect(result.stdout).toBe('2\n0\n3\n');
  });

  it('shows spaces as ▁ and unknown bytes as <0xNN>', () => {
    const result = runCli(['encode', '--vocab', vocabPath, '--format', 'pieces', '--quiet'], { input: 'a b\u0007\n' });
    expect(result.stdout).toBe('a ▁ b <0x07>\n');
  });

  it('writes JSON lines with byte offsets', () => {
    const result = runCli(['encode', '--vocab', vocabPath, '--format', 'jsonl', '--quiet'], { input: 'çay\n' });
    const record = JSON.parse(result.stdout);
    expect(record.pieces).toEqual(['ç', 'a', 'y']);
    expect(record.offsets).toEqual([[0, 2], [2, 3], [3, 4]]);
    expect(record.ids).toHaveLength(3);
  });

  it('decodes JSON lines too', () => {
    const jsonl = runCli(['encode', '--vocab', vocabPath, '--format', 'jsonl', '--quiet'], { input: 'çay\nşeker\n' });
    const decoded = runCli(['decode', '--vocab', vocabPath, '--quiet'], { input: jsonl.stdout });
    expect(decoded.stdout).toBe('çay\nşeker\n');
  });

  it('applies the fewest method on request', () => {
    const result = runCli(['encode', '--vocab', vocabPath, '--method', 'fewest', '--format', 'count', '--quiet'], { input: 'abc\n' });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('3\n');
  });

  it('writes the output file only on success', () => {
    const output = join(work, 'out.ids');
    writeFileSync(output, 'earlier\n');
    const bad = join(work, 'partly-bad.txt');
    writeFileSync(bad, Buffer.concat([Buffer.from('good line\n'.repeat(1000)), Buffer.from([0xff, 0x0a])]));
    const result = runCli(['encode', '--vocab', vocabPath, '--quiet', '-o', output, bad]);
    expectOneLineError(result, 1, /partly-bad.txt:1001:1: invalid UTF-8 \(0xFF\)/);
    expect(readFileSync(output, 'utf8')).toBe('earlier\n');
    expect(readdirSync(work).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

describe('toksmith inspect', () => {
  it('summarises the vocabulary', () => {
    const result = runCli(['inspect', vocabPath, '--piece', 'ç', '--id', '0']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^algorithm\s+char$/m);
    expect(result.stdout).toMatch(/^normalizer\s+none$/m);
    expect(result.stdout).toMatch(/lookup\s+id 0: <unk> \(unknown/);
    expect(result.stdout).toMatch(/lookup\s+id \d+: ç \(normal/);
  });

  it('prints every piece as JSON', () => {
    const document = JSON.parse(runCli(['inspect', vocabPath, '--json']).stdout);
    expect(document.algorithm).toBe('char');
    expect(document.vocab).toHaveLength(document.vocabSize);
    expect(document.vocab[1]).toEqual({ id: 1, piece: '<0x00>', kind: 'byte', bytes: '00' });
    expect(document.provenance.toksmithVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(document.provenance.corpus[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('bad input', () => {
  it('rejects a missing input file', () => {
    const output = join(work, 'missing.tok');
    expectOneLineError(runCli(['train', '--model', 'char', '-o', output, join(work, 'nope.txt')]), 1, /nope.txt: input file not found/);
    expect(existsSync(output)).toBe(false);
  });

  it('rejects an empty corpus', () => {
    const empty = join(work, 'empty.txt');
    writeFileSync(empty, '');
    const output = join(work, 'empty.tok');
    expectOneLineError(runCli(['train', '--model', 'char', '-o', output, empty]), 1, /corpus is empty/);
    expect(existsSync(output)).toBe(false);
  });

  it('rejects a directory as input', () => {
    const folder = join(work, 'folder');
    mkdirSync(folder, { recursive: true });
    expectOneLineError(runCli(['train', '--model', 'char', '-o', join(work, 'dir.tok'), folder]), 1, /folder: is a directory/);
  });

  it('rejects invalid UTF-8 with its position', () => {
    const bad = join(work, 'bad.txt');
    writeFileSync(bad, Buffer.concat([Buffer.from('line one\nçay '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    const output = join(work, 'bad.tok');
    expectOneLineError(runCli(['train', '--model', 'char', '-o', output, bad]), 1, /bad.txt:2:6: invalid UTF-8 \(0xC3\); re-encode the file as UTF-8 or pass --on-invalid/);
    expect(existsSync(output)).toBe(false);
  });

  it('trains past invalid lines with --on-invalid skip', () => {
    const bad = join(work, 'bad-skip.txt');
    writeFileSync(bad, Buffer.concat([Buffer.from('good\n'), Buffer.from([0xff, 0x0a])]));
    const result = runCli(['train', '--model', 'char', '--on-invalid', 'skip', '-o', join(work, 'skip.tok'), bad]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/skipped 1 line with invalid UTF-8 \(first at .*bad-skip.txt:2\)/);
  });

  it('rejects a truncated vocabulary file', () => {
    const truncated = join(work, 'truncated.tok');
    const bytes = readFileSync(vocabPath);
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 10));
    expectOneLineError(runCli(['encode', '--vocab', truncated], { input: 'a\n' }), 1, /truncated.tok: truncated vocabulary file/);
  });

  it('rejects an incomplete tokenizer.json', () => {
    const foreign = join(work, 'tokenizer.json');
    writeFileSync(foreign, '{"model":{"type":"BPE"}}');
    expectOneLineError(runCli(['decode', '--vocab', foreign], { input: '1\n' }), 1, /tokenizer.json: model.vocab: expected an object, found nothing/);
  });

  it('rejects a file of no known format', () => {
    const foreign = join(work, 'notes.txt');
    writeFileSync(foreign, 'just some text\n');
    expectOneLineError(runCli(['decode', '--vocab', foreign], { input: '1\n' }), 1, /notes.txt: unsupported tokenizer file format; toksmith reads/);
  });

  it('rejects an unknown format', () => {
    expectOneLineError(runCli(['encode', '--vocab', vocabPath, '--format', 'xml'], { input: 'a\n' }), 2, /argument 'xml' is invalid/);
  });

  it('rejects a vocabulary size below the reserved pieces', () => {
    const output = join(work, 'small.tok');
    expectOneLineError(runCli(['train', '--model', 'char', '--vocab-size', '200', '-o', output, corpus]), 2, /--vocab-size 200 is too small: <unk>, 0 special tokens and 256 byte pieces already take 257 ids/);
    expect(existsSync(output)).toBe(false);
  });

  it('rejects an id outside the vocabulary', () => {
    expectOneLineError(runCli(['decode', '--vocab', vocabPath], { input: '5\n1 999999\n' }), 1, /-:2: invalid id '999999' \(token 2\)/);
  });

  it('rejects a directory as output', () => {
    expectOneLineError(runCli(['encode', '--vocab', vocabPath, '-o', work], { input: 'a\n' }), 1, /-o .*: is a directory; pass a file path for -o/);
    expectOneLineError(runCli(['train', '--model', 'char', '-o', work, corpus]), 1, /-o .*: is a directory/);
  });

  it('rejects an option of another trainer', () => {
    expectOneLineError(runCli(['train', '--model', 'char', '--steps', '5', '-o', join(work, 'steps.tok'), corpus]), 2, /--steps applies to lib training, not char/);
  });

  it('rejects --alpha without --sample', () => {
    expectOneLineError(runCli(['encode', '--vocab', vocabPath, '--alpha', '0.5'], { input: 'a\n' }), 2, /--alpha applies only with --sample/);
  });

  it('prints found lookups before a missing one', () => {
    const result = runCli(['inspect', vocabPath, '--id', '0', '--piece', 'no such piece']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/lookup\s+id 0: <unk>/);
    expect(result.stderr).toMatch(/piece 'no such piece' is not in this vocabulary/);
  });

  it('rejects a model without a trainer as a usage error', () => {
    const result = runCli(['train', '--model', 'word', '-o', join(work, 'x.tok'), corpus]);
    expectOneLineError(result, 2, /argument 'word' is invalid/);
  });
});
