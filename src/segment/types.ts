// Shared types of the segmentation methods: each method splits the UTF-8 bytes of one
// pre-token into piece ids and reports each token's byte span.

import { ToksmithError } from '../errors.js';
import type { PrefixMatcher } from '../trie.js';
import { utf8SequenceLength } from '../utf8.js';
import type { Vocab, VocabIndex } from '../vocab.js';

/** Receives tokens in order: piece id and byte span in the buffer being segmented. */
export class TokenSink {
  ids: number[] = [];
  starts: number[] = [];
  ends: number[] = [];
  /** When false, spans are not stored: encoding without offsets skips that work. */
  withSpans = true;

  push(id: number, start: number, end: number): void {
    this.ids.push(id);
    if (this.withSpans) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  /** Starts a new token list; the previous `ids` array is left to its owner. */
  reset(withSpans: boolean): void {
    this.ids = [];
    this.starts.length = 0;
    this.ends.length = 0;
    this.withSpans = withSpans;
  }

  clear(): void {
    this.ids.length = 0;
    this.starts.length = 0;
    this.ends.length = 0;
  }
}

/** Vocabulary data that every segmentation method uses. */
export interface SegmentContext {
  vocab: Vocab;
  /** Built on first use, so methods that need no trie (merges) do not pay for it. */
  readonly trie: PrefixMatcher;
  index: VocabIndex;
}

/** Segments `bytes[start, end)`, one pre-token, and pushes its tokens to `sink`. */
export type Segmenter = (bytes: Uint8Array, start: number, end: number, sink: TokenSink) => void;

/**
 * Emits the fallback for the character at `position`, for which no piece matches: one
 * byte-fallback piece per byte when the vocabulary has them, else one unknown piece.
 * Returns the number of bytes consumed.
 */
export function emitFallback(context: SegmentContext, bytes: Uint8Array, position: number, end: number, sink: TokenSink): number {
  const length = Math.min(utf8SequenceLength(bytes[position]!), end - position);
  if (context.index.hasByteFallback) {
    for (let i = position; i < position + length; i++) sink.push(context.index.byteIds[bytes[i]!]!, i, i + 1);
  } else if (context.index.unknownId >= 0) {
    sink.push(context.index.unknownId, position, position + length);
  } else {
    throw new ToksmithError(`no piece matches byte 0x${bytes[position]!.toString(16).toUpperCase().padStart(2, '0')} and the vocabulary has neither byte fallback nor an unknown piece`, {
      hint: 'retrain the vocabulary with byte fallback',
    });
  }
  return length;
}

/** Number of tokens `emitFallback` emits for the character at `position`. */
export function fallbackCost(context: SegmentContext, bytes: Uint8Array, position: number, end: number): number {
  const length = Math.min(utf8SequenceLength(bytes[position]!), end - position);
  return context.index.hasByteFallback ? length : 1;
}
