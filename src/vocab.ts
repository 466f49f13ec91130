// The vocabulary model shared by every algorithm: pieces as UTF-8 bytes indexed by id, with
// optional scores and ordered merges, special tokens, the unknown and byte-fallback pieces,
// normalizer and pre-tokenizer settings, and the default segmentation method.
// Saving and loading live in vocab-file.ts; applying a vocabulary lives in encoder.ts.

import { invariant } from './errors.js';
import type { NormalizerName } from './normalizers.js';
import type { PipelineSpec } from './pipeline/spec.js';
import type { PreTokenizerSpec } from './pre-tokenizers.js';
import { bytePieceName, utf8Encoder } from './utf8.js';

/** Text of the unknown piece. */
export const UNKNOWN_PIECE = '<unk>';

/** Algorithms that `toksmith train` builds. */
export const ALGORITHMS = ['char', 'bpe', 'unigram', 'lib'] as const;
/** Model types of imported tokenizers that toksmith applies but does not train. */
export const IMPORTED_ALGORITHMS = ['wordpiece', 'wordlevel'] as const;
export type Algorithm = (typeof ALGORITHMS)[number] | (typeof IMPORTED_ALGORITHMS)[number];

/** Segmentation methods a vocabulary can be applied with. */
export const METHODS = ['longest', 'fewest', 'merges', 'viterbi', 'lib', 'wordpiece', 'wordlevel'] as const;
export type MethodName = (typeof METHODS)[number];

/** Kind of a piece. Only `normal` pieces are matched against text. */
export const PieceKind = {
  normal: 0,
  /** A special token such as `<s>`: never produced from text, never merged. */
  special: 1,
  /** The unknown piece, emitted for a character with no piece when there is no byte fallback. */
  unknown: 2,
  /** A byte-fallback piece `<0xNN>` standing for one raw byte. */
  byte: 3,
} as const;
export type PieceKind = (typeof PieceKind)[keyof typeof PieceKind];

/** Origin of a vocabulary. Not part of the deterministic vocabulary section. */
export interface Provenance {
  command: string;
  corpus: { file: string; bytes: number; sha256: string }[];
  createdAt: string;
  toksmithVersion: string;
  /** Trainer settings and figures, such as the requested size or the character coverage reached. */
  training?: Record<string, string | number | boolean>;
}

export interface Vocab {
  algorithm: Algorithm;
  /** Piece bytes by id. Byte-fallback pieces hold their one byte; specials hold their text. */
  pieces: Uint8Array[];
  kinds: Uint8Array;
  /** Log-probability per id (Unigram, LiB ranks), if the algorithm has scores. */
  scores?: Float64Array;
  /** Ordered merges as id pairs: merge `rank` joins `merges[2*rank]` and `merges[2*rank+1]`. */
  merges?: Int32Array;
  /** Id that each merge makes, derived from `merges`; .tok files store it so loading skips the trie lookups. */
  mergeResults?: Int32Array;
  normalizer: NormalizerName;
  preTokenizer: PreTokenizerSpec;
  defaultMethod: MethodName;
  /**
   * Steps of a tokenizer imported from another tool. When present, encoding and decoding apply
   * them in place of `normalizer` and `preTokenizer`, which are then 'none'.
   */
  pipeline?: PipelineSpec;
  provenance?: Provenance;
  /**
   * The piece bytes back to back, as a .tok file stores them. When present it matches `pieces`,
   * and encoders and decoders read it instead of the per-piece views, which are created only
   * when first used (200,000 views take 60-85 ms to create in a fresh process).
   */
  pieceStore?: PieceStore;
  /**
   * All ids sorted by piece bytes, derived from `pieces`. Saved in .tok files so that loading
   * can build the encoding trie without sorting; computed when absent.
   */
  byteOrder?: Int32Array;
}

/** Piece bytes stored back to back: piece `id` is `bytes[ends[id - 1], ends[id])`, with ends[-1] = 0. */
export interface PieceStore {
  bytes: Uint8Array;
  ends: Uint32Array;
}

/** Returns the vocabulary's piece store, or builds one from its pieces. */
export function pieceStoreOf(vocab: Vocab): PieceStore {
  return vocab.pieceStore ?? pieceStoreFromPieces(vocab.pieces);
}

