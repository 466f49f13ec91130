// The LiB memorizer. New units join the lexicon at the bottom rank, on probation, with the
// chunks around them as their context. A unit on probation that the reading meets again is
// judged by its context, as in the 2023 rewrite (ray306/The-Less-is-Better-Model). In a new
// context it is released and rewarded. In the same context the longer unit that includes that
// context is memorized instead. Choosing when to memorize is the reading's job.

import type { RewardPool } from './forgetter.js';
import type { RankedLexicon } from './lexicon.js';
import type { ProbationPool, UnitContext } from './probation.js';

/** The sentence being read, as the memorizer needs it. */
export interface SentenceView {
  bytes: Uint8Array;
  /** Start and end of the sentence (or pre-token) in `bytes`. */
  start: number;
  end: number;
  /**
   * End of the chunk that starts at `position`: the longest unit there, or one character when
   * none matches. Returns `position` at the end of the sentence.
   */
  chunkEnd(position: number): number;
}

export interface MemorizerSettings {
  /** Steps a new unit stays on probation (τ₀). */
  life: number;
  /** Maximum unit length, in characters. */
  maxPieceChars: number;
}

const EMPTY = new Uint8Array(0);

/** Counts the characters of UTF-8 bytes: every byte that is not a continuation byte. */
export function countCharacters(bytes: Uint8Array, start: number, end: number): number {
  let characters = 0;
  for (let i = start; i < end; i++) if ((bytes[i]! & 0xc0) !== 0x80) characters++;
  return characters;
}

export class Memorizer {
  constructor(
    private readonly lexicon: RankedLexicon,
    private readonly probation: ProbationPool,
    private readonly rewards: RewardPool,
    private readonly settings: MemorizerSettings,
  ) {}

  /**
   * Adds `bytes[start, end)` at the bottom rank, on probation with `context`. Does nothing for
   * an empty span, a unit already present or one longer than the maximum piece length.
   */
  memorize(bytes: Uint8Array, start: number, end: number, context: UnitContext): void {
    if (end <= start || this.lexicon.slotOf(bytes, start, end) >= 0) return;
    const characters = countCharacters(bytes, start, end);
    if (characters > this.settings.maxPieceChars) return;
    const slot = this.lexicon.append(bytes.slice(start, end), false);
    this.probation.start(slot, this.settings.life, context);
  }

  /**
   * Judges a unit on probation that the reading has just used as the chunk
   * `[chunkStart, chunkEnd)`, after the chunks `[beforeLastStart, lastStart)` and
   * `[lastStart, chunkStart)` (empty at the sentence start).
   *
   * A unit sent to probation from the lexicon's tail is simply released. A memorized unit met
   * with a left or right neighbour that overlaps the one it was memorized with (one ends with
   * the other) stays on probation, and the unit extended by that neighbour is memorized. Met in
   * a new context, it is released and rewarded. Met alone in a sentence both times, it stays.
   */
  reviewUse(sentence: SentenceView, slot: number, beforeLastStart: number, lastStart: number, chunkStart: number, chunkEnd: number): void {
    const entry = this.probation.get(slot);
    if (entry === undefined) return;
    const context = entry.context;
    if (context === undefined) {
      this.probation.release(slot);
      return;
    }
    const bytes = sentence.bytes;
    const nextEnd = sentence.chunkEnd(chunkEnd);
    const last = bytes.subarray(lastStart, chunkStart);
    const next = bytes.subarray(chunkEnd, nextEnd);
    if (context.left.length === 0 && context.right.length === 0 && last.length === 0 && next.length === 0) return;

    let extended = false;
    if (overlapsAtEnd(last, context.left)) {
      this.memorize(bytes, lastStart, chunkEnd, { left: bytes.slice(beforeLastStart, lastStart), right: next.slice() });
      extended = true;
    }
    if (overlapsAtStart(next, context.right)) {
      const afterNextEnd = sentence.chunkEnd(nextEnd);
      this.memorize(bytes, chunkStart, nextEnd, { left: last.slice(), right: bytes.slice(nextEnd, afterNextEnd) });
      extended = true;
    }
    if (!extended) {
      this.rewards.reward(slot);
      this.probation.release(slot);
    }
  }

  /** Builds the context of a unit memorized from the chunks `[leftStart, start)` and `[end, rightEnd)`. */
  static contextOf(bytes: Uint8Array, leftStart: number, start: number, end: number, rightEnd: number): UnitContext {
    return {
      left: leftStart === start ? EMPTY : bytes.slice(leftStart, start),
      right: end === rightEnd ? EMPTY : bytes.slice(end, rightEnd),
    };
  }
}

/** True when one is a suffix of the other, the suffix being non-empty. */
function overlapsAtEnd(current: Uint8Array, recorded: Uint8Array): boolean {
  if (recorded.length > 0 && endsWith(current, recorded)) return true;
  return current.length > 0 && endsWith(recorded, current);
}

/** True when one is a prefix of the other, the prefix being non-empty. */
function overlapsAtStart(current: Uint8Array, recorded: Uint8Array): boolean {
  if (recorded.length > 0 && startsWith(current, recorded)) return true;
  return current.length > 0 && startsWith(recorded, current);
}

function endsWith(bytes: Uint8Array, suffix: Uint8Array): boolean {
  if (suffix.length > bytes.length) return false;
  const offset = bytes.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (bytes[offset + i] !== suffix[i]) return false;
  return true;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
