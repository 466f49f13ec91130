// Encode and decode with a vocabulary: normalize, pre-tokenize, segment each pre-token with
// the chosen method, and map token spans back to byte offsets of the original text.
// Decode concatenates piece bytes, so with byte fallback and the `none` normalizer,
// decode(encode(x)) reproduces x byte for byte.

import { ToksmithError } from './errors.js';
import { AddedTokenMatcher, type SpecialPolicy } from './pipeline/added-tokens.js';
import { PipelineEncoder } from './pipeline/pipeline-encoder.js';
import { createDecoderStep, type DecoderStep } from './pipeline/steps.js';
import type { AddedTokenSpec, TemplateItem } from './pipeline/spec.js';
import { createNormalizer, mapToOriginal, type Alignment, type Normalizer } from './normalizers.js';
import { createPreTokenizer, type PreTokenizer } from './pre-tokenizers.js';
import { createSegmenter } from './segment/index.js';
import { TokenSink, type SegmentContext, type Segmenter } from './segment/types.js';
import { SortedTrie } from './sorted-trie.js';
import { byteToUnitTable, bytePieceName, lenientUtf8Decoder, unitToByteTable, utf8ByteLength, utf8Encoder } from './utf8.js';
import { indexVocab, PieceKind, pieceStoreOf, type MethodName, type PieceStore, type Vocab } from './vocab.js';

/** Encoded text: ids and, when requested, [start, end) byte offsets into the original text. */
export interface Encoding {
  ids: number[];
  /** Flat pairs: token k spans bytes [offsets[2k], offsets[2k+1]) of the input. */
  offsets?: number[];
}

const REPLACEMENT_CHARACTER = utf8Encoder.encode('\uFFFD');

const trieCache = new WeakMap<Vocab, SortedTrie>();

/** Returns the trie of a vocabulary's normal pieces, built on first use and shared by its encoders. */
export function normalPieceTrie(vocab: Vocab): SortedTrie {
  let trie = trieCache.get(vocab);
  if (trie === undefined) {
    trie = SortedTrie.build(pieceStoreOf(vocab), (id) => vocab.kinds[id] === PieceKind.normal, vocab.byteOrder);
    trieCache.set(vocab, trie);
  }
  return trie;
}

export interface EncoderOptions {
  /** Policy for special-token text in the input. @default 'text' */
  special?: SpecialPolicy;
  /** Adds the BOS/EOS ids of an imported tokenizer's post-processing template. @default true */
  addSpecialTokens?: boolean;
}

/** Returns the added tokens of a vocabulary: an imported pipeline's, or its special pieces. */
export function addedTokensOf(vocab: Vocab): AddedTokenSpec[] {
  if (vocab.pipeline !== undefined) return vocab.pipeline.addedTokens;
  const store = pieceStoreOf(vocab);
  const tokens: AddedTokenSpec[] = [];
  for (let id = 0; id < vocab.kinds.length; id++) {
    if (vocab.kinds[id] !== PieceKind.special) continue;
    const content = lenientUtf8Decoder.decode(store.bytes.subarray(id > 0 ? store.ends[id - 1]! : 0, store.ends[id]!));
    tokens.push({ id, content, special: true, lstrip: false, rstrip: false, singleWord: false, normalized: false });
  }
  return tokens;
}

/** A vocabulary prepared for encoding and decoding with one segmentation method. */
export class Encoder {
  readonly vocab: Vocab;
  readonly method: MethodName;
  readonly normalizer: Normalizer;
  readonly preTokenizer: PreTokenizer;
  private readonly context: SegmentContext;
  private readonly segment: Segmenter;
  private buffer = new Uint8Array(1024);
  private readonly ranges: number[] = [];
  private readonly sink = new TokenSink();
  private readonly decoder: Decoder;
  private readonly addedTokens: AddedTokenMatcher;
  private readonly pipeline: PipelineEncoder | undefined;
  private readonly template: TemplateItem[] | undefined;

  constructor(vocab: Vocab, method: MethodName = vocab.defaultMethod, options: EncoderOptions = {}) {
    this.vocab = vocab;
    this.method = method;
    this.normalizer = createNormalizer(vocab.normalizer);
    this.preTokenizer = createPreTokenizer(vocab.preTokenizer);
    this.context = {
      vocab,
      index: indexVocab(vocab),
      get trie() {
        return normalPieceTrie(vocab);
      },
    };
    this.segment = createSegmenter(method, this.context);
    this.decoder = new Decoder(vocab);
    this.addedTokens = new AddedTokenMatcher(addedTokensOf(vocab), options.special ?? 'text');
    const steps = vocab.pipeline === undefined ? 0 : vocab.pipeline.normalizers.length + vocab.pipeline.preTokenizers.length;
    this.pipeline = steps === 0 ? undefined : new PipelineEncoder(vocab.pipeline!, this.segment);
    this.template = options.addSpecialTokens === false ? undefined : vocab.pipeline?.template;
  }

