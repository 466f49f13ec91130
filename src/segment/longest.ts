// Greedy longest match: at each position take the longest piece that matches, left to right.
// This is WordPiece's and LiB's basic matcher (without WordPiece's continuation prefix).

import { emitFallback, type SegmentContext, type Segmenter } from './types.js';

/** Creates the `longest` segmenter over a vocabulary's trie. */
export function createLongestSegmenter(context: SegmentContext): Segmenter {
  const match = new Int32Array(1);
  return (bytes, start, end, sink) => {
    let position = start;
    while (position < end) {
      const length = context.trie.longestPrefix(bytes, position, end, match);
      if (length > 0) {
        sink.push(match[0]!, position, position + length);
        position += length;
      } else {
        position += emitFallback(context, bytes, position, end, sink);
      }
    }
  };
}
