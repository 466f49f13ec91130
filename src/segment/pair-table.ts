// Open-addressing hash table from a pair of non-negative int32 ids (left, right) to an int32
// value. BPE training keys pair statistics by it, and merge-order inference keys merge ranks by
// it. It replaces a JavaScript Map with `left * 2**21 + right` number keys.

/** A (left, right) → value table with linear probing; values are int32, -1 means absent. */
export class PairTable {
  private lefts: Int32Array;
  private rights: Int32Array;
  private values: Int32Array;
  private mask: number;
  /** Number of stored pairs. */
  size = 0;

  constructor(expectedSize = 1024) {
    const capacity = nextPowerOfTwo(Math.max(16, expectedSize * 2));
    this.lefts = new Int32Array(capacity).fill(-1);
    this.rights = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Returns the value stored for (left, right), or -1. */
  get(left: number, right: number): number {
    let slot = hashPair(left, right) & this.mask;
    for (;;) {
      const stored = this.lefts[slot]!;
      if (stored === -1) return -1;
      if (stored === left && this.rights[slot] === right) return this.values[slot]!;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores `value` for (left, right), replacing any earlier value. Ids must be >= 0. */
  set(left: number, right: number, value: number): void {
    this.store(left, right, value, true);
  }

  /** Stores `value` for (left, right) unless the pair is already present; returns true when stored. */
  setIfAbsent(left: number, right: number, value: number): boolean {
    return this.store(left, right, value, false);
  }

  /** Inserts the pair, or updates its value when `replace` is set; returns true unless it kept an old value. */
  private store(left: number, right: number, value: number, replace: boolean): boolean {
    if ((this.size + 1) * 2 > this.lefts.length) this.grow();
    let slot = hashPair(left, right) & this.mask;
    for (;;) {
      const stored = this.lefts[slot]!;
      if (stored === -1) {
        this.lefts[slot] = left;
        this.rights[slot] = right;
        this.values[slot] = value;
        this.size++;
        return true;
      }
      if (stored === left && this.rights[slot] === right) {
        if (replace) this.values[slot] = value;
        return replace;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { lefts, rights, values } = this;
    const capacity = lefts.length * 2;
    this.lefts = new Int32Array(capacity).fill(-1);
    this.rights = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let slot = 0; slot < lefts.length; slot++) {
      if (lefts[slot] !== -1) this.set(lefts[slot]!, rights[slot]!, values[slot]!);
    }
  }
}

function hashPair(left: number, right: number): number {
  return Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x7f4a7c15, 0x85ebca77) ^ (right >>> 15);
}

function nextPowerOfTwo(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}
