// BPE training step: from pre-token counts to a vocabulary with ordered merges.
// Id order, byte-level (`--alphabet bytes`): specials in the order given, the 256 bytes in byte
// order (normal pieces), then merged pieces in merge order. Character-level (`--alphabet chars`):
// <unk>, specials, the 256 `<0xNN>` byte-fallback pieces (unless --no-byte-fallback), the
// alphabet characters by count, then merged pieces. The merge loop itself is merge-loop.ts.

import { ToksmithError } from '../../src/errors.js';
import type { Progress } from '../../src/progress.js';
import { utf8Encoder } from '../../src/utf8.js';
import { PieceKind, type Vocab } from '../../src/vocab.js';
import { UNKNOWN_PIECE } from '../../src/vocab.js';
import type { CountTable } from '../counting.js';
import { selectCharacterAlphabet } from './alphabet.js';
import { learnMerges, type SymbolCorpus } from './merge-loop.js';
import { checkBpeOptions, type BpeTrainerOptions } from './options.js';
import { PRE_TOKEN_UNIT } from './pre-token-counting.js';
import { buildByteCorpus, buildCharacterCorpus } from './symbol-corpus.js';

/** Pieces under construction: bytes, kinds, lengths in symbols, and an index of normal pieces. */
class PieceList {
  readonly pieces: Uint8Array[] = [];
  readonly kinds: number[] = [];
  readonly lengths: number[] = [];
  private readonly normalIds = new Map<string, number>();

  add(bytes: Uint8Array, kind: number, length: number): number {
    const id = this.pieces.length;
    this.pieces.push(bytes);
    this.kinds.push(kind);
    this.lengths.push(length);
    if (kind === PieceKind.normal) this.normalIds.set(latin1Key(bytes), id);
    return id;
  }

  /** Returns the id of the normal piece joining `left` and `right`, adding it when new. */
  join(left: number, right: number): number {
    const a = this.pieces[left]!;
    const b = this.pieces[right]!;
    const bytes = new Uint8Array(a.length + b.length);
    bytes.set(a, 0);
    bytes.set(b, a.length);
    const existing = this.normalIds.get(latin1Key(bytes));
    if (existing !== undefined) return existing;
    return this.add(bytes, PieceKind.normal, this.lengths[left]! + this.lengths[right]!);
  }
}

function latin1Key(bytes: Uint8Array): string {
  let key = '';
  for (let i = 0; i < bytes.length; i += 4096) key += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return key;
}

/** Trains a BPE vocabulary from pre-token counts. Throws if the counts are of another unit. */
export function trainBpeVocab(counts: CountTable, options: BpeTrainerOptions, progress?: Progress): Vocab {
  checkBpeOptions(options);
  if (counts.settings.unit !== PRE_TOKEN_UNIT) {
    throw new ToksmithError(`counts of ${counts.settings.unit} cannot train a bpe vocabulary`, { hint: 'count with --model bpe' });
  }

  // 1. Reserved pieces and the alphabet, then the words as symbol sequences.
  const list = new PieceList();
  const training: Record<string, string | number | boolean> = { alphabet: options.alphabet, minFrequency: options.minFrequency };
  let corpus: SymbolCorpus;
  if (options.alphabet === 'bytes') {
    for (const special of options.specials) list.add(utf8Encoder.encode(special), PieceKind.special, 1);
    const firstByteId = list.pieces.length;
    for (let byte = 0; byte < 256; byte++) list.add(Uint8Array.of(byte), PieceKind.normal, 1);
    corpus = buildByteCorpus(counts, firstByteId);
  } else {
    list.add(utf8Encoder.encode(UNKNOWN_PIECE), PieceKind.unknown, 1);
    for (const special of options.specials) list.add(utf8Encoder.encode(special), PieceKind.special, 1);
    if (options.byteFallback) for (let byte = 0; byte < 256; byte++) list.add(Uint8Array.of(byte), PieceKind.byte, 1);
    const alphabet = selectCharacterAlphabet(counts, options);
    const room = options.vocabSize - list.pieces.length;
    const characterIds = new Map<string, number>();
    for (const character of alphabet.characters.slice(0, room)) characterIds.set(character, list.add(utf8Encoder.encode(character), PieceKind.normal, 1));
    corpus = buildCharacterCorpus(counts, characterIds);
    Object.assign(training, {
      characterCoverage: options.characterCoverage,
      coverageReached: alphabet.coverage,
      charactersSeen: alphabet.charactersSeen,
      charactersKept: characterIds.size,
      byteFallback: options.byteFallback,
    });
  }

  // 2. Learn merges until the vocabulary is full.
  const maxTokenLength = options.maxTokenLength ?? Infinity;
  const result = learnMerges(corpus, {
    maxNewPieces: Math.max(0, options.vocabSize - list.pieces.length),
    minFrequency: Math.max(1, options.minFrequency),
    maxTokenLength,
    joinPieces: (left, right) => list.join(left, right),
    pieceBytes: list.pieces,
    pieceLength: (id) => list.lengths[id]!,
    progress,
  });
  if (list.pieces.length < options.vocabSize) {
    progress?.notice(`bpe: the vocabulary has ${list.pieces.length} of ${options.vocabSize} ids: no pair left that occurs ${options.minFrequency} times or more`);
  }

  // 3. Assemble the vocabulary.
  Object.assign(training, {
    requestedVocabSize: options.vocabSize,
    merges: result.merges.length / 2,
    stoppedBy: result.stoppedBy,
    ...(options.maxTokenLength === undefined ? {} : { maxTokenLength: options.maxTokenLength }),
  });
  return {
    algorithm: 'bpe',
    pieces: list.pieces,
    kinds: Uint8Array.from(list.kinds),
    merges: Int32Array.from(result.merges),
    normalizer: counts.settings.normalizer,
    preTokenizer: counts.settings.preTokenizer,
    defaultMethod: 'merges',
    provenance: { command: '', corpus: counts.corpus, createdAt: '', toksmithVersion: '', training },
  };
}
