// Byte trie over vocabulary pieces that can grow: longest-prefix match and all-prefix
// enumeration at a position of a UTF-8 buffer, plus inserts, for trainers whose lexicon changes
// while they run. Encoding a fixed vocabulary uses SortedTrie (sorted-trie.ts), which builds
// faster; both implement PrefixMatcher, which every segmentation method runs on.
//
// Layout: the root's 256 children sit in a direct table; every other edge (node, byte) is a
// key in one open-addressing hash table of typed arrays. Building costs one hash insert per
// trie node and no sorting, which keeps vocabulary loading fast.

/** Prefix queries that every segmentation method runs on; both trie classes implement it. */
export interface PrefixMatcher {
  /** Maximum piece length in bytes: no match can be longer. */
  readonly maxPieceBytes: number;
  /** Returns the id of exactly `bytes[start, end)`, or -1. */
  lookup(bytes: Uint8Array, start?: number, end?: number): number;
  /**
   * Finds the longest piece that is a prefix of `bytes[start, end)`.
   * Returns its length in bytes, or 0 when none matches; writes its id to `match[0]`.
   */
  longestPrefix(bytes: Uint8Array, start: number, end: number, match: Int32Array): number;
  /**
   * Lists every piece that is a prefix of `bytes[start, end)`, shortest first. Writes ids and
   * byte lengths to the output arrays, which must hold `maxPieceBytes` entries; returns the count.
   */
  prefixes(bytes: Uint8Array, start: number, end: number, ids: Int32Array, lengths: Int32Array): number;
}

const EMPTY = 0;
/** Keys pack node * 256 + byte + 1 into a uint32, so nodes must stay below 2^24. */
const MAX_NODES = (2 ** 32 - 1 - 256) / 256;

export class ByteTrie implements PrefixMatcher {
  private readonly rootChildren = new Int32Array(256).fill(-1);
  private keys: Uint32Array;
  private children: Int32Array;
  private mask: number;
  private edgeCount = 0;
  /** Piece id at each node, or -1 where no piece ends. */
  private values: Int32Array;
  private nodeCount = 1;
  /** Maximum piece length in bytes: no match can be longer. */
  maxPieceBytes = 0;

  constructor(expectedNodes = 1024) {
    const capacity = nextPowerOfTwo(Math.max(16, expectedNodes * 2));
    this.keys = new Uint32Array(capacity);
    this.children = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.values = new Int32Array(Math.max(16, expectedNodes)).fill(-1);
  }

  /** Builds a trie of the pieces whose ids pass `include`. */
  static build(pieces: readonly Uint8Array[], include: (id: number) => boolean = () => true): ByteTrie {
    let totalBytes = 0;
    for (const piece of pieces) totalBytes += piece.length;
    // Shared prefixes make nodes far fewer than piece bytes (about a quarter for 200k words).
    const trie = new ByteTrie((totalBytes >> 2) + 1024);
    for (let id = 0; id < pieces.length; id++) {
      if (include(id)) trie.insert(pieces[id]!, id);
    }
    return trie;
  }

  get size(): number {
    return this.nodeCount;
  }

  /** Inserts `piece` with `id`; a later insert of the same bytes replaces the id. Empty pieces are ignored. */
  insert(piece: Uint8Array, id: number): void {
    if (piece.length === 0) return;
    let node = this.rootChildren[piece[0]!]!;
    if (node < 0) {
      node = this.newNode();
      this.rootChildren[piece[0]!] = node;
    }
    for (let i = 1; i < piece.length; i++) node = this.childOrInsert(node, piece[i]!);
    this.values[node] = id;
    if (piece.length > this.maxPieceBytes) this.maxPieceBytes = piece.length;
  }

  /** Returns the id of exactly `bytes[start, end)`, or -1. */
  lookup(bytes: Uint8Array, start = 0, end = bytes.length): number {
    if (end <= start) return -1;
    let node = this.rootChildren[bytes[start]!]!;
    for (let i = start + 1; i < end && node >= 0; i++) node = this.child(node, bytes[i]!);
    return node < 0 ? -1 : this.values[node]!;
  }

  /**
   * Finds the longest piece that is a prefix of `bytes[start, end)`.
   * Returns its length in bytes, or 0 when none matches; writes its id to `match[0]`.
   */
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

  /**
   * Lists every piece that is a prefix of `bytes[start, end)`, shortest first.
   * Writes ids and byte lengths to the output arrays, which must hold `maxPieceBytes` entries,
   * and returns how many were found.
   */
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
    const key = node * 256 + byte + 1;
    let slot = hashSlot(key) & this.mask;
    for (;;) {
      const stored = this.keys[slot]!;
      if (stored === key) return this.children[slot]!;
      if (stored === EMPTY) return -1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Returns the child of `node` on `byte`, creating it if missing, with one probe sequence. */
  private childOrInsert(node: number, byte: number): number {
    if ((this.edgeCount + 1) * 2 > this.keys.length) this.growEdges();
    const key = node * 256 + byte + 1;
    let slot = hashSlot(key) & this.mask;
    for (;;) {
      const stored = this.keys[slot]!;
      if (stored === key) return this.children[slot]!;
      if (stored === EMPTY) break;
      slot = (slot + 1) & this.mask;
    }
    const child = this.newNode();
    this.keys[slot] = key;
    this.children[slot] = child;
    this.edgeCount++;
    return child;
  }

  private newNode(): number {
    if (this.nodeCount >= MAX_NODES) {
      throw new RangeError(`trie exceeds ${MAX_NODES} nodes`);
    }
    if (this.nodeCount >= this.values.length) {
      const grown = new Int32Array(this.values.length * 2).fill(-1);
      grown.set(this.values);
      this.values = grown;
    }
    return this.nodeCount++;
  }

  private growEdges(): void {
    const oldKeys = this.keys;
    const oldChildren = this.children;
    this.keys = new Uint32Array(oldKeys.length * 2);
    this.children = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const key = oldKeys[i]!;
      if (key === EMPTY) continue;
      let slot = hashSlot(key) & this.mask;
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.children[slot] = oldChildren[i]!;
    }
  }
}

function hashSlot(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> 7;
}

function nextPowerOfTwo(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}
