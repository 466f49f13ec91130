// The statistics step shared by every trainer: counts keyed by string (characters,
// pre-tokens, substrings) gathered from a line stream, saved to and merged from `.counts`
// files. Counting can thus be sharded across machines while the training step runs on one.

import { readFileSync } from 'node:fs';
import { Packr } from 'msgpackr';
import { writeFileAtomic } from '../src/atomic-write.js';
import { ToksmithError } from '../src/errors.js';
import type { NormalizerName } from '../src/normalizers.js';
import type { PreTokenizerSpec } from '../src/pre-tokenizers.js';

export const COUNTS_MAGIC = 'TKSCOUNT';
export const COUNTS_FORMAT_VERSION = 1;

const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

/** Unit counted and text settings used. Only counts with equal settings merge. */
export interface CountSettings {
  /** `chars` (code points), `pre-tokens`, or a trainer's own unit. */
  unit: string;
  normalizer: NormalizerName;
  preTokenizer: PreTokenizerSpec;
}

/** Counts of string keys, with the corpus files they came from. */
export class CountTable {
  readonly counts = new Map<string, number>();
  readonly corpus: { file: string; bytes: number; sha256: string }[] = [];

  constructor(readonly settings: CountSettings) {}

  add(key: string, count = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }

  /** Adds every count of `other`; throws if it was counted under other settings. */
  merge(other: CountTable, otherName: string): void {
    const mine = JSON.stringify(this.settings);
    const theirs = JSON.stringify(other.settings);
    if (mine !== theirs) {
      throw new ToksmithError(`${otherName}: counts were made with other settings (${theirs}, expected ${mine})`, {
        hint: 'count every shard with the same --normalizer and --pre-tokenizer',
      });
    }
    for (const [key, count] of other.counts) this.add(key, count);
    this.corpus.push(...other.corpus);
  }

  /** Total of all counts. */
  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  /** Entries sorted by count, descending, then by key in code point order: a deterministic order. */
  sorted(): [string, number][] {
    return [...this.counts].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
  }
}

/** Compares strings by code point, not by UTF-16 unit, so astral characters sort after U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Writes counts to a `.counts` file atomically, keys in a deterministic order. */
export function saveCounts(table: CountTable, path: string): void {
  const entries = table.sorted();
  const body = packr.pack({
    settings: table.settings,
    corpus: table.corpus,
    keys: entries.map(([key]) => key),
    counts: entries.map(([, count]) => count),
  });
  const header = new Uint8Array(12);
  header.set(new TextEncoder().encode(COUNTS_MAGIC), 0);
  new DataView(header.buffer).setUint32(8, COUNTS_FORMAT_VERSION, true);
  const file = new Uint8Array(header.length + body.length);
  file.set(header, 0);
  file.set(body, header.length);
  writeFileAtomic(path, file);
}

/** Loads a `.counts` file written by `saveCounts`. */
export function loadCounts(path: string): CountTable {
  let file: Uint8Array;
  try {
    file = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'counts file not found' : code === 'EISDIR' ? 'is a directory, not a counts file' : `cannot read counts file: ${(error as Error).message}`;
    throw new ToksmithError(`${path}: ${reason}`, { hint: 'pass a file written by toksmith count or train --save-counts', cause: error });
  }
  if (new TextDecoder().decode(file.subarray(0, 8)) !== COUNTS_MAGIC) {
    throw new ToksmithError(`${path}: not a toksmith counts file (no '${COUNTS_MAGIC}' header)`, {
      hint: 'pass a file written by toksmith count or train --save-counts',
    });
  }
  const version = file.length >= 12 ? new DataView(file.buffer, file.byteOffset).getUint32(8, true) : 0;
  if (version !== COUNTS_FORMAT_VERSION) {
    throw new ToksmithError(`${path}: unsupported counts format version ${version}`, { hint: 'recount with this toksmith version' });
  }
  let body: { settings: CountSettings; corpus: CountTable['corpus']; keys: string[]; counts: number[] };
  try {
    body = packr.unpack(file.subarray(12));
  } catch (error) {
    throw new ToksmithError(`${path}: truncated or corrupt counts file`, { hint: 'recount the shard', cause: error });
  }
  if (!Array.isArray(body?.keys) || !Array.isArray(body.counts) || body.keys.length !== body.counts.length) {
    throw new ToksmithError(`${path}: corrupt counts file (key and count lists differ)`, { hint: 'recount the shard' });
  }
  const table = new CountTable(body.settings);
  table.corpus.push(...body.corpus);
  for (let i = 0; i < body.keys.length; i++) table.add(body.keys[i]!, body.counts[i]!);
  return table;
}
