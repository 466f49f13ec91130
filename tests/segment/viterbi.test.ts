import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../src/encoder.js';
import { ViterbiEncoder } from '../../src/segment/viterbi-encode.js';
import { mulberry32 } from '../../src/random.js';
import { UNKNOWN_PENALTY } from '../../src/segment/viterbi.js';
import { PieceKind, type Vocab } from '../../src/vocab.js';

const utf8 = new TextEncoder();

/** <unk>, optionally 256 byte pieces, then scored pieces; no pre-tokenizer. */
function scoredVocab(entries: [string, number][], byteFallback = true): Vocab {
  const pieces = [utf8.encode('<unk>')];
  const kinds: number[] = [PieceKind.unknown];
  const scores: number[] = [0];
  if (byteFallback) {
    for (let b = 0; b < 256; b++) {
      pieces.push(Uint8Array.of(b));
      kinds.push(PieceKind.byte);
      scores.push(0);
    }
  }
  for (const [piece, score] of entries) {
    pieces.push(utf8.encode(piece));
    kinds.push(PieceKind.normal);
    scores.push(score);
  }
  return {
    algorithm: 'unigram',
    pieces,
    kinds: Uint8Array.from(kinds),
    scores: Float64Array.from(scores),
    normalizer: 'none',
    preTokenizer: { type: 'none' },
    defaultMethod: 'viterbi',
  };
}

function labels(vocab: Vocab, ids: number[]): string[] {
  return ids.map((id) => (vocab.kinds[id] === PieceKind.byte ? `<0x${vocab.pieces[id]![0]!.toString(16).toUpperCase()}>` : new TextDecoder().decode(vocab.pieces[id]!)));
}

/** Scores of every segmentation of `text` into pieces, by exhaustive search, best first. */
function bruteForceScores(text: string, entries: [string, number][], unknownScore: number): number[] {
  const scoreOf = new Map(entries);
  const results: number[] = [];
  const walk = (position: number, total: number): void => {
    if (position === text.length) {
      results.push(total);
      return;
    }
    let single = false;
    for (let end = position + 1; end <= text.length; end++) {
      const score = scoreOf.get(text.slice(position, end));
      if (score === undefined) continue;
      if (end === position + 1) single = true;
      walk(end, total + score);
    }
    if (!single) walk(position + 1, total + unknownScore);
  };
  walk(0, 0);
  return results.sort((a, b) => b - a);
}

const pieceEntries = fc
  .uniqueArray(fc.tuple(fc.stringMatching(/^[abc]{1,3}$/), fc.integer({ min: -80, max: -1 })), { selector: ([piece]) => piece, minLength: 1, maxLength: 10 })
  .map((entries) => entries.map(([piece, score]) => [piece, score / 8] as [string, number]));

describe('viterbi method', () => {
  // Worked by hand: "ab" + "c" scores -1 + -2 = -3, better than "a" + "bc" (-2.5 + -1 = -3.5)
  // and "a" + "b" + "c" (-6.5).
  it('picks the highest-scoring segmentation', () => {
    const vocab = scoredVocab([
      ['a', -2.5],
      ['b', -2],
      ['c', -2],
      ['ab', -1],
      ['bc', -1],
    ]);
    const encoder = new Encoder(vocab, 'viterbi');
    expect(labels(vocab, encoder.encode('abc').ids)).toEqual(['ab', 'c']);
  });

  it('falls back to bytes for unknown characters', () => {
    const vocab = scoredVocab([['a', -1]]);
    expect(labels(vocab, new Encoder(vocab, 'viterbi').encode('aé').ids)).toEqual(['a', '<0xC3>', '<0xA9>']);
  });

  it('falls back to <unk> without byte pieces', () => {
    const vocab = scoredVocab([['a', -1]], false);
    expect(new Encoder(vocab, 'viterbi').encode('aéa').ids).toEqual([1, 0, 1]);
  });

  it('equals brute-force search on short strings', () => {
    fc.assert(
      fc.property(pieceEntries, fc.stringMatching(/^[abcd]{0,8}$/), (entries, text) => {
        const vocab = scoredVocab(entries);
        const minScore = Math.min(...entries.map(([, score]) => score));
        const best = new ViterbiEncoder(vocab).nbest(text, 1)[0]!;
        expect(best.score).toBeCloseTo(bruteForceScores(text, entries, minScore - UNKNOWN_PENALTY)[0]!, 9);
        expect(new Encoder(vocab, 'viterbi').encode(text).ids).toEqual(best.ids);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ViterbiEncoder.nbest', () => {
  it('orders hypotheses by score like brute force', () => {
    fc.assert(
      fc.property(pieceEntries, fc.stringMatching(/^[abc]{1,7}$/), fc.integer({ min: 1, max: 6 }), (entries, text, k) => {
        const vocab = scoredVocab(entries);
        const minScore = Math.min(...entries.map(([, score]) => score));
        const expected = bruteForceScores(text, entries, minScore - UNKNOWN_PENALTY).slice(0, k);
        const scores = new ViterbiEncoder(vocab).nbest(text, k).map((h) => h.score);
        expect(scores.length).toBe(expected.length);
        scores.forEach((score, i) => expect(score).toBeCloseTo(expected[i]!, 9));
      }),
      { numRuns: 200 },
    );
  });

  it('returns distinct segmentations that decode to the text', () => {
    const vocab = scoredVocab([
      ['a', -2],
      ['b', -2],
      ['ab', -1],
      ['ba', -1.5],
    ]);
    const hypotheses = new ViterbiEncoder(vocab).nbest('abab', 10);
    const encoder = new Encoder(vocab, 'viterbi');
    expect(new Set(hypotheses.map((h) => h.ids.join(' '))).size).toBe(hypotheses.length);
    for (const h of hypotheses) expect(new TextDecoder().decode(encoder.decode(h.ids))).toBe('abab');
    expect(labels(vocab, hypotheses[0]!.ids)).toEqual(['ab', 'ab']);
  });
});

describe('ViterbiEncoder.sample', () => {
  const vocab = scoredVocab([
    ['a', -2],
    ['b', -2],
    ['ab', -1],
    ['ba', -1.5],
  ]);

  it('repeats with the same seed', () => {
    const draw = (seed: number): string[] => {
      const random = mulberry32(seed);
      const sampler = new ViterbiEncoder(vocab);
      return Array.from({ length: 20 }, () => sampler.sample('ababab', 0.5, random).join(' '));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(new Set(draw(7)).size).toBeGreaterThan(1);
  });

  it('decodes to the text', () => {
    const random = mulberry32(1);
    const sampler = new ViterbiEncoder(vocab);
    const encoder = new Encoder(vocab, 'viterbi');
    for (let k = 0; k < 50; k++) expect(new TextDecoder().decode(encoder.decode(sampler.sample('abxab', 0.2, random)))).toBe('abxab');
  });

  it('follows the path probabilities', () => {
    // "ab" alone scores -1; "a" + "b" scores -4. With alpha 1 the split has probability
    // e^-4 / (e^-1 + e^-4) ≈ 0.047.
    const random = mulberry32(3);
    const sampler = new ViterbiEncoder(scoredVocab([
      ['a', -2],
      ['b', -2],
      ['ab', -1],
    ]));
    let split = 0;
    const draws = 4000;
    for (let k = 0; k < draws; k++) if (sampler.sample('ab', 1, random).length === 2) split++;
    expect(split / draws).toBeGreaterThan(0.03);
    expect(split / draws).toBeLessThan(0.065);
  });
});
