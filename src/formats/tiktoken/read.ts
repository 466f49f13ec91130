// Readers of OpenAI's byte-pair files: tiktoken rank files (`<base64 bytes> <rank>` per line)
// and GPT-2's `encoder.json` + `vocab.bpe` pair. A rank file of a known encoding (r50k, p50k,
// cl100k, o200k) is recognised by its SHA-256 and gets that encoding's pattern and special
// tokens. Encoding follows tiktoken: a pre-token that is a piece is emitted whole, and otherwise
// the adjacent pair whose joined bytes have the lowest rank merges first, leftmost on ties.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ToksmithError } from '../../errors.js';
import type { AddedTokenSpec, PipelineSpec } from '../../pipeline/spec.js';
import type { PreTokenizerName } from '../../pre-tokenizers.js';
import { normalPieceTrie } from '../../encoder.js';
import { sortIdsByBytes } from '../../sorted-trie.js';
import { utf8Encoder } from '../../utf8.js';
import { definePiecesLazily, PieceKind, pieceStoreOf, type PieceStore, type Vocab } from '../../vocab.js';
import { GPT2_CHARACTER_BYTES } from '../gpt2-bytes.js';
import type { VocabReader } from '../types.js';
import { translatePattern } from './pattern.js';

/** An encoding that tiktoken ships, identified by the SHA-256 of its rank file. */
export interface KnownEncoding {
  name: string;
  preTokenizer: PreTokenizerName;
  specials: Record<string, number>;
}

/** SHA-256 of the rank files OpenAI publishes, checked against the copies in gpt-tokenizer 4.0.0. */
export const KNOWN_ENCODINGS: Record<string, KnownEncoding> = {
  '306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930': {
    name: 'r50k_base',
    preTokenizer: 'gpt2',
    specials: { '<|endoftext|>': 50256 },
  },
  '94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069': {
    name: 'p50k_base',
    preTokenizer: 'gpt2',
    specials: { '<|endoftext|>': 50256 },
  },
  '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7': {
    name: 'cl100k_base',
    preTokenizer: 'cl100k',
    specials: {
      '<|endoftext|>': 100257,
      '<|fim_prefix|>': 100258,
      '<|fim_middle|>': 100259,
      '<|fim_suffix|>': 100260,
      '<|endofprompt|>': 100276,
    },
  },
  '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d': {
    name: 'o200k_base',
    preTokenizer: 'o200k',
    specials: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
  },
};

export interface TiktokenReadOptions {
  /** Splitting pattern in tiktoken's (Rust regex) syntax, required for a rank file of no known encoding. */
  pattern?: string;
  /** Special tokens as content → id, added to those of a known encoding. */
  specials?: Record<string, number>;
}

const BASE64_VALUES = (() => {
  const values = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
})();

/**
 * Parses a rank file into piece bytes by rank, stored back to back. Throws a one-line error
 * naming the line for a malformed line, a rank out of order or an empty piece.
 */
