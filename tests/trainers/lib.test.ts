import { describe, expect, it } from 'vitest';
import { createPreTokenizer } from '../../src/pre-tokenizers.js';
import { PendingEvaluations } from '../../trainers/lib/evaluation.js';
import { forget, RewardPool } from '../../trainers/lib/forgetter.js';
import { MoveResult, RankedLexicon } from '../../trainers/lib/lexicon.js';
import { Memorizer } from '../../trainers/lib/memorizer.js';
import { ProbationPool } from '../../trainers/lib/probation.js';
import { SeededRandom } from '../../src/random.js';
import { Reader } from '../../trainers/lib/reading.js';

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Builds a lexicon of `characters`, then `units` (not characters), ranked in that order. */
function lexiconOf(characters: string[], units: string[] = []): RankedLexicon {
  const lexicon = new RankedLexicon();
  for (const character of characters) lexicon.append(utf8.encode(character), true);
  for (const unit of units) lexicon.append(utf8.encode(unit), false);
  return lexicon;
}

function ranked(lexicon: RankedLexicon): string[] {
  return Array.from(lexicon.slotsByRank(), (slot) => text(lexicon.pieces[slot]!));
}

function slotOf(lexicon: RankedLexicon, unit: string): number {
  const bytes = utf8.encode(unit);
  return lexicon.slotOf(bytes, 0, bytes.length);
}

/** Returns a random source whose every draw is `value`, so α = 1 always memorizes and α = 0 never does. */
function constantRandom(value: number): SeededRandom {
  const random = new SeededRandom(0);
  random.next = () => value;
  return random;
}

function setup(characters: string[], inRate: number, life = 10) {
  const lexicon = lexiconOf(characters);
  const probation = new ProbationPool();
  const rewards = new RewardPool();
  const memorizer = new Memorizer(lexicon, probation, rewards, { life, maxPieceChars: 12 });
  const evaluations = new PendingEvaluations(rewards, () => lexicon.rankOf);
  const reader = new Reader(lexicon, probation, memorizer, evaluations, constantRandom(inRate === 1 ? 0 : 0.99), createPreTokenizer({ type: 'none' }), inRate, 48);
  return { lexicon, probation, rewards, memorizer, reader };
}

/** Reward pool entries as [unit, sign] pairs. */
function rewardList(lexicon: RankedLexicon, rewards: RewardPool): [string, number][] {
  const list: [string, number][] = [];
  for (let k = 0; k < rewards.entries.length; k += 2) list.push([text(lexicon.pieces[rewards.entries[k]!]!), rewards.entries[k + 1]!]);
  return list;
}

describe('LiB memorizer', () => {
  // Reading "abc" with α = 1: at b it joins a+b, whose neighbours are '' (sentence start) and
  // c; at c it joins b+c, whose neighbours are a and '' (sentence end).
  it('memorizes joined chunks with their context', () => {
    const { lexicon, probation, reader } = setup(['a', 'b', 'c'], 1);
    reader.readLine('abc');
    expect(ranked(lexicon)).toEqual(['a', 'b', 'c', 'ab', 'bc']);
    const ab = probation.get(slotOf(lexicon, 'ab'))!;
    expect(ab.life).toBe(10);
    expect([text(ab.context!.left), text(ab.context!.right)]).toEqual(['', 'c']);
    const bc = probation.get(slotOf(lexicon, 'bc'))!;
    expect([text(bc.context!.left), text(bc.context!.right)]).toEqual(['a', '']);
  });

  it('memorizes nothing with α = 0', () => {
    const { lexicon, reader } = setup(['a', 'b', 'c'], 0);
    reader.readLine('abcabc');
    expect(lexicon.size).toBe(3);
  });

  it('skips units longer than the maximum piece length', () => {
    const { lexicon, probation, rewards } = setup(['a', 'b'], 1);
    const memorizer = new Memorizer(lexicon, probation, rewards, { life: 10, maxPieceChars: 2 });
    const bytes = utf8.encode('aba');
    memorizer.memorize(bytes, 0, 3, Memorizer.contextOf(bytes, 0, 0, 3, 3));
    memorizer.memorize(bytes, 0, 2, Memorizer.contextOf(bytes, 0, 0, 2, 3));
    expect(ranked(lexicon)).toEqual(['a', 'b', 'ab']);
  });

  // "ab" was memorized with right neighbour c. Met again before c, it stays on probation and
  // "abc" is memorized; met before d, it is released and rewarded.
  it('judges a reused unit by its context', () => {
    const { lexicon, probation, rewards, memorizer, reader } = setup(['a', 'b', 'c', 'd'], 0);
    const bytes = utf8.encode('abc');
    memorizer.memorize(bytes, 0, 2, Memorizer.contextOf(bytes, 0, 0, 2, 3));
    const ab = slotOf(lexicon, 'ab');

    reader.readLine('abc');
    expect(probation.has(ab)).toBe(true);
    expect(ranked(lexicon)).toEqual(['a', 'b', 'c', 'd', 'ab', 'abc']);
    const abc = probation.get(slotOf(lexicon, 'abc'))!;
    expect([text(abc.context!.left), text(abc.context!.right)]).toEqual(['', '']);

    rewards.clear();
    reader.readLine('abd');
    expect(probation.has(ab)).toBe(false);
    expect(rewardList(lexicon, rewards)).toContainEqual(['ab', -1]);
  });

  it('releases a used tail unit', () => {
    const { lexicon, probation, reader } = setup(['a', 'b'], 0);
    const ab = lexicon.append(utf8.encode('ab'), false);
    probation.start(ab, 10, undefined);
    reader.readLine('ab');
    expect(probation.has(ab)).toBe(false);
  });
});

