// LiB's two-path evaluation during training. Wherever the reading's longest match has a
// shorter lexicon match beside it, a second parse starts with the shorter unit and follows by
// longest match until it ends where the reading's own parse ends. The parse with fewer chunks
// (then the lower rank sum) wins. If the shorter start wins, its first unit is rewarded and the
// longer unit punished. Otherwise the longer unit is rewarded and the shorter one is left
// alone, as in both LiB reference codes, so a loser is punished only in the first case.

import type { RewardPool } from './forgetter.js';

/** Finds the longest unit at a position of the current sentence. */
export interface LongestMatch {
  /** Returns the end of the longest unit at `position` and writes its slot to `slot[0]`. */
  longestEnd(position: number, slot: Int32Array): number;
}

/** Evaluations in progress in one sentence, as parallel arrays (usually only a few at a time). */
export class PendingEvaluations {
  private longSlots: number[] = [];
  private shortSlots: number[] = [];
  private shortEnds: number[] = [];
  private longChunks: number[] = [];
  private shortChunks: number[] = [];
  private longRankSums: number[] = [];
  private shortRankSums: number[] = [];
  private readonly slot = new Int32Array(1);

  constructor(
    private readonly rewards: RewardPool,
    private readonly ranks: () => Int32Array,
  ) {}

  get size(): number {
    return this.longSlots.length;
  }

  /** Drops every pending evaluation (at the end of a sentence). */
  clear(): void {
    if (this.longSlots.length === 0) return;
    this.longSlots.length = 0;
    this.shortSlots.length = 0;
    this.shortEnds.length = 0;
    this.longChunks.length = 0;
    this.shortChunks.length = 0;
    this.longRankSums.length = 0;
    this.shortRankSums.length = 0;
  }

  /** Starts an evaluation of the reading's unit `longSlot` against the shorter `shortSlot`. */
  start(longSlot: number, shortSlot: number, shortEnd: number): void {
    const ranks = this.ranks();
    this.longSlots.push(longSlot);
    this.shortSlots.push(shortSlot);
    this.shortEnds.push(shortEnd);
    this.longChunks.push(1);
    this.shortChunks.push(1);
    this.longRankSums.push(ranks[longSlot]!);
    this.shortRankSums.push(ranks[shortSlot]!);
  }

  /** Adds a chunk of the reading's parse to every evaluation in progress. */
  addReadingChunk(slot: number): void {
    const rank = this.ranks()[slot]!;
    for (let k = 0; k < this.longSlots.length; k++) {
      this.longChunks[k]!++;
      this.longRankSums[k]! += rank;
    }
  }

  /**
   * Called when the reading's parse has reached `position`: extends every shorter-start parse
   * by longest match while it ends before `position`, and decides those that end exactly there.
   */
  settle(position: number, matcher: LongestMatch): void {
    const ranks = this.ranks();
    let pending = 0;
    for (let k = 0; k < this.longSlots.length; k++) {
      let end = this.shortEnds[k]!;
      while (end < position) {
        end = matcher.longestEnd(end, this.slot);
        this.shortChunks[k]!++;
        this.shortRankSums[k]! += ranks[this.slot[0]!]!;
      }
      this.shortEnds[k] = end;
      if (end === position) {
        this.decide(k);
        continue;
      }
      this.copy(k, pending++);
    }
    if (pending < this.longSlots.length) this.truncate(pending);
  }

  private decide(k: number): void {
    const longChunks = this.longChunks[k]!;
    const shortChunks = this.shortChunks[k]!;
    const shortWins = longChunks > shortChunks || (longChunks === shortChunks && this.longRankSums[k]! > this.shortRankSums[k]!);
    if (shortWins) {
      this.rewards.reward(this.shortSlots[k]!);
      this.rewards.punish(this.longSlots[k]!);
    } else {
      this.rewards.reward(this.longSlots[k]!);
    }
  }

  private copy(from: number, to: number): void {
    if (from === to) return;
    this.longSlots[to] = this.longSlots[from]!;
    this.shortSlots[to] = this.shortSlots[from]!;
    this.shortEnds[to] = this.shortEnds[from]!;
    this.longChunks[to] = this.longChunks[from]!;
    this.shortChunks[to] = this.shortChunks[from]!;
    this.longRankSums[to] = this.longRankSums[from]!;
    this.shortRankSums[to] = this.shortRankSums[from]!;
  }

  private truncate(length: number): void {
    this.longSlots.length = length;
    this.shortSlots.length = length;
    this.shortEnds.length = length;
    this.longChunks.length = length;
    this.shortChunks.length = length;
    this.longRankSums.length = length;
    this.shortRankSums.length = length;
  }
}
