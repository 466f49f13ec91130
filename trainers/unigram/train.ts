// The Unigram training step, SentencePiece's recipe (Kudo 2018, "Subword Regularization"):
// 1. required characters by coverage, 2. seed pieces from the suffix array, 3. EM rounds with
// pruning until about 1.1 × the vocabulary size is left, 4. the final pieces by score.
// Counting lives in counting.ts; inference (Viterbi, n-best, sampling) in src/segment/viterbi.ts.

import { ToksmithError } from '../../src/errors.js';
import type { Progress } from '../../src/progress.js';
import { utf8ByteLength, utf8Encoder } from '../../src/utf8.js';
import { PieceKind, reservedPieceCount, reservedPieces, type Vocab } from '../../src/vocab.js';
import { compareCodePoints, type CountTable } from '../counting.js';
import { buildCharacterTable, chooseRequiredCharacters, type CharacterTable } from './characters.js';
import { LINE_PRE_TOKEN_UNIT, parseCountKey, PRE_TOKEN_UNIT } from './counting.js';
import { EStepPool } from './em-pool.js';
import { activePieces, prune, runEStep, runMStep, UnigramModel, type PreTokenBytes } from './em.js';
import type { UnigramTrainerOptions } from './options.js';
import { extractSeedSubstrings, LINE_END_ID, type PreTokenText } from './seed.js';

/** SentencePiece stops pruning once the model has at most this multiple of the vocabulary size. */
const DESIRED_SIZE_FACTOR = 1.1;
/** Score step between required characters that EM dropped, so they keep their frequency order. */
const REQUIRED_PENALTY_STEP = 0.0001;