export function parseRankFile(file: Uint8Array, name: string): PieceStore {
  // The decoded pieces take at most 3/4 of the file.
  const bytes = new Uint8Array(Math.ceil((file.length * 3) / 4));
  const ends: number[] = [];
  let written = 0;
  let line = 1;
  for (let position = 0; position < file.length; line++) {
    let lineEnd = file.indexOf(0x0a, position);
    if (lineEnd < 0) lineEnd = file.length;
    let contentEnd = lineEnd;
    if (contentEnd > position && file[contentEnd - 1] === 0x0d) contentEnd--;
    const space = file.indexOf(0x20, position);
    const malformed = (): ToksmithError => {
      const text = new TextDecoder('utf-8', { fatal: false }).decode(file.subarray(position, Math.min(contentEnd, position + 40)));
      return new ToksmithError(`${name}:${line}: malformed rank line ${JSON.stringify(text)}`, {
        hint: 'each line must be "<base64 bytes> <rank>"; check that this is a .tiktoken rank file',
      });
    };
    if (space < 0 || space >= contentEnd) {
      if (contentEnd === position && lineEnd >= file.length - 1) break;
      throw malformed();
    }

    // 1. The rank must be the line's index among ranked lines.
    let rank = 0;
    if (space + 1 === contentEnd) throw malformed();
    for (let i = space + 1; i < contentEnd; i++) {
      const digit = file[i]! - 0x30;
      if (digit < 0 || digit > 9) throw malformed();
      rank = rank * 10 + digit;
    }
    if (rank !== ends.length) {
      throw new ToksmithError(`${name}:${line}: rank ${rank} out of order (expected ${ends.length})`, {
        hint: 'ranks must run 0, 1, 2, … without gaps; the file may be corrupt',
      });
    }

    // 2. Decode the base64 piece.
    let accumulator = 0;
    let bits = 0;
    let padding = 0;
    const pieceStart = written;
    for (let i = position; i < space; i++) {
      const character = file[i]!;
      if (character === 0x3d && i >= space - 2) {
        padding++;
        continue;
      }
      const value = BASE64_VALUES[character]!;
      if (value < 0 || padding > 0) throw malformed();
      accumulator = ((accumulator << 6) | value) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes[written++] = (accumulator >> bits) & 0xff;
      }
    }
    if ((space - position) % 4 !== 0 || written === pieceStart) throw malformed();
    ends.push(written);
    position = lineEnd + 1;
  }
  if (ends.length === 0) throw new ToksmithError(`${name}: no ranks in the file`, { hint: 'pass a .tiktoken rank file' });
  return { bytes: bytes.subarray(0, written), ends: Uint32Array.from(ends) };
}

/**
 * Derives merges from byte-pair ranks: every split of a ranked piece into two pieces is a merge
 * that makes it. With `rankMergesByResult`, a merge's priority is the rank of the piece it
 * makes, which is tiktoken's rule. Throws when two lines hold the same piece.
 */
export function mergesFromRanks(vocab: Vocab, rankCount: number, name: string): Int32Array {
  const store = pieceStoreOf(vocab);
  const order = vocab.byteOrder ?? sortIdsByBytes(store);
  for (let k = 1; k < order.length; k++) {
    const previous = order[k - 1]!;
    const current = order[k]!;
    if (previous < rankCount && current < rankCount && samePiece(store, previous, current)) {
      throw new ToksmithError(`${name}: ranks ${previous} and ${current} hold the same piece`, { hint: 'the file may be corrupt' });
    }
  }
  const trie = normalPieceTrie(vocab);
  const prefixIds = new Int32Array(trie.maxPieceBytes);
  const prefixLengths = new Int32Array(trie.maxPieceBytes);
  const merges: number[] = [];
  const { bytes, ends } = store;
  for (let id = 0; id < rankCount; id++) {
    const start = id > 0 ? ends[id - 1]! : 0;
    const end = ends[id]!;
    const count = trie.prefixes(bytes, start, end, prefixIds, prefixLengths);
    for (let k = 0; k < count; k++) {
      if (start + prefixLengths[k]! >= end) continue;
      const right = trie.lookup(bytes, start + prefixLengths[k]!, end);
      if (right >= 0) merges.push(prefixIds[k]!, right);
    }
  }
  return Int32Array.from(merges);
}

function samePiece(store: PieceStore, a: number, b: number): boolean {
  const aStart = a > 0 ? store.ends[a - 1]! : 0;
  const bStart = b > 0 ? store.ends[b - 1]! : 0;
  const length = store.ends[a]! - aStart;
  if (store.ends[b]! - bStart !== length) return false;
  for (let i = 0; i < length; i++) if (store.bytes[aStart + i] !== store.bytes[bStart + i]) return false;
  return true;
}