describe('LiB evaluation', () => {
  // Lexicon a0 b1 c2 ab3 bc4, reading "abc": the reading takes ab|c; the shorter start a
  // continues with bc. Both take 2 chunks; rank sums 3+2 = 5 and 0+4 = 4, so a is rewarded
  // and ab punished.
  it('rewards the winning shorter start', () => {
    const { lexicon, rewards, reader } = setup(['a', 'b', 'c'], 0);
    lexicon.append(utf8.encode('ab'), false);
    lexicon.append(utf8.encode('bc'), false);
    reader.readLine('abc');
    expect(rewardList(lexicon, rewards)).toEqual([
      ['a', -1],
      ['ab', 1],
    ]);
  });

  // Lexicon a0 b1 c2 ab3, reading "abc": the parses meet after ab (1 chunk) and a|b (2 chunks).
  it('rewards only the longer unit when the reading parse wins', () => {
    const { lexicon, rewards, reader } = setup(['a', 'b', 'c'], 0);
    lexicon.append(utf8.encode('ab'), false);
    reader.readLine('abc');
    expect(rewardList(lexicon, rewards)).toEqual([['ab', -1]]);
  });
});

describe('LiB forgetter', () => {
  // Worked by hand with Δ = 0.5, ω = 0.25, τ₀ = 3. Lexicon a b u1 u2 u3 u4 u5 u6 (a, b are
  // characters); u6 has 1 step of life left, u5 has 2.
  // 1. u6 expires: a b u1 u2 u3 u4 u5.
  // 2. reward u4 (rank 5): moves floor(2.5)+1 = 3 up → a b u4 u1 u2 u3 u5; punish u1 (rank 3):
  //    floor(1.5)+1 = 2 down → a b u4 u2 u3 u1 u5; reward a (rank 0): the top never moves;
  //    punish u5 (rank 6): 4 down, past the bottom → removed: a b u4 u2 u3 u1.
  // 3. ranks from floor(0.75 · 6) = 4 go on probation: u3 and u1.
  it('expires, moves by floor(rank·Δ)+1, pushes out past the bottom and marks the tail', () => {
    const lexicon = lexiconOf(['a', 'b'], ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    const probation = new ProbationPool();
    probation.start(slotOf(lexicon, 'u6'), 1, undefined);
    probation.start(slotOf(lexicon, 'u5'), 2, undefined);
    const rewards = new RewardPool();
    rewards.reward(slotOf(lexicon, 'u4'));
    rewards.punish(slotOf(lexicon, 'u1'));
    rewards.reward(slotOf(lexicon, 'a'));
    rewards.punish(slotOf(lexicon, 'u5'));

    const report = forget(lexicon, probation, rewards, { updateRate: 0.5, outRate: 0.25, life: 3 });
    expect(ranked(lexicon)).toEqual(['a', 'b', 'u4', 'u2', 'u3', 'u1']);
    expect(report).toEqual({ expired: 1, pushedOut: 1, tailed: 2 });
    expect([...probation.entries.keys()].map((slot) => text(lexicon.pieces[slot]!))).toEqual(['u3', 'u1']);
    expect(probation.get(slotOf(lexicon, 'u3'))).toEqual({ life: 3, context: undefined });
    expect(rewards.entries).toEqual([]);
  });

  it('never removes a character and never puts one on probation', () => {
    const lexicon = lexiconOf(['a', 'b']);
    const probation = new ProbationPool();
    const rewards = new RewardPool();
    rewards.punish(slotOf(lexicon, 'b'));
    forget(lexicon, probation, rewards, { updateRate: 0.1, outRate: 0.5, life: 3 });
    expect(ranked(lexicon)).toEqual(['a', 'b']);
    expect(probation.size).toBe(0);
  });
});

describe('RankedLexicon', () => {
  it('stops a large reward at rank 0', () => {
    const lexicon = lexiconOf(['a', 'b', 'c']);
    expect(lexicon.move(slotOf(lexicon, 'c'), -10)).toBe(MoveResult.moved);
    expect(ranked(lexicon)).toEqual(['c', 'a', 'b']);
    expect(Array.from(lexicon.slotsByRank(), (slot) => lexicon.rankOf[slot])).toEqual([0, 1, 2]);
  });

  it('reuses the slot of a removed unit', () => {
    const lexicon = lexiconOf(['a', 'b'], ['ab']);
    const ab = slotOf(lexicon, 'ab');
    lexicon.removeMany([ab]);
    expect(slotOf(lexicon, 'ab')).toBe(-1);
    expect(lexicon.append(utf8.encode('ba'), false)).toBe(ab);
    expect(ranked(lexicon)).toEqual(['a', 'b', 'ba']);
  });
});