/** Trains a Unigram vocabulary from pre-token counts. */
export async function trainUnigramVocab(counts: CountTable, options: UnigramTrainerOptions, progress: Progress): Promise<Vocab> {
  if (counts.settings.unit !== LINE_PRE_TOKEN_UNIT && counts.settings.unit !== PRE_TOKEN_UNIT) {
    throw new ToksmithError(`counts of ${counts.settings.unit} cannot train a unigram vocabulary`, { hint: 'count with --model unigram' });
  }
  const startedMs = Date.now();

  // 1. Required characters, and the pre-tokens split at every other character.
  const characterCounts = new Map<number, number>();
  for (const [key, count] of counts.counts) {
    for (const character of parseCountKey(key).preToken) {
      const codePoint = character.codePointAt(0)!;
      characterCounts.set(codePoint, (characterCounts.get(codePoint) ?? 0) + count);
    }
  }
  if (characterCounts.size === 0) {
    throw new ToksmithError('the corpus is empty: no characters to learn', { hint: 'pass a non-empty text file' });
  }
  const { required, coverageReached } = chooseRequiredCharacters(characterCounts, options.characterCoverage);
  const reserved = reservedPieceCount(options.specials.length, options.byteFallback);
  const learnedBudget = options.vocabSize - reserved;
  if (required.length > learnedBudget) {
    throw new ToksmithError(
      `--vocab-size ${options.vocabSize} leaves ${learnedBudget} ids for learned pieces, but --character-coverage ${options.characterCoverage} requires ${required.length} characters`,
      { hint: `use --vocab-size ${reserved + required.length + 1} or more, or a lower --character-coverage` },
    );
  }
  const requiredSet = new Set(required.map(([codePoint]) => codePoint));
  const segments = splitAtRareCharacters(counts, requiredSet);
  const words = toPreTokenBytes(segments);
  progress.notice(
    `${required.length} characters kept (by --character-coverage) cover ${(coverageReached * 100).toFixed(4)}% of ${characterCounts.size} seen; ` +
      `${segments.length} distinct pre-tokens`,
  );
  // Only the byte form of the segments is needed from here on, so the strings can be collected.
  segments.length = 0;

  // 2. Seed pieces: the required characters, then the best repeated substrings.
  const seedStartMs = Date.now();
  progress.start('seed', undefined, 'pieces');
  const table = buildCharacterTable(requiredSet);
  const denseText = toDenseText(counts, table);
  const seeds = extractSeedSubstrings(denseText, table, {
    seedSize: options.seedSize,
    maxPieceLength: options.maxPieceLength,
    splitDigits: options.splitDigits,
  });
  const seedPieces = [...required.map(([codePoint]) => String.fromCodePoint(codePoint)), ...seeds.pieces];
  const seedFrequencies = [...required.map(([, count]) => count), ...seeds.seedScores];
  let frequencySum = 0;
  for (const value of seedFrequencies) frequencySum += value;
  const logSum = Math.log(frequencySum);
  let model = UnigramModel.create(seedPieces, Float64Array.from(seedFrequencies, (value) => Math.log(value) - logSum));
  const seedMs = Date.now() - seedStartMs;
  progress.finish({ pieces: seedPieces.length, candidates: seeds.candidates, suffixArrayLength: seeds.suffixArrayLength, elapsedMs: seedMs });

  // 3. EM rounds: sub-iterations of E and M steps, then pruning, until the model is small.
  const emStartMs = Date.now();
  const desiredSize = Math.floor(options.vocabSize * DESIRED_SIZE_FACTOR);
  let round = 0;
  let objective = 0;
  const pool = EStepPool.create(options.threads, progress);
  try {
    for (;;) {
      round++;
      progress.start(`em round ${round}`, options.subIterations, 'iterations');
      for (let iteration = 0; iteration < options.subIterations; iteration++) {
        const step = await runEStep(model, words, pool);
        model = runMStep(model, step.expected);
        objective = step.objective;
        progress.update(iteration + 1, { size: model.activeCount, objective: Number(objective.toFixed(6)), tokens: step.tokens });
      }
      const emSize = model.activeCount;
      if (emSize <= desiredSize) {
        progress.finish({ size: emSize, objective: Number(objective.toFixed(6)) });
        break;
      }
      model = await prune(model, words, options.shrinkingFactor, desiredSize, pool);
      progress.finish({ size: emSize, pruned: model.activeCount, objective: Number(objective.toFixed(6)) });
    }
  } finally {
    await pool?.close();
  }
  const emMs = Date.now() - emStartMs;

  // 4. Final pieces: every required character, then the best-scoring pieces.
  const final = finalizePieces(model, required, learnedBudget);
  if (final.length < learnedBudget) {
    progress.notice(`the corpus yields only ${final.length} learned pieces, fewer than the ${learnedBudget} that --vocab-size ${options.vocabSize} leaves room for`);
  }
  return buildVocab(final, options, {
    seedMs,
    emMs,
    totalMs: Date.now() - startedMs,
    coverageReached,
    counts,
    requiredCharacters: required.length,
    seedPieces: seedPieces.length,
    rounds: round,
    objective,
  });
}

/** Splits each pre-token at characters outside `required` and merges equal pieces. */
function splitAtRareCharacters(counts: CountTable, required: Set<number>): [string, number][] {
  const merged = new Map<string, number>();
  const add = (segment: string, count: number): void => {
    if (segment.length > 0) merged.set(segment, (merged.get(segment) ?? 0) + count);
  };
  for (const [key, count] of counts.counts) {
    const { preToken } = parseCountKey(key);
    let start = 0;
    let clean = true;
    for (let i = 0; i < preToken.length; i++) {
      const codePoint = preToken.codePointAt(i)!;
      const width = codePoint > 0xffff ? 2 : 1;
      if (!required.has(codePoint)) {
        clean = false;
        add(preToken.slice(start, i), count);
        start = i + width;
      }
      i += width - 1;
    }
    if (clean) add(preToken, count);
    else add(preToken.slice(start), count);
  }
  return [...merged].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
}

/**
 * Lays out the counted pre-tokens for seed extraction, in the counts' deterministic order:
 * characters outside `table` become its unknown id, and each pre-token ends in the symbol that
 * followed it in its line (see seed.ts).
 */
function toDenseText(counts: CountTable, table: CharacterTable): PreTokenText {
  const entries = counts.sorted();
  let length = 0;
  for (const [key] of entries) length += key.length + 1;
  const text = new Int32Array(length);
  const weights = new Float64Array(entries.length);
  const starts = new Int32Array(entries.length);
  let position = 0;
  entries.forEach(([key, count], w) => {
    const { preToken, lineFinal } = parseCountKey(key);
    starts[w] = position;
    weights[w] = count;
    for (const character of preToken) text[position++] = table.ids.get(character.codePointAt(0)!) ?? table.unknownId;
    text[position++] = lineFinal ? LINE_END_ID : table.separatorId;
  });
  return { text: text.subarray(0, position), counts: weights, starts };
}

