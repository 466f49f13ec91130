// BPE merge-order inference. Encoding starts from single symbols (bytes for a byte-level
// vocabulary, characters otherwise) and repeatedly applies the lowest-ranked merge, taking the
// leftmost occurrence on ties. Merges never cross a pre-token. Segmentation methods that ignore
// merges (longest, fewest) live in their own files.
//
// Cost: O(n log n) per pre-token of n symbols. Symbols form a doubly linked list over typed
// arrays, and a binary min-heap stores (rank, position) keys of adjacent pairs. An entry made
// stale by an earlier merge is dropped when popped (lazy invalidation). Rescanning every pair
// after each merge would be quadratic in the pre-token length, which long runs of one
// character (100,000 copies of a letter) make visible.

import { ToksmithError } from '../errors.js';
import { utf8SequenceLength } from '../utf8.js';
import type { PrefixMatcher } from '../trie.js';
import { PieceKind, pieceStoreOf, type Vocab } from '../vocab.js';
import { PairTable } from './pair-table.js';
import { emitFallback, type SegmentContext, type Segmenter, type TokenSink } from './types.js';

/** Symbol value of a character that has no piece: it is emitted as fallback and never merged. */
const NO_PIECE = -1;
/** Symbol value of a position whose symbol was merged into its left neighbour. */
const MERGED_AWAY = -2;
/** Heap keys pack `rank * POSITION_RANGE + position` into a float64, exact below 2^53. */
const POSITION_RANGE = 2 ** 32;

/** True when `vocab` carries merges that the `merges` method can apply. */
export function hasMerges(vocab: Vocab): boolean {
  return vocab.merges !== undefined;
}

/**
 * Merges of a vocabulary: (left, right) → merge index, and per index the id it produces and its
 * priority (lower applies first): the index itself, or the result id with `rankMergesByResult`.
 */
export interface MergeTable {
  ranks: PairTable;
  priorities: Int32Array;
  results: Int32Array;
}

/**
 * Returns the id each merge of `vocab` makes: `vocab.mergeResults` when stored, else looked up in
 * the trie. Stored results get a length check only: the file's CRC-32 already guards the bytes,
 * and comparing every joined piece took a third of the load time of o200k. Throws when a merge refers to an id
 * outside the vocabulary or its joined bytes are not a normal piece, which means the file is corrupt.
 */
export function mergeResults(vocab: Vocab, trie: () => PrefixMatcher): Int32Array {
  const merges = vocab.merges ?? new Int32Array(0);
  const count = merges.length >> 1;
  const store = pieceStoreOf(vocab);
  const { bytes, ends } = store;
  const size = ends.length;
  const stored = vocab.mergeResults !== undefined && vocab.mergeResults.length === count ? vocab.mergeResults : undefined;
  const results = stored ?? new Int32Array(count);
  const matcher = stored === undefined ? trie() : undefined;
  const joined = new Uint8Array(2 * (matcher?.maxPieceBytes ?? 0) + 2);
  for (let rank = 0; rank < count; rank++) {
    const left = merges[2 * rank]!;
    const right = merges[2 * rank + 1]!;
    if (left < 0 || right < 0 || left >= size || right >= size) {
      throw new ToksmithError(`merge rank ${rank} joins ids ${left} and ${right}, outside the vocabulary (0..${size - 1})`, {
        hint: 'the vocabulary file is corrupt; retrain it',
      });
    }
    const leftStart = left > 0 ? ends[left - 1]! : 0;
    const rightStart = right > 0 ? ends[right - 1]! : 0;
    const leftLength = ends[left]! - leftStart;
    const length = leftLength + ends[right]! - rightStart;
    let result = -1;
    if (matcher === undefined) {
      result = results[rank]!;
      let resultLength = -1;
      if (result >= 0 && result < size) resultLength = ends[result]! - (result > 0 ? ends[result - 1]! : 0);
      if (resultLength !== length || vocab.kinds[result] !== PieceKind.normal) result = -1;
    } else if (length <= matcher.maxPieceBytes) {
      // Join the two pieces in a reused buffer; a join longer than any piece cannot be one.
      for (let i = 0; i < leftLength; i++) joined[i] = bytes[leftStart + i]!;
      for (let i = leftLength; i < length; i++) joined[i] = bytes[rightStart + i - leftLength]!;
      result = matcher.lookup(joined, 0, length);
    }
    if (result < 0) {
      throw new ToksmithError(`merge rank ${rank} joins ids ${left} and ${right}, but their joined bytes are not a piece`, {
        hint: 'the vocabulary file is corrupt; retrain it',
      });
    }
    results[rank] = result;
  }
  return results;
}