/** Builds a byte-level BPE vocabulary from ranked pieces and specials; ids between them stay reserved. */
export function vocabFromRanks(
  ranked: PieceStore,
  specials: Record<string, number>,
  preTokenizer: Vocab['preTokenizer'],
  source: string,
  name: string,
  pipelineSteps?: Pick<PipelineSpec, 'preTokenizers'>,
): Vocab {
  const rankCount = ranked.ends.length;

  // 1. Specials follow the ranks; ids between are never produced (o200k and cl100k have such gaps).
  const entries = Object.entries(specials).sort((a, b) => a[1] - b[1]);
  const size = Math.max(rankCount, ...entries.map(([, id]) => id + 1));
  const kinds = new Uint8Array(size).fill(PieceKind.special);
  kinds.fill(PieceKind.normal, 0, rankCount);
  const extra: Uint8Array[] = [];
  const addedTokens: AddedTokenSpec[] = [];
  const contentOf = new Map<number, Uint8Array>();
  for (const [content, id] of entries) {
    if (!Number.isInteger(id) || id < rankCount) {
      throw new ToksmithError(`${name}: special token ${content} has id ${id}, which a ranked piece already uses`, { hint: 'give special tokens ids above the last rank' });
    }
    contentOf.set(id, utf8Encoder.encode(content));
    addedTokens.push({ id, content, special: true, lstrip: false, rstrip: false, singleWord: false, normalized: false });
  }
  for (let id = rankCount; id < size; id++) extra.push(contentOf.get(id) ?? new Uint8Array(0));

  // 2. One piece store for ranks and specials.
  let extraBytes = 0;
  for (const piece of extra) extraBytes += piece.length;
  const bytes = new Uint8Array(ranked.bytes.length + extraBytes);
  bytes.set(ranked.bytes);
  const ends = new Uint32Array(size);
  ends.set(ranked.ends);
  let position = ranked.bytes.length;
  for (let k = 0; k < extra.length; k++) {
    bytes.set(extra[k]!, position);
    position += extra[k]!.length;
    ends[rankCount + k] = position;
  }
  const vocab: Vocab = {
    algorithm: 'bpe',
    pieces: [],
    pieceStore: { bytes, ends },
    kinds,
    normalizer: 'none',
    preTokenizer,
    defaultMethod: 'merges',
    pipeline: {
      source,
      normalizers: [],
      preTokenizers: pipelineSteps?.preTokenizers ?? [],
      decoders: [],
      addedTokens,
      model: { type: 'bpe', ignoreMerges: true, rankMergesByResult: true },
    },
  };
  definePiecesLazily(vocab, vocab.pieceStore!);
  vocab.byteOrder = sortIdsByBytes(vocab.pieceStore!);
  vocab.merges = mergesFromRanks(vocab, rankCount, name);
  return vocab;
}

/** Reads a `.tiktoken` rank file. */
export function readTiktoken(path: string, options: TiktokenReadOptions = {}): Vocab {
  const file = readFileSync(path);
  const hash = createHash('sha256').update(file).digest('hex');
  const known = KNOWN_ENCODINGS[hash];
  const ranked = parseRankFile(file, path);
  if (known !== undefined && options.pattern === undefined) {
    return vocabFromRanks(ranked, { ...known.specials, ...options.specials }, { type: known.preTokenizer }, `tiktoken:${known.name}`, path);
  }
  if (options.pattern === undefined) {
    throw new ToksmithError(`${path}: rank file of no known encoding (SHA-256 ${hash.slice(0, 12)}…) and no splitting pattern`, {
      hint: 'pass --pattern with the regular expression the encoding splits text with',
    });
  }
  const regex = translatePattern(options.pattern, '--pattern');
  return vocabFromRanks(ranked, options.specials ?? {}, { type: 'none' }, 'tiktoken', path, {
    preTokenizers: [{ type: 'split', pattern: { regex }, behavior: 'isolated', invert: false }],
  });
}

/** Converts a GPT-2 token string (bytes shown as characters) to its bytes; throws for a foreign character. */
export function gpt2TokenBytes(token: string, where: string): Uint8Array {
  const bytes = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const byte = GPT2_CHARACTER_BYTES.get(token[i]!);
    if (byte === undefined) {
      throw new ToksmithError(`${where}: character U+${token.codePointAt(i)!.toString(16).toUpperCase().padStart(4, '0')} is not in GPT-2's byte alphabet`, {
        hint: 'the file is not a byte-level GPT-2 vocabulary',
      });
    }
    bytes[i] = byte;
  }
  return bytes;
}

/** Finds the `encoder.json` and `vocab.bpe` pair from either file's path. */
function gpt2Pair(path: string): { encoderPath: string; mergesPath: string } {
  const directory = dirname(path);
  const isMerges = extname(path) === '.bpe';
  const encoderPath = isMerges ? join(directory, basename(path).replace(/vocab\.bpe$/, 'encoder.json')) : path;
  const mergesPath = isMerges ? path : join(directory, basename(path).replace(/encoder\.json$/, 'vocab.bpe'));
  for (const needed of [encoderPath, mergesPath]) {
    if (!existsSync(needed)) {
      throw new ToksmithError(`${needed}: file not found`, { hint: 'GPT-2 vocabularies need encoder.json and vocab.bpe side by side' });
    }
  }
  return { encoderPath, mergesPath };
}

