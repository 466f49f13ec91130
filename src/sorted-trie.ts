// A read-only byte trie built from pieces in byte order, for encoding. Nodes are numbered
// level by level, so the children of a node sit next to each other with their bytes in
// ascending order and are found by binary search. Building walks each piece once and makes
// no hash table, which keeps loading large vocabularies fast; ByteTrie (trie.ts) stays the
// structure for vocabularies that change while training.

import type { PrefixMatcher } from './trie.js';
import type { PieceStore } from './vocab.js';

export class SortedTrie implements PrefixMatcher {
  private readonly rootChildren = new Int32Array(256).fill(-1);
  private readonly labels: Uint8Array;
  private readonly firstChild: Int32Array;
  private readonly childCount: Int32Array;
  /** Piece id at each node, or -1 where no piece ends. */
  private readonly values: Int32Array;
  readonly maxPieceBytes: number;
  readonly size: number;

  /**
   * Builds the trie of the pieces `ids`, read from `store`. `ids` must be sorted by piece bytes
   * (shorter first on a common prefix) and hold no empty piece; when two pieces have equal
   * bytes, the later id wins.
   */
  constructor(store: PieceStore, ids: Int32Array) {
    // 1. Copy the pieces in byte order into one buffer, so each level below reads memory in order.
    const { bytes, ends } = store;
    const keyStart = new Int32Array(ids.length + 1);
    let maxLength = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const length = ends[id]! - (id > 0 ? ends[id - 1]! : 0);
      keyStart[k + 1] = keyStart[k]! + length;
      if (length > maxLength) maxLength = length;
    }
    const blob = new Uint8Array(keyStart[ids.length]!);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      blob.set(bytes.subarray(id > 0 ? ends[id - 1]! : 0, ends[id]!), keyStart[k]!);
    }

    // Count nodes: each key adds the bytes it does not share with the key before it.
    let nodeCount = 1 + (ids.length > 0 ? keyStart[1]! : 0);
    for (let k = 1; k < ids.length; k++) {
      const previous = keyStart[k - 1]!;
      const current = keyStart[k]!;
      const currentLength = keyStart[k + 1]! - current;
      const shared = Math.min(current - previous, currentLength);
      let common = 0;
      while (common < shared && blob[previous + common] === blob[current + common]) common++;
      nodeCount += currentLength - common;
    }
    this.size = nodeCount;
    this.maxPieceBytes = maxLength;
    this.labels = new Uint8Array(nodeCount);
    this.firstChild = new Int32Array(nodeCount);
    this.childCount = new Int32Array(nodeCount);
    this.values = new Int32Array(nodeCount).fill(-1);

    // 2. Breadth-first: node n stands for the keys [rangeStart[n], rangeEnd[n]) that share its
    // prefix of length depth[n]; its children split that range by the next byte.
    const labels = this.labels;
    const firstChild = this.firstChild;
    const childCount = this.childCount;
    const values = this.values;
    const rootChildren = this.rootChildren;
    const rangeStart = new Int32Array(nodeCount);
    const rangeEnd = new Int32Array(nodeCount);
    const depth = new Int32Array(nodeCount);
    const keyIds = Int32Array.from(ids);
    rangeEnd[0] = keyIds.length;
    let created = 1;
    for (let node = 0; node < created; node++) {
      const level = depth[node]!;
      let k = rangeStart[node]!;
      const end = rangeEnd[node]!;
      // Keys that end here sort first in the range; with equal keys the last id wins.
      while (k < end && keyStart[k + 1]! - keyStart[k]! === level) {
        if (level > 0) values[node] = keyIds[k]!;
        k++;
      }
      firstChild[node] = created;
      while (k < end) {
        const byte = blob[keyStart[k]! + level]!;
        const child = created++;
        labels[child] = byte;
        depth[child] = level + 1;
        rangeStart[child] = k;
        k++;
        while (k < end && blob[keyStart[k]! + level] === byte) k++;
        rangeEnd[child] = k;
        if (node === 0) rootChildren[byte] = child;
      }
      childCount[node] = created - firstChild[node]!;
    }
  }

  /** Builds the trie of the pieces whose ids pass `include`, sorting them by bytes unless `byteOrder` is given. */
  static build(store: PieceStore, include: (id: number) => boolean = () => true, byteOrder?: ArrayLike<number>): SortedTrie {
    const order = byteOrder ?? sortIdsByBytes(store);
    const ids = new Int32Array(order.length);
    let count = 0;
    for (let k = 0; k < order.length; k++) {
      const id = order[k]!;
      const length = store.ends[id]! - (id > 0 ? store.ends[id - 1]! : 0);
      if (length > 0 && include(id)) ids[count++] = id;
    }
    return new SortedTrie(store, ids.subarray(0, count));
  }

  lookup(bytes: Uint8Array, start = 0, end = bytes.length): number {
    if (end <= start) return -1;
    let node = this.rootChildren[bytes[start]!]!;
    for (let i = start + 1; i < end && node >= 0; i++) node = this.child(node, bytes[i]!);
    return node < 0 ? -1 : this.values[node]!;
  }

  longestPrefix(bytes: Uint8Array, start: number, end: number, match: Int32Array): number {
    if (start >= end) return 0;
    let node = this.rootChildren[bytes[start]!]!;
    let bestLength = 0;
    let i = start + 1;
    while (node >= 0) {
      const id = this.values[node]!;
      if (id >= 0) {
        bestLength = i - start;
        match[0] = id;
      }
      if (i >= end) break;
      node = this.child(node, bytes[i]!);
      i++;
    }
    return bestLength;
  }

  prefixes(bytes: Uint8Array, start: number, end: number, ids: Int32Array, lengths: Int32Array): number {
    if (start >= end) return 0;
    let node = this.rootChildren[bytes[start]!]!;
    let found = 0;
    let i = start + 1;
    while (node >= 0) {
      const id = this.values[node]!;
      if (id >= 0) {
        ids[found] = id;
        lengths[found] = i - start;
        found++;
      }
      if (i >= end) break;
      node = this.child(node, bytes[i]!);
      i++;
    }
    return found;
  }

  private child(node: number, byte: number): number {
    let low = this.firstChild[node]!;
    let high = low + this.childCount[node]! - 1;
    // Most nodes have few children: scan those, binary-search the rest.
    if (high - low < 8) {
      for (let i = low; i <= high; i++) {
        const label = this.labels[i]!;
        if (label === byte) return i;
        if (label > byte) return -1;
      }
      return -1;
    }
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const label = this.labels[middle]!;
      if (label === byte) return middle;
      if (label < byte) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}

/** Returns all ids ordered by piece bytes (a shorter piece first on a common prefix), then by id. */
export function sortIdsByBytes(store: PieceStore): Int32Array {
  // Latin-1 strings compare code unit by code unit, which is byte order, and the engine's
  // string sort is much faster than a comparator over byte arrays.
  const bytes = Buffer.from(store.bytes.buffer, store.bytes.byteOffset, store.bytes.byteLength);
  const keys = Array.from(store.ends, (end, id) => ({ id, key: bytes.toString('latin1', id > 0 ? store.ends[id - 1]! : 0, end) }));
  keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id));
  return Int32Array.from(keys, (entry) => entry.id);
}