/** Builds the merge table of `vocab`; see {@link mergeResults} for the errors. */
export function buildMergeTable(context: SegmentContext): MergeTable {
  const { vocab } = context;
  const merges = vocab.merges ?? new Int32Array(0);
  const count = merges.length >> 1;
  const byResult = vocab.pipeline?.model.rankMergesByResult === true;
  const results = mergeResults(vocab, () => context.trie);
  const table: MergeTable = {
    ranks: new PairTable(count),
    priorities: new Int32Array(count),
    results,
  };
  for (let rank = 0; rank < count; rank++) {
    const left = merges[2 * rank]!;
    const right = merges[2 * rank + 1]!;
    // A later duplicate of a pair can never apply, so the first rank wins.
    table.ranks.setIfAbsent(left, right, rank);
    table.priorities[rank] = byResult ? results[rank]! : rank;
  }
  return table;
}

/**
 * Returns the id of every single byte when all 256 are normal pieces or the imported pipeline
 * has a byte-level pre-tokenizer (a byte-level vocabulary, whose missing bytes are NO_PIECE),
 * or undefined when symbols must start as characters.
 */
export function singleByteIds(context: SegmentContext): Int32Array | undefined {
  const ids = new Int32Array(256);
  const probe = new Uint8Array(1);
  // Hugging Face's byte-level trainer keeps only the bytes it saw, so such a vocabulary may lack some.
  const byteLevel = context.vocab.pipeline?.preTokenizers.some((step) => step.type === 'byte-level') === true;
  for (let byte = 0; byte < 256; byte++) {
    probe[0] = byte;
    const id = context.trie.lookup(probe);
    if (id < 0 || context.vocab.kinds[id] !== PieceKind.normal) {
      if (!byteLevel) return undefined;
      ids[byte] = NO_PIECE;
      continue;
    }
    ids[byte] = id;
  }
  return ids;
}

/** Pre-tokens up to this many bytes are cached; longer ones are rare and cost little per byte. */
const MAX_CACHED_BYTES = 32;
/** Cached pre-tokens before the cache is cleared, which bounds its memory. */
const MAX_CACHE_ENTRIES = 100_000;

/** Reusable buffers of one segmenter: the symbol list and the heap. */
class MergeState {
  symbols = new Int32Array(256);
  starts = new Int32Array(257);
  previous = new Int32Array(256);
  next = new Int32Array(256);
  heap = new Float64Array(256);
  heapSize = 0;

  constructor(readonly table: MergeTable) {}

  reserve(count: number): void {
    if (this.symbols.length >= count + 1) return;
    const capacity = count * 2 + 1;
    this.symbols = new Int32Array(capacity);
    this.starts = new Int32Array(capacity + 1);
    this.previous = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.heap = new Float64Array(capacity);
  }

  push(key: number): void {
    const heap = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= key) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = key;
  }

  /** Removes and returns the smallest key. */
  pop(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap[--this.heapSize]!;
    const size = this.heapSize;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && heap[child + 1]! < heap[child]!) child++;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Returns the merge index of the pair that starts at `position`, or -1. */
  mergeAt(position: number): number {
    const right = this.next[position]!;
    if (right < 0) return -1;
    const left = this.symbols[position]!;
    const rightSymbol = this.symbols[right]!;
    if (left < 0 || rightSymbol < 0) return -1;
    return this.table.ranks.get(left, rightSymbol);
  }

  /** Queues the pair that starts at `position`, if it has a merge. */
  pushPair(position: number): void {
    const merge = this.mergeAt(position);
    if (merge >= 0) this.push(this.table.priorities[merge]! * POSITION_RANGE + position);
  }

  /** Applies merges in priority order to `count` linked symbols. */
  mergeAll(count: number): void {
    const { symbols, next, previous, table } = this;
    this.heapSize = 0;
    for (let i = 0; i < count - 1; i++) this.pushPair(i);
    while (this.heapSize > 0) {
      const key = this.pop();
      const priority = Math.floor(key / POSITION_RANGE);
      const position = key - priority * POSITION_RANGE;
      // A stale entry: the symbols at `position` changed since it was queued.
      if (symbols[position]! < 0) continue;
      const merge = this.mergeAt(position);
      if (merge < 0 || table.priorities[merge] !== priority) continue;
      const right = next[position]!;
      symbols[position] = table.results[merge]!;
      symbols[right] = MERGED_AWAY;
      const after = next[right]!;
      next[position] = after;
      if (after >= 0) previous[after] = position;
      if (previous[position]! >= 0) this.pushPair(previous[position]!);
      this.pushPair(position);
    }
  }
}

