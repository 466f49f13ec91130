// Exact lookup of whole pieces by their bytes, for the methods that look pieces up by content
// (WordPiece, WordLevel) rather than walking the trie. Unlike the trie, it also contains
// special and unknown pieces, because Hugging Face's models look words up in their whole vocabulary.

import { PieceKind, pieceStoreOf, type Vocab } from '../vocab.js';

/** Returns the bytes [start, end) as a string of one char per byte, the key of a piece map. */
export function byteKey(bytes: Uint8Array, start: number, end: number): string {
  let key = '';
  for (let i = start; i < end; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

/** Maps the byte key of every piece except byte-fallback pieces to its id; the first id wins. */
export function buildPieceMap(vocab: Vocab): Map<string, number> {
  const store = pieceStoreOf(vocab);
  const map = new Map<string, number>();
  for (let id = 0; id < vocab.kinds.length; id++) {
    if (vocab.kinds[id] === PieceKind.byte) continue;
    const key = byteKey(store.bytes, id > 0 ? store.ends[id - 1]! : 0, store.ends[id]!);
    if (!map.has(key)) map.set(key, id);
  }
  return map;
}