  /**
   * Encodes one line or document. Offsets cost extra work, so they are computed only on
   * request. Throws under the `error` special policy when the text contains a special token.
   */
  encode(text: string, withOffsets = false): Encoding {
    const splits = this.addedTokens.empty ? undefined : this.addedTokens.split(text);
    let encoding: Encoding;
    if (splits === undefined) {
      encoding = this.encodePlain(text, withOffsets, true);
    } else {
      // Plain text between added tokens is encoded on its own, as Hugging Face tokenizers does.
      const ids: number[] = [];
      const offsets: number[] | undefined = withOffsets ? [] : undefined;
      const byteOf = withOffsets ? unitToByteTable(text) : undefined;
      for (const split of splits) {
        if (split.id >= 0) {
          ids.push(split.id);
          offsets?.push(byteOf![split.start]!, byteOf![split.end]!);
          continue;
        }
        const part = this.encodePlain(text.slice(split.start, split.end), withOffsets, split.start === 0);
        for (const id of part.ids) ids.push(id);
        if (offsets !== undefined) for (const offset of part.offsets!) offsets.push(offset + byteOf![split.start]!);
      }
      encoding = { ids, offsets };
    }
    return this.template === undefined ? encoding : applyTemplate(this.template, encoding);
  }

  /** Encodes text that contains no added token. */
  private encodePlain(text: string, withOffsets: boolean, atInputStart: boolean): Encoding {
    if (this.pipeline !== undefined) {
      const encoding = this.pipeline.encode(text, withOffsets, atInputStart);
      if (!withOffsets) return { ids: encoding.ids };
      const byteOf = unitToByteTable(text);
      return { ids: encoding.ids, offsets: encoding.unitOffsets!.map((unit) => byteOf[unit]!) };
    }
    return this.encodeNative(text, withOffsets);
  }

  /** Encodes with the vocabulary's own normalizer and pre-tokenizer. */
  private encodeNative(text: string, withOffsets: boolean): Encoding {
    // 1. Normalize, and prepend the metaspace prefix space to non-empty text.
    const normalized = this.normalizer.normalize(text, withOffsets);
    const prefix = this.preTokenizer.prefixSpace && normalized.text.length > 0 ? 1 : 0;
    const work = prefix === 1 ? ' ' + normalized.text : normalized.text;

    // 2. UTF-8 encode once into a reused buffer.
    if (this.buffer.length < work.length * 3) this.buffer = new Uint8Array(work.length * 3 + 64);
    const byteLength = utf8Encoder.encodeInto(work, this.buffer).written;
    const bytes = this.buffer;

    // 3. Split into pre-tokens and segment each; ranges are in UTF-16 units, ascending.
    const ranges = this.ranges;
    ranges.length = 0;
    this.preTokenizer.split(work, ranges);
    const sink = this.sink;
    sink.reset(withOffsets);
    let unit = 0;
    let byte = 0;
    for (let r = 0; r < ranges.length; r += 2) {
      const start = ranges[r]!;
      const end = ranges[r + 1]!;
      byte += utf8ByteLength(work, unit, start);
      const startByte = byte;
      byte += utf8ByteLength(work, start, end);
      unit = end;
      this.segment(bytes, startByte, byte, sink);
    }
    if (byte > byteLength) throw new Error('internal invariant failed: pre-token ranges exceed the text');

    const ids = sink.ids;
    if (!withOffsets) return { ids };

    // 4. Map byte spans of `work` back to byte offsets of the original text.
    const offsets = new Array<number>(ids.length * 2);
    if (prefix === 0 && normalized.alignment === undefined) {
      for (let k = 0; k < ids.length; k++) {
        offsets[2 * k] = sink.starts[k]!;
        offsets[2 * k + 1] = sink.ends[k]!;
      }
      return { ids, offsets };
    }
    mapOffsets(text, work, prefix, normalized.alignment, sink, offsets);
    return { ids, offsets };
  }

  /** Returns the number of tokens of `text`, without building offsets. */
  count(text: string): number {
    return this.encode(text).ids.length;
  }

  /** Decodes ids to bytes; see {@link Decoder.decode}. */
  decode(ids: ArrayLike<number>): Uint8Array {
    return this.decoder.decode(ids);
  }
}

/** Turns ids back into bytes. Needs no trie, so it is cheap to create. */
export class Decoder {
  private readonly prefixSpace: boolean;
  private readonly store: PieceStore;
  private readonly kinds: Uint8Array;
  /** Decoder steps of an imported pipeline that work on strings; absent when bytes suffice. */
  private readonly steps: DecoderStep[] | undefined;
  /** Imported tokenizers decode the unknown piece as its text, as their own tools do; toksmith's write U+FFFD. */
  private readonly unknownAsText: boolean;

  constructor(readonly vocab: Vocab) {
    this.prefixSpace = createPreTokenizer(vocab.preTokenizer).prefixSpace;
    this.store = pieceStoreOf(vocab);
    this.kinds = vocab.kinds;
    this.unknownAsText = vocab.pipeline !== undefined;
    const decoders = vocab.pipeline?.decoders ?? [];
    this.steps = decoders.every((step) => step.type === 'byte-level')
      ? undefined
      : decoders.map((step, k) => createDecoderStep(step, `decoder[${k}]`));
  }