/** Reads GPT-2's `encoder.json` (token → id) and `vocab.bpe` (merges) into a byte-level BPE vocabulary. */
export function readGpt2(path: string): Vocab {
  const { encoderPath, mergesPath } = gpt2Pair(path);
  let encoder: Record<string, number>;
  try {
    encoder = JSON.parse(readFileSync(encoderPath, 'utf8')) as Record<string, number>;
  } catch (error) {
    throw new ToksmithError(`${encoderPath}: invalid JSON: ${(error as Error).message}`, { hint: 'pass the encoder.json of a GPT-2 vocabulary', cause: error });
  }
  const pieces: Uint8Array[] = [];
  const kinds: number[] = [];
  const idOf = new Map<string, number>();
  const addedTokens: AddedTokenSpec[] = [];
  for (const [token, id] of Object.entries(encoder)) {
    if (!Number.isInteger(id) || id < 0) throw new ToksmithError(`${encoderPath}: token ${JSON.stringify(token)} has invalid id ${String(id)}`, { hint: 'ids must be non-negative integers' });
    if (pieces[id] !== undefined) throw new ToksmithError(`${encoderPath}: id ${id} is used twice`, { hint: 'the file may be corrupt' });
    if (/^<\|.*\|>$/.test(token)) {
      pieces[id] = new TextEncoder().encode(token);
      kinds[id] = PieceKind.special;
      addedTokens.push({ id, content: token, special: true, lstrip: false, rstrip: false, singleWord: false, normalized: false });
      continue;
    }
    pieces[id] = gpt2TokenBytes(token, `${encoderPath}: token ${JSON.stringify(token)}`);
    kinds[id] = PieceKind.normal;
    idOf.set(token, id);
  }
  for (let id = 0; id < pieces.length; id++) {
    if (pieces[id] === undefined) throw new ToksmithError(`${encoderPath}: id ${id} is missing`, { hint: 'ids must run 0, 1, 2, … without gaps' });
  }

  const lines = readFileSync(mergesPath, 'utf8').split('\n');
  const merges: number[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, '');
    if (line.length === 0 || (index === 0 && line.startsWith('#version'))) continue;
    const parts = line.split(' ');
    const left = idOf.get(parts[0]!);
    const right = idOf.get(parts[1] ?? '');
    if (parts.length !== 2 || left === undefined || right === undefined || !idOf.has(parts[0]! + parts[1]!)) {
      throw new ToksmithError(`${mergesPath}:${index + 1}: invalid merge ${JSON.stringify(line)}`, {
        hint: 'each line must be two tokens of encoder.json, separated by one space, that join to a token',
      });
    }
    merges.push(left, right);
  }
  return {
    algorithm: 'bpe',
    pieces,
    kinds: Uint8Array.from(kinds),
    merges: Int32Array.from(merges),
    normalizer: 'none',
    preTokenizer: { type: 'gpt2' },
    defaultMethod: 'merges',
    pipeline: { source: 'gpt2', normalizers: [], preTokenizers: [], decoders: [], addedTokens, model: { type: 'bpe' } },
  };
}

const RANK_LINE = /^[A-Za-z0-9+/]+={0,2} \d+\r?\n/;

export const tiktokenReader: VocabReader = {
  format: '.tiktoken (tiktoken rank file)',
  prefix: 'tiktoken',
  accepts: (path, head) => extname(path) === '.tiktoken' || RANK_LINE.test(new TextDecoder().decode(head)),
  read: (path, options) => readTiktoken(path, { pattern: options.pattern }),
};

export const gpt2Reader: VocabReader = {
  format: 'encoder.json + vocab.bpe (GPT-2)',
  prefix: 'gpt2',
  accepts: (path) => basename(path).endsWith('vocab.bpe') || basename(path).endsWith('encoder.json'),
  read: (path) => readGpt2(path),
};