function toPreTokenBytes(segments: [string, number][]): PreTokenBytes {
  let length = 0;
  for (const [segment] of segments) length += utf8ByteLength(segment);
  const bytes = new Uint8Array(length);
  const starts = new Int32Array(segments.length + 1);
  const counts = new Float64Array(segments.length);
  let position = 0;
  segments.forEach(([segment, count], w) => {
    starts[w] = position;
    counts[w] = count;
    position += utf8Encoder.encodeInto(segment, bytes.subarray(position)).written;
  });
  starts[segments.length] = position;
  return { bytes, starts, counts };
}

/**
 * Chooses the final pieces as SentencePiece's FinalizeSentencePieces does: all required
 * characters (those EM dropped get scores just below the lowest), then the highest-scoring
 * pieces up to `budget`. Returns them sorted by score, ties by code point order.
 */
export function finalizePieces(model: UnigramModel, required: [number, number][], budget: number): [string, number][] {
  const active = activePieces(model);
  const scoreOf = new Map(active);
  const final = new Map<string, number>();
  // SentencePiece v0.2 adds the step, against its own comment that frequent characters get
  // smaller penalties; here it is subtracted, so rarer characters score lower.
  let penalty = 0;
  for (const [codePoint] of required) {
    const character = String.fromCodePoint(codePoint);
    const score = scoreOf.get(character);
    if (score !== undefined) {
      final.set(character, score);
    } else {
      final.set(character, model.minScore - penalty);
      penalty += REQUIRED_PENALTY_STEP;
    }
  }
  const byScore = active.sort(compareByScore);
  for (const [piece, score] of byScore) {
    if (final.size >= budget) break;
    if (!final.has(piece)) final.set(piece, score);
  }
  return [...final].sort(compareByScore);
}

function compareByScore(a: [string, number], b: [string, number]): number {
  return b[1] - a[1] || compareCodePoints(a[0], b[0]);
}

interface TrainingFigures {
  seedMs: number;
  emMs: number;
  totalMs: number;
  coverageReached: number;
  counts: CountTable;
  requiredCharacters: number;
  seedPieces: number;
  rounds: number;
  objective: number;
}

/** Lays out ids as SentencePiece does: <unk>, specials, byte pieces, then pieces by score. */
function buildVocab(final: [string, number][], options: UnigramTrainerOptions, figures: TrainingFigures): Vocab {
  const { pieces, kinds } = reservedPieces(options.specials, options.byteFallback);
  const scores: number[] = new Array<number>(pieces.length).fill(0);
  for (const [piece, score] of final) {
    pieces.push(utf8Encoder.encode(piece));
    kinds.push(PieceKind.normal);
    scores.push(score);
  }
  return {
    algorithm: 'unigram',
    pieces,
    kinds: Uint8Array.from(kinds),
    scores: Float64Array.from(scores),
    normalizer: figures.counts.settings.normalizer,
    preTokenizer: figures.counts.settings.preTokenizer,
    defaultMethod: 'viterbi',
    provenance: {
      command: '',
      corpus: figures.counts.corpus,
      createdAt: '',
      toksmithVersion: '',
      training: {
        requestedVocabSize: options.vocabSize,
        characterCoverage: options.characterCoverage,
        coverageReached: figures.coverageReached,
        requiredCharacters: figures.requiredCharacters,
        byteFallback: options.byteFallback,
        seedSize: options.seedSize,
        seedPieces: figures.seedPieces,
        subIterations: options.subIterations,
        shrinkingFactor: options.shrinkingFactor,
        maxPieceLength: options.maxPieceLength,
        splitDigits: options.splitDigits,
        inputSentenceSize: options.inputSentenceSize,
        seed: options.seed,
        emRounds: figures.rounds,
        finalObjective: figures.objective,
        seedMs: figures.seedMs,
        emMs: figures.emMs,
        trainMs: figures.totalMs,
      },
    },
  };
}
