// The probation pool of the LiB trainer: units that must prove themselves within a number of
// steps (their life) or be forgotten. A new unit records the chunks around it when it was
// memorized (its context), so that meeting it again in the same context differs from meeting
// it in a new one (the 2023 rewrite's `inspect_context`). Tail units carry no context.

/** The chunks around a unit when it was memorized; empty arrays at a sentence edge. */
export interface UnitContext {
  left: Uint8Array;
  right: Uint8Array;
}

export interface ProbationEntry {
  /** Steps left before the unit is forgotten. */
  life: number;
  /** Undefined for units sent to probation from the lexicon's tail. */
  context: UnitContext | undefined;
}

/** Units on probation, by lexicon slot, in the order they went on probation. */
export class ProbationPool {
  readonly entries = new Map<number, ProbationEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(slot: number): ProbationEntry | undefined {
    return this.entries.get(slot);
  }

  has(slot: number): boolean {
    return this.entries.has(slot);
  }

  start(slot: number, life: number, context: UnitContext | undefined): void {
    this.entries.set(slot, { life, context });
  }

  release(slot: number): void {
    this.entries.delete(slot);
  }

  /**
   * Counts every life down by one step and returns the slots whose life ran out, in pool
   * order; those leave the pool.
   */
  countDown(): number[] {
    const expired: number[] = [];
    for (const [slot, entry] of this.entries) {
      entry.life--;
      if (entry.life < 1) {
        expired.push(slot);
        this.entries.delete(slot);
      }
    }
    return expired;
  }
}