/**
 * Creates the `merges` segmenter: exact BPE merge order, near-linear in the pre-token length.
 * Results of short pre-tokens are cached, since a few thousand words make up most text. The
 * cache and hoisting the heap out of the per-call closure cut the segmenter's self time over
 * all six eval files (3.4 MB, byte-level 30k vocabulary) from 1.29 s to 0.70 s, measured with
 * `node --cpu-prof bin/toksmith.js encode -v VOCAB -f count FILE` on a shared 2-core machine.
 */
export function createMergesSegmenter(context: SegmentContext): Segmenter {
  const state = new MergeState(buildMergeTable(context));
  const byteIds = singleByteIds(context);
  const model = context.vocab.pipeline?.model;
  const ignoreMerges = model?.ignoreMerges === true;
  const fuseUnknown = model?.fuseUnknown === true && !context.index.hasByteFallback;
  // Hugging Face's BPE drops a symbol that has no piece when the model has no unknown token.
  const dropUnknown = context.vocab.pipeline?.source === 'hf' && context.index.unknownId < 0 && !context.index.hasByteFallback;
  // Cached tokens of a pre-token: (id, end offset relative to the pre-token start) pairs.
  const cache = new Map<string, Int32Array>();

  /** Emits one symbol: its piece, or the fallback; with `fuseUnknown`, an unknown run is one token. */
  const emit = (id: number, bytes: Uint8Array, tokenStart: number, tokenEnd: number, sink: TokenSink, first: boolean): void => {
    if (id >= 0) {
      sink.push(id, tokenStart, tokenEnd);
    } else if (dropUnknown) {
      return;
    } else if (fuseUnknown && !first && sink.ids[sink.ids.length - 1] === context.index.unknownId) {
      if (sink.withSpans) sink.ends[sink.ends.length - 1] = tokenEnd;
    } else {
      emitFallback(context, bytes, tokenStart, tokenEnd, sink);
    }
  };

  return (bytes, start, end, sink) => {
    if (end <= start) return;

    // 0. With `ignoreMerges` (Llama 3, tiktoken), a pre-token that is a piece is emitted whole.
    if (ignoreMerges) {
      const id = context.trie.lookup(bytes, start, end);
      if (id >= 0 && context.vocab.kinds[id] === PieceKind.normal) {
        sink.push(id, start, end);
        return;
      }
    }

    // 1. A cached pre-token needs no merging.
    let key: string | undefined;
    if (end - start <= MAX_CACHED_BYTES) {
      key = '';
      for (let i = start; i < end; i++) key += String.fromCharCode(bytes[i]!);
      const cached = cache.get(key);
      if (cached !== undefined) {
        let tokenStart = start;
        for (let k = 0; k < cached.length; k += 2) {
          const tokenEnd = start + cached[k + 1]!;
          emit(cached[k]!, bytes, tokenStart, tokenEnd, sink, k === 0);
          tokenStart = tokenEnd;
        }
        return;
      }
    }

    // 2. Initial symbols: one per byte, or one per character with NO_PIECE for unknown ones.
    state.reserve(end - start);
    const { symbols, starts, previous, next } = state;
    let count = 0;
    for (let position = start; position < end; ) {
      let length = 1;
      if (byteIds !== undefined) {
        symbols[count] = byteIds[bytes[position]!]!;
      } else {
        length = Math.min(utf8SequenceLength(bytes[position]!), end - position);
        const id = context.trie.lookup(bytes, position, position + length);
        symbols[count] = id >= 0 && context.vocab.kinds[id] === PieceKind.normal ? id : NO_PIECE;
      }
      // Hugging Face leaves the character out of the word, so its neighbours can merge.
      if (dropUnknown && symbols[count] === NO_PIECE) {
        position += length;
        continue;
      }
      starts[count] = position;
      previous[count] = count - 1;
      next[count] = count + 1;
      count++;
      position += length;
    }
    if (count === 0) {
      if (key !== undefined) cache.set(key, new Int32Array(0));
      return;
    }
    next[count - 1] = -1;

    // 3. Apply the lowest (rank, position) until no valid pair is left.
    state.mergeAll(count);

    // 4. Emit the surviving symbols in order, and cache them for a short pre-token.
    const tokens: number[] = [];
    for (let i = 0; i >= 0; i = next[i]!) {
      const symbolEnd = next[i]! >= 0 ? starts[next[i]!]! : end;
      emit(symbols[i]!, bytes, starts[i]!, symbolEnd, sink, i === 0);
      if (key !== undefined) tokens.push(symbols[i]!, symbolEnd - start);
    }
    if (key !== undefined) {
      if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
      cache.set(key, Int32Array.from(tokens));
    }
  };
}
