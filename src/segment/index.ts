// Registry of segmentation methods. A method that a vocabulary cannot support (merge order
// without merges, for instance) is a usage error that names the methods it does support.

import { UsageError } from '../errors.js';
import type { MethodName, Vocab } from '../vocab.js';
import { createFewestSegmenter } from './fewest.js';
import { createLibSegmenter, supportsLib } from './lib.js';
import { createLongestSegmenter } from './longest.js';
import { createMergesSegmenter, hasMerges } from './merges.js';
import type { SegmentContext, Segmenter } from './types.js';
import { createViterbiSegmenter, hasScores } from './viterbi.js';
import { createWordLevelSegmenter, isWordLevel } from './wordlevel.js';
import { createWordPieceSegmenter, isWordPiece } from './wordpiece.js';

type SegmenterFactory = (context: SegmentContext) => Segmenter;

const FACTORIES: Partial<Record<MethodName, { create: SegmenterFactory; supports: (vocab: Vocab) => boolean }>> = {
  longest: { create: createLongestSegmenter, supports: () => true },
  fewest: { create: createFewestSegmenter, supports: () => true },
  viterbi: { create: createViterbiSegmenter, supports: hasScores },
  lib: { create: createLibSegmenter, supports: supportsLib },
  merges: { create: createMergesSegmenter, supports: hasMerges },
  wordpiece: { create: createWordPieceSegmenter, supports: isWordPiece },
  wordlevel: { create: createWordLevelSegmenter, supports: isWordLevel },
};

/** Registers a segmentation method; trainers that bring their own inference call this. */
export function registerMethod(name: MethodName, create: SegmenterFactory, supports: (vocab: Vocab) => boolean): void {
  FACTORIES[name] = { create, supports };
}

/** Lists the methods that can apply `vocab`. */
export function supportedMethods(vocab: Vocab): MethodName[] {
  return (Object.keys(FACTORIES) as MethodName[]).filter((name) => FACTORIES[name]!.supports(vocab));
}

/** Throws a usage error, naming the methods that do apply, when `method` cannot apply `vocab`. */
export function checkMethod(method: MethodName, vocab: Vocab): void {
  const factory = FACTORIES[method];
  if (factory === undefined || !factory.supports(vocab)) {
    throw new UsageError(`method '${method}' cannot apply this ${vocab.algorithm} vocabulary`, `use one of: ${supportedMethods(vocab).join(', ')}`);
  }
}

/** Creates the segmenter for `method`; throws a usage error if the vocabulary cannot use it. */
export function createSegmenter(method: MethodName, context: SegmentContext): Segmenter {
  checkMethod(method, context.vocab);
  return FACTORIES[method]!.create(context);
}
