// The LiB forgetter, run once after each step's reading in the order of the 2023 rewrite
// (ray306/The-Less-is-Better-Model). First, probation lives count down and expired units are
// deleted. Then rewarded and punished units move by floor(rank·Δ)+1 places, in the order the
// step recorded them. Last, the bottom ω share of the lexicon goes on probation for τ₀ steps.
// Characters of the corpus are never deleted and never put on probation.

import { MoveResult, type RankedLexicon } from './lexicon.js';
import type { ProbationPool } from './probation.js';

/** Rewards (toward rank 0) and punishments (toward the bottom) recorded during one step. */
export class RewardPool {
  /** Flat pairs: slot, then -1 for a reward or +1 for a punishment. */
  readonly entries: number[] = [];

  reward(slot: number): void {
    this.entries.push(slot, -1);
  }

  punish(slot: number): void {
    this.entries.push(slot, 1);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export interface ForgetterSettings {
  /** Share of the rank moved per reward or punishment (Δ). */
  updateRate: number;
  /** Share of the lexicon, from the bottom, sent to probation after each step (ω). */
  outRate: number;
  /** Steps a unit stays on probation (τ₀). */
  life: number;
}

/** Counts of one forgetting pass, for progress and tests. */
export interface ForgetReport {
  /** Units whose probation ran out. */
  expired: number;
  /** Units punished past the bottom rank. */
  pushedOut: number;
  /** Units newly sent to probation from the tail. */
  tailed: number;
}

/** Runs the three forgetting steps after a step's reading and clears the reward pool. */
export function forget(lexicon: RankedLexicon, probation: ProbationPool, rewards: RewardPool, settings: ForgetterSettings): ForgetReport {
  // 1. Count probation lives down; delete the expired units (a character only leaves probation).
  const expired = probation.countDown().filter((slot) => !lexicon.isCharacter(slot));
  lexicon.removeMany(expired);

  // 2. Move rewarded and punished units. Deleted units (rank -1) are skipped, and so is the
  // top unit, which the reference never moves.
  let pushedOut = 0;
  const entries = rewards.entries;
  for (let k = 0; k < entries.length; k += 2) {
    const slot = entries[k]!;
    const rank = lexicon.rankOf[slot]!;
    if (rank <= 0) continue;
    const places = entries[k + 1]! * (Math.floor(rank * settings.updateRate) + 1);
    if (lexicon.move(slot, places) === MoveResult.removed) {
      probation.release(slot);
      pushedOut++;
    }
  }
  rewards.clear();

  // 3. Send the bottom ω share to probation, without context.
  let tailed = 0;
  const size = lexicon.size;
  for (let rank = Math.floor((1 - settings.outRate) * size); rank < size; rank++) {
    const slot = lexicon.order[rank]!;
    if (lexicon.isCharacter(slot) || probation.has(slot)) continue;
    probation.start(slot, settings.life, undefined);
    tailed++;
  }
  return { expired: expired.length, pushedOut, tailed };
}
