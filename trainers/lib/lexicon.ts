// The ranked lexicon of the LiB trainer: units (byte strings of whole characters) in a ByteTrie
// for matching, plus two rank arrays (rank → slot and slot → rank). The LiB reference code's
// TrieList likewise keeps a trie beside an ordered list. Rank 0 is the best unit.
// Deciding what joins, moves or leaves is the memorizer's and the forgetter's job.

import { invariant } from '../../src/errors.js';
import { ByteTrie } from '../../src/trie.js';

/** Result of {@link RankedLexicon.move}. */
export const MoveResult = { moved: 0, removed: 1 } as const;
export type MoveResult = (typeof MoveResult)[keyof typeof MoveResult];

/**
 * Units addressed by slot. A slot is stable while its unit lives and is reused after the unit is
 * removed, so slots index the typed arrays here and in the probation pool.
 */
export class RankedLexicon {
  trie = new ByteTrie(4096);
  /** Unit bytes by slot; undefined for a free slot. */
  readonly pieces: (Uint8Array | undefined)[] = [];
  /** 1 where the unit is one character of the corpus: characters are never removed. */
  characterFlags: Uint8Array = new Uint8Array(1024);
  /** Rank by slot, -1 for a free slot. */
  rankOf: Int32Array = new Int32Array(1024).fill(-1);
  /** Slot by rank, for ranks 0 .. size-1. */
  order: Int32Array = new Int32Array(1024);
  private count = 0;
  private readonly freeSlots: number[] = [];
  private liveBytes = 0;

  /** Number of units. */
  get size(): number {
    return this.count;
  }

  /** Rank by slot, in the form the two-path parser reads. */
  get ranks(): Int32Array {
    return this.rankOf;
  }

  /** Slot of exactly `bytes[start, end)`, or -1 when it is not a unit. */
  slotOf(bytes: Uint8Array, start: number, end: number): number {
    return this.trie.lookup(bytes, start, end);
  }

  isCharacter(slot: number): boolean {
    return this.characterFlags[slot] === 1;
  }

  /** Appends a unit at the bottom rank and returns its slot. The unit must not be present. */
  append(piece: Uint8Array, isCharacter: boolean): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.pieces.length;
    if (slot === this.pieces.length) {
      this.pieces.push(undefined);
      this.growSlots(slot + 1);
    }
    this.growOrder(this.count + 1);
    this.pieces[slot] = piece;
    this.characterFlags[slot] = isCharacter ? 1 : 0;
    this.rankOf[slot] = this.count;
    this.order[this.count] = slot;
    this.count++;
    this.liveBytes += piece.length;
    this.trie.insert(piece, slot);
    return slot;
  }

  /**
   * Moves a unit `places` ranks: negative toward rank 0 (stopping there), positive toward the
   * bottom. A unit pushed past the bottom is removed, as in the reference code, except a
   * character, which stops at the bottom rank.
   */
  move(slot: number, places: number): MoveResult {
    const rank = this.rankOf[slot]!;
    invariant(rank >= 0, `move of free slot ${slot}`);
    const order = this.order;
    const rankOf = this.rankOf;
    if (places < 0) {
      const target = Math.max(0, rank + places);
      order.copyWithin(target + 1, target, rank);
      order[target] = slot;
      for (let r = target; r <= rank; r++) rankOf[order[r]!] = r;
      return MoveResult.moved;
    }
    let target = rank + places;
    if (target >= this.count) {
      if (!this.isCharacter(slot)) {
        this.removeAt(rank);
        return MoveResult.removed;
      }
      target = this.count - 1;
    }
    order.copyWithin(rank, rank + 1, target + 1);
    order[target] = slot;
    for (let r = rank; r <= target; r++) rankOf[order[r]!] = r;
    return MoveResult.moved;
  }

  /**
   * Removes units; the others keep their relative order. Characters are removed only with
   * `allowCharacters`, which the final pruning uses.
   */
  removeMany(slots: readonly number[], allowCharacters = false): void {
    if (slots.length === 0) return;
    for (const slot of slots) {
      invariant(this.rankOf[slot]! >= 0 && (allowCharacters || !this.isCharacter(slot)), `removal of slot ${slot}`);
      this.rankOf[slot] = -1;
    }
    let remaining = 0;
    for (let r = 0; r < this.count; r++) {
      const slot = this.order[r]!;
      if (this.rankOf[slot]! < 0) continue;
      this.order[remaining] = slot;
      this.rankOf[slot] = remaining;
      remaining++;
    }
    this.count = remaining;
    for (const slot of slots) this.release(slot);
  }

  /**
   * Removes the unit at `rank`, moving the ones below it up by one. Performance: removing a
   * pushed-out unit here, in place, rather than through removeMany (a pass over the whole
   * lexicon), together with skipping empty truncations in evaluation.ts, took 1,000 steps on
   * the tr train files from 58 s to 36 s (`node --cpu-prof`, load average about 7). The rank
   * moves stay the largest cost.
   */
  private removeAt(rank: number): void {
    const slot = this.order[rank]!;
    this.order.copyWithin(rank, rank + 1, this.count);
    this.count--;
    for (let r = rank; r < this.count; r++) this.rankOf[this.order[r]!] = r;
    this.rankOf[slot] = -1;
    this.release(slot);
  }

  /** Frees the slot of a unit already taken out of the rank arrays. */
  private release(slot: number): void {
    const piece = this.pieces[slot]!;
    this.trie.insert(piece, -1);
    this.liveBytes -= piece.length;
    this.pieces[slot] = undefined;
    this.freeSlots.push(slot);
    // Removed units leave dead trie nodes behind; rebuild once they outnumber the live ones.
    if (this.trie.size > 4 * this.liveBytes + 65536) this.rebuildTrie();
  }

  /** Units in rank order, best first. */
  slotsByRank(): Int32Array {
    return this.order.slice(0, this.count);
  }

  private rebuildTrie(): void {
    const trie = new ByteTrie(this.liveBytes + 1);
    for (let r = 0; r < this.count; r++) {
      const slot = this.order[r]!;
      trie.insert(this.pieces[slot]!, slot);
    }
    this.trie = trie;
  }

  private growSlots(needed: number): void {
    if (needed <= this.rankOf.length) return;
    const capacity = needed * 2;
    this.rankOf = grow(this.rankOf, capacity, -1);
    const flags = new Uint8Array(capacity);
    flags.set(this.characterFlags);
    this.characterFlags = flags;
  }

  private growOrder(needed: number): void {
    if (needed <= this.order.length) return;
    this.order = grow(this.order, needed * 2, 0);
  }
}

function grow(array: Int32Array, capacity: number, fill: number): Int32Array {
  const grown = new Int32Array(capacity).fill(fill);
  grown.set(array);
  return grown;
}