  /**
   * Decodes through the pipeline's decoder steps, as Hugging Face tokenizers does: byte pieces
   * become `<0xNN>` strings for the byte-fallback step, every other piece its text.
   */
  private decodeWithSteps(ids: ArrayLike<number>, steps: DecoderStep[]): Uint8Array {
    const { bytes, ends } = this.store;
    let tokens: string[] = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const start = id > 0 ? ends[id - 1]! : 0;
      tokens.push(this.kinds[id] === PieceKind.byte ? bytePieceName(bytes[start]!) : lenientUtf8Decoder.decode(bytes.subarray(start, ends[id]!)));
    }
    for (const step of steps) tokens = step.decode(tokens);
    return utf8Encoder.encode(tokens.join(''));
  }

  /**
   * Decodes ids to bytes: piece bytes concatenated, U+FFFD for the unknown piece, and the
   * metaspace prefix space removed. Throws for an id outside the vocabulary.
   */
  decode(ids: ArrayLike<number>): Uint8Array {
    const { bytes, ends } = this.store;
    const size = ends.length;
    let total = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (!Number.isInteger(id) || id < 0 || id >= size) {
        throw new ToksmithError(`id ${id} is outside the vocabulary (0..${size - 1})`, {
          hint: 'decode with the vocabulary that produced the ids',
        });
      }
      if (this.steps !== undefined) continue;
      total += this.kinds[id] === PieceKind.unknown && !this.unknownAsText ? REPLACEMENT_CHARACTER.length : ends[id]! - (id > 0 ? ends[id - 1]! : 0);
    }
    if (this.steps !== undefined) return this.decodeWithSteps(ids, this.steps);
    const out = new Uint8Array(total);
    let position = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (this.kinds[id] === PieceKind.unknown && !this.unknownAsText) {
        out.set(REPLACEMENT_CHARACTER, position);
        position += REPLACEMENT_CHARACTER.length;
        continue;
      }
      // Pieces are short, so a byte loop beats creating a subarray per piece.
      for (let i = id > 0 ? ends[id - 1]! : 0; i < ends[id]!; i++) out[position++] = bytes[i]!;
    }
    if (this.prefixSpace && out.length > 0 && out[0] === 0x20) return out.subarray(1);
    return out;
  }
}

/** Wraps an encoding in a post-processing template; template ids get empty offsets at 0. */
function applyTemplate(template: readonly TemplateItem[], encoding: Encoding): Encoding {
  const ids: number[] = [];
  const offsets: number[] | undefined = encoding.offsets === undefined ? undefined : [];
  for (const item of template) {
    if ('id' in item) {
      ids.push(item.id);
      offsets?.push(0, 0);
      continue;
    }
    for (const id of encoding.ids) ids.push(id);
    if (offsets !== undefined) for (const offset of encoding.offsets!) offsets.push(offset);
  }
  return { ids, offsets };
}

/** Maps token byte spans in the prefixed, normalized text to byte offsets of the original text. */
function mapOffsets(
  original: string,
  work: string,
  prefix: number,
  alignment: Alignment | undefined,
  sink: TokenSink,
  offsets: number[],
): void {
  // UTF-16 index in `work` of each UTF-8 byte position (a position inside a character maps to
  // that character's start), and UTF-8 byte offset of each UTF-16 index of the original.
  const workByteToUnit = byteToUnitTable(work);
  const originalUnitToByte = unitToByteTable(original);
  const toOriginalUnits = (workStart: number, workEnd: number): [number, number] => {
    const start = Math.max(0, workStart - prefix);
    const end = Math.max(0, workEnd - prefix);
    if (alignment === undefined) return [start, end];
    if (end <= start) {
      const [at] = mapToOriginal(alignment, start, start + 1);
      return [at, at];
    }
    return mapToOriginal(alignment, start, end);
  };
  for (let k = 0; k < sink.ids.length; k++) {
    const startUnit = workByteToUnit[sink.starts[k]!]!;
    let endUnit = workByteToUnit[sink.ends[k]!]!;
    // A token that ends inside a character covers that whole character.
    if (endUnit < work.length && unitStartsInside(workByteToUnit, sink.ends[k]!)) endUnit = nextUnit(work, endUnit);
    const [start, end] = original.length === 0 ? [0, 0] : toOriginalUnits(startUnit, endUnit);
    offsets[2 * k] = originalUnitToByte[Math.min(start, original.length)]!;
    offsets[2 * k + 1] = originalUnitToByte[Math.min(end, original.length)]!;
  }
}

function unitStartsInside(table: Int32Array, bytePosition: number): boolean {
  return bytePosition > 0 && table[bytePosition - 1] === table[bytePosition];
}

function nextUnit(text: string, unit: number): number {
  const codePoint = text.codePointAt(unit)!;
  return unit + (codePoint > 0xffff ? 2 : 1);
}