/** Stores pieces back to back. */
export function pieceStoreFromPieces(pieces: readonly Uint8Array[]): PieceStore {
  let total = 0;
  for (const piece of pieces) total += piece.length;
  const bytes = new Uint8Array(total);
  const ends = new Uint32Array(pieces.length);
  let position = 0;
  for (let id = 0; id < pieces.length; id++) {
    bytes.set(pieces[id]!, position);
    position += pieces[id]!.length;
    ends[id] = position;
  }
  return { bytes, ends };
}

/**
 * Makes `vocab.pieces` a getter that creates the per-piece views on first use and then turns
 * into a plain property, so commands that only need the piece store never create them.
 */
export function definePiecesLazily(vocab: Vocab, store: PieceStore): void {
  const { bytes: blob, ends } = store;
  const settle = (pieces: Uint8Array[]): void => {
    Object.defineProperty(vocab, 'pieces', { value: pieces, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(vocab, 'pieces', {
    enumerable: true,
    configurable: true,
    get() {
      const pieces = new Array<Uint8Array>(ends.length);
      let start = 0;
      for (let id = 0; id < ends.length; id++) {
        pieces[id] = blob.subarray(start, ends[id]!);
        start = ends[id]!;
      }
      settle(pieces);
      return pieces;
    },
    set: settle,
  });
}

/** Ids that encode and decode look up often, derived once from a vocabulary. */
export interface VocabIndex {
  unknownId: number;
  /** Id of the byte-fallback piece for each byte value, or -1 everywhere without byte fallback. */
  byteIds: Int32Array;
  hasByteFallback: boolean;
  specialIds: number[];
}

/** Derives the unknown id, the byte-fallback table and the special ids of a vocabulary. */
export function indexVocab(vocab: Vocab): VocabIndex {
  const byteIds = new Int32Array(256).fill(-1);
  let unknownId = -1;
  let byteCount = 0;
  const specialIds: number[] = [];
  const store = pieceStoreOf(vocab);
  for (let id = 0; id < vocab.kinds.length; id++) {
    const kind = vocab.kinds[id];
    if (kind === PieceKind.unknown) {
      unknownId = id;
    } else if (kind === PieceKind.byte) {
      const start = id > 0 ? store.ends[id - 1]! : 0;
      invariant(store.ends[id]! - start === 1, `byte piece ${id} is not one byte long`);
      byteIds[store.bytes[start]!] = id;
      byteCount++;
    } else if (kind === PieceKind.special) {
      specialIds.push(id);
    }
  }
  return { unknownId, byteIds, hasByteFallback: byteCount === 256, specialIds };
}

/** Formats a piece for people: `<0xNN>` for byte pieces, its text otherwise. */
export function pieceLabel(vocab: Vocab, id: number, display: (bytes: Uint8Array) => string): string {
  const piece = vocab.pieces[id]!;
  if (vocab.kinds[id] === PieceKind.byte) return bytePieceName(piece[0]!);
  return display(piece);
}

/** Counts pieces per kind. */
export function countKinds(vocab: Vocab): Record<keyof typeof PieceKind, number> {
  const counts = { normal: 0, special: 0, unknown: 0, byte: 0 };
  for (const kind of vocab.kinds) {
    if (kind === PieceKind.special) counts.special++;
    else if (kind === PieceKind.unknown) counts.unknown++;
    else if (kind === PieceKind.byte) counts.byte++;
    else counts.normal++;
  }
  return counts;
}

/**
 * Returns the pieces that vocabularies with an unknown piece start with, in id order: `<unk>`,
 * the special tokens as given, then the 256 byte-fallback pieces when `byteFallback` is set.
 */
export function reservedPieces(specials: readonly string[], byteFallback: boolean): { pieces: Uint8Array[]; kinds: number[] } {
  const pieces: Uint8Array[] = [utf8Encoder.encode(UNKNOWN_PIECE)];
  const kinds: number[] = [PieceKind.unknown];
  for (const special of specials) {
    pieces.push(utf8Encoder.encode(special));
    kinds.push(PieceKind.special);
  }
  if (byteFallback) {
    for (let byte = 0; byte < 256; byte++) {
      pieces.push(Uint8Array.of(byte));
      kinds.push(PieceKind.byte);
    }
  }
  return { pieces, kinds };
}

/** Number of ids that every vocabulary reserves before learned pieces: unknown, specials, bytes. */
export function reservedPieceCount(specialCount: number, byteFallback: boolean): number {
  return 1 + specialCount + (byteFallback ? 256 : 0);
}
