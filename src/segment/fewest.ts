// Fewest tokens: the segmentation with the minimum number of pieces, by dynamic programming
// over the trie's prefix matches (a shortest path in the segmentation lattice). Among equally
// short segmentations it prefers the longer first piece, then the longer next one, and so on.
// A character with no matching piece costs the tokens its fallback emits.

import { utf8SequenceLength } from '../utf8.js';
import { emitFallback, fallbackCost, type SegmentContext, type Segmenter } from './types.js';

/** Creates the `fewest` segmenter over a vocabulary's trie. */
export function createFewestSegmenter(context: SegmentContext): Segmenter {
  let cost = new Int32Array(256);
  let choiceLength = new Int32Array(256);
  let choiceId = new Int32Array(256);
  const prefixIds = new Int32Array(Math.max(1, context.trie.maxPieceBytes));
  const prefixLengths = new Int32Array(Math.max(1, context.trie.maxPieceBytes));

  return (bytes, start, end, sink) => {
    const length = end - start;
    if (cost.length < length + 1) {
      cost = new Int32Array(length * 2 + 1);
      choiceLength = new Int32Array(length * 2 + 1);
      choiceId = new Int32Array(length * 2 + 1);
    }

    // 1. Backward pass: cost[i] is the fewest tokens for bytes [start + i, end).
    cost[length] = 0;
    for (let i = length - 1; i >= 0; i--) {
      const position = start + i;
      const found = context.trie.prefixes(bytes, position, end, prefixIds, prefixLengths);
      let best = 0x7fffffff;
      let bestLength = 0;
      let bestId = -1;
      // Prefixes come shortest first, so `<=` keeps the longest among equal costs.
      for (let k = 0; k < found; k++) {
        const candidate = 1 + cost[i + prefixLengths[k]!]!;
        if (candidate <= best) {
          best = candidate;
          bestLength = prefixLengths[k]!;
          bestId = prefixIds[k]!;
        }
      }
      if (found === 0) {
        // Only characters that no piece starts with fall back, as in `longest`.
        const fallbackLength = Math.min(utf8SequenceLength(bytes[position]!), end - position);
        best = fallbackCost(context, bytes, position, end) + cost[i + fallbackLength]!;
        bestLength = fallbackLength;
      }
      cost[i] = best;
      choiceLength[i] = bestLength;
      choiceId[i] = bestId;
    }

    // 2. Forward pass: follow the choices from the start.
    let i = 0;
    while (i < length) {
      const id = choiceId[i]!;
      if (id >= 0) {
        sink.push(id, start + i, start + i + choiceLength[i]!);
        i += choiceLength[i]!;
      } else {
        i += emitFallback(context, bytes, start + i, end, sink);
      }
    }
  };
}
