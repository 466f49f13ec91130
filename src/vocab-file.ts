// The `.tok` vocabulary file: a fixed header, then a deterministic vocabulary section and a
// provenance section, each MessagePack (msgpackr) with its own CRC-32.
//
//   offset 0   8 bytes  magic "TOKSMITH"
//          8   u16 LE   format version
//         10   u16 LE   reserved, 0
//         12   u32 LE   vocabulary section length      16  u32 LE  its CRC-32
//         20   u32 LE   provenance section length      24  u32 LE  its CRC-32
//         28   vocabulary section, then provenance section
//
// Pieces are stored as one byte blob plus end offsets, so loading a large vocabulary makes
// typed-array views instead of one object per piece.

import { readFileSync, statSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import { ToksmithError } from './errors.js';
import { normalPieceTrie } from './encoder.js';
import { NORMALIZER_NAMES, type NormalizerName } from './normalizers.js';
import { mergeResults } from './segment/merges.js';
import type { PipelineSpec } from './pipeline/spec.js';
import { PRE_TOKENIZER_NAMES, type PreTokenizerSpec } from './pre-tokenizers.js';
import { ALGORITHMS, definePiecesLazily, IMPORTED_ALGORITHMS, METHODS, pieceStoreOf, type Algorithm, type MethodName, type Provenance, type Vocab } from './vocab.js';
import { writeFileAtomic } from './atomic-write.js';
import { sortIdsByBytes } from './sorted-trie.js';

export const MAGIC = 'TOKSMITH';
/** Newest format version this toksmith reads. Version 2 adds an imported tokenizer's pipeline. */
export const FORMAT_VERSION = 2;
const HEADER_BYTES = 28;

// Plain MessagePack maps (no msgpackr records), so the bytes depend only on the values.
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

interface VocabSection {
  algorithm: Algorithm;
  normalizer: NormalizerName;
  preTokenizer: PreTokenizerSpec;
  defaultMethod: MethodName;
  pieceCount: number;
  pieceBytes: Uint8Array;
  pieceEnds: Uint8Array;
  kinds: Uint8Array;
  scores?: Uint8Array;
  merges?: Uint8Array;
  byteOrder?: Uint8Array;
  mergeResults?: Uint8Array;
  pipeline?: PipelineSpec;
}

function toLittleEndianUint32(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setUint32(i * 4, values[i]!, true);
  return bytes;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function fromLittleEndianUint32(bytes: Uint8Array): Uint32Array {
  // On little-endian machines a copy into an aligned buffer is the whole conversion.
  if (LITTLE_ENDIAN) return new Uint32Array(Uint8Array.prototype.slice.call(bytes).buffer, 0, bytes.length >>> 2);
  const values = new Uint32Array(bytes.length >>> 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) values[i] = view.getUint32(i * 4, true);
  return values;
}

function toLittleEndianFloat64(values: Float64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return bytes;
}

function fromLittleEndianFloat64(bytes: Uint8Array): Float64Array {
  const values = new Float64Array(bytes.length >>> 3);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8, true);
  return values;
}

/** Encodes the deterministic vocabulary section: the same vocabulary always gives the same bytes. */
export function encodeVocabSection(vocab: Vocab): Uint8Array {
  let totalBytes = 0;
  for (const piece of vocab.pieces) totalBytes += piece.length;
  const pieceBytes = new Uint8Array(totalBytes);
  const pieceEnds = new Uint32Array(vocab.pieces.length);
  let position = 0;
  vocab.pieces.forEach((piece, id) => {
    pieceBytes.set(piece, position);
    position += piece.length;
    pieceEnds[id] = position;
  });
  // Keys are written in this fixed order.
  const section: VocabSection = {
    algorithm: vocab.algorithm,
    normalizer: vocab.normalizer,
    preTokenizer: vocab.preTokenizer,
    defaultMethod: vocab.defaultMethod,
    pieceCount: vocab.pieces.length,
    pieceBytes,
    pieceEnds: toLittleEndianUint32(pieceEnds),
    kinds: vocab.kinds,
  };
  if (vocab.scores !== undefined) section.scores = toLittleEndianFloat64(vocab.scores);
  if (vocab.merges !== undefined) section.merges = toLittleEndianUint32(new Uint32Array(vocab.merges.buffer, vocab.merges.byteOffset, vocab.merges.length));
  section.byteOrder = toLittleEndianUint32(sortIdsByBytes(pieceStoreOf(vocab)));
  if (vocab.merges !== undefined) {
    const results = mergeResults(vocab, () => normalPieceTrie(vocab));
    section.mergeResults = toLittleEndianUint32(new Uint32Array(results.buffer, results.byteOffset, results.length));
  }
  if (vocab.pipeline !== undefined) section.pipeline = vocab.pipeline;
  return packr.pack(section);
}

/** Serializes a vocabulary into the bytes of a `.tok` file. */
export function serializeVocab(vocab: Vocab): Uint8Array {
  const vocabSection = encodeVocabSection(vocab);
  const provenanceSection = packr.pack(vocab.provenance ?? null);
  const file = new Uint8Array(HEADER_BYTES + vocabSection.length + provenanceSection.length);
  const view = new DataView(file.buffer);
  file.set(new TextEncoder().encode(MAGIC), 0);
  // Files without a pipeline stay at version 1, so older toksmith versions still read them.
  view.setUint16(8, vocab.pipeline === undefined ? 1 : FORMAT_VERSION, true);
  view.setUint16(10, 0, true);
  view.setUint32(12, vocabSection.length, true);
  view.setUint32(16, crc32(vocabSection), true);
  view.setUint32(20, provenanceSection.length, true);
  view.setUint32(24, crc32(provenanceSection), true);
  file.set(vocabSection, HEADER_BYTES);
  file.set(provenanceSection, HEADER_BYTES + vocabSection.length);
  return file;
}

/** Writes a vocabulary to `path` atomically. */
export function saveVocab(vocab: Vocab, path: string): void {
  writeFileAtomic(path, serializeVocab(vocab));
}

/** Returns the bytes of the vocabulary section of a `.tok` file, for byte-for-byte comparison. */
export function vocabSectionOf(file: Uint8Array, name = 'vocabulary'): Uint8Array {
  const { vocabStart, vocabLength } = checkHeader(file, name);
  return file.subarray(vocabStart, vocabStart + vocabLength);
}

function checkHeader(file: Uint8Array, name: string): { vocabStart: number; vocabLength: number; provenanceLength: number } {
  const corrupt = (what: string): ToksmithError =>
    new ToksmithError(`${name}: ${what}`, { hint: 'copy the file again or retrain it' });
  const magic = new TextDecoder().decode(file.subarray(0, MAGIC.length));
  if (file.length < MAGIC.length || magic !== MAGIC) {
    throw new ToksmithError(`${name}: not a toksmith vocabulary file (no '${MAGIC}' header)`, {
      hint: 'pass a .tok file written by toksmith train',
    });
  }
  if (file.length < HEADER_BYTES) throw corrupt('truncated vocabulary file (header incomplete)');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = view.getUint16(8, true);
  if (version > FORMAT_VERSION) {
    throw new ToksmithError(`${name}: vocabulary format version ${version} is newer than this toksmith supports (${FORMAT_VERSION})`, {
      hint: 'upgrade toksmith',
    });
  }
  const vocabLength = view.getUint32(12, true);
  const provenanceLength = view.getUint32(20, true);
  if (file.length < HEADER_BYTES + vocabLength + provenanceLength) {
    throw corrupt(`truncated vocabulary file (${file.length} bytes, header expects ${HEADER_BYTES + vocabLength + provenanceLength})`);
  }
  if (crc32(file.subarray(HEADER_BYTES, HEADER_BYTES + vocabLength)) !== view.getUint32(16, true)) {
    throw corrupt('corrupt vocabulary file (vocabulary section checksum mismatch)');
  }
  const provenanceStart = HEADER_BYTES + vocabLength;
  if (crc32(file.subarray(provenanceStart, provenanceStart + provenanceLength)) !== view.getUint32(24, true)) {
    throw corrupt('corrupt vocabulary file (provenance section checksum mismatch)');
  }
  return { vocabStart: HEADER_BYTES, vocabLength, provenanceLength };
}

/** Parses the bytes of a `.tok` file; `name` labels error messages. */
export function deserializeVocab(file: Uint8Array, name: string): Vocab {
  const { vocabStart, vocabLength, provenanceLength } = checkHeader(file, name);
  const invalid = (what: string): ToksmithError =>
    new ToksmithError(`${name}: invalid vocabulary file (${what})`, { hint: 'copy the file again or retrain it' });

  let section: VocabSection;
  let provenance: Provenance | null;
  try {
    section = packr.unpack(file.subarray(vocabStart, vocabStart + vocabLength)) as VocabSection;
    provenance = packr.unpack(file.subarray(vocabStart + vocabLength, vocabStart + vocabLength + provenanceLength)) as Provenance | null;
  } catch (error) {
    throw invalid(`MessagePack decoding failed: ${(error as Error).message}`);
  }

  if (![...ALGORITHMS, ...IMPORTED_ALGORITHMS].includes(section.algorithm)) throw invalid(`unknown algorithm '${String(section.algorithm)}'`);
  if (!(METHODS as readonly string[]).includes(section.defaultMethod)) throw invalid(`unknown method '${String(section.defaultMethod)}'`);
  if (!(NORMALIZER_NAMES as readonly string[]).includes(section.normalizer)) throw invalid(`unknown normalizer '${String(section.normalizer)}'`);
  if (!(PRE_TOKENIZER_NAMES as readonly string[]).includes(section.preTokenizer?.type)) throw invalid('unknown pre-tokenizer');

  const count = section.pieceCount;
  const ends = fromLittleEndianUint32(section.pieceEnds);
  if (ends.length !== count || section.kinds.length !== count) throw invalid('piece table sizes disagree');
  // A plain Uint8Array view: subarrays of a Node Buffer are Buffers, which cost more to create.
  const blob = new Uint8Array(section.pieceBytes.buffer, section.pieceBytes.byteOffset, section.pieceBytes.byteLength);
  let previousEnd = 0;
  for (let id = 0; id < count; id++) {
    const end = ends[id]!;
    if (end < previousEnd || end > blob.length) throw invalid(`piece ${id} out of range`);
    previousEnd = end;
  }

  const vocab: Vocab = {
    algorithm: section.algorithm,
    pieces: [],
    pieceStore: { bytes: blob, ends },
    kinds: new Uint8Array(section.kinds),
    normalizer: section.normalizer,
    preTokenizer: section.preTokenizer,
    defaultMethod: section.defaultMethod,
  };
  if (section.scores !== undefined) {
    vocab.scores = fromLittleEndianFloat64(section.scores);
    if (vocab.scores.length !== count) throw invalid('score table size disagrees with piece count');
  }
  if (section.merges !== undefined) {
    vocab.merges = new Int32Array(fromLittleEndianUint32(section.merges).buffer);
    for (const id of vocab.merges) if (id < 0 || id >= count) throw invalid(`merge refers to unknown id ${id}`);
  }
  if (section.mergeResults !== undefined && vocab.merges !== undefined) {
    const results = new Int32Array(fromLittleEndianUint32(section.mergeResults).buffer);
    if (results.length !== vocab.merges.length / 2) throw invalid('merge result table size disagrees with merge count');
    vocab.mergeResults = results;
  }
  if (section.byteOrder !== undefined) {
    const order = new Int32Array(fromLittleEndianUint32(section.byteOrder).buffer);
    if (order.length !== count) throw invalid('byte order table size disagrees with piece count');
    vocab.byteOrder = order;
  }
  if (section.pipeline !== undefined) {
    const pipeline = section.pipeline;
    if (typeof pipeline !== 'object' || !Array.isArray(pipeline.normalizers) || !Array.isArray(pipeline.preTokenizers) || !Array.isArray(pipeline.decoders) || !Array.isArray(pipeline.addedTokens)) {
      throw invalid('malformed pipeline');
    }
    vocab.pipeline = pipeline;
  }
  if (provenance !== null) vocab.provenance = provenance;
  definePiecesLazily(vocab, { bytes: blob, ends });
  return vocab;
}

/** Loads a `.tok` file; every failure is a one-line error naming the file. */
export function loadVocab(path: string): Vocab {
  let file: Uint8Array;
  try {
    if (statSync(path).isDirectory()) {
      throw new ToksmithError(`${path}: is a directory, not a vocabulary file`, { hint: 'pass a .tok file' });
    }
    file = readFileSync(path);
  } catch (error) {
    if (error instanceof ToksmithError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ToksmithError(`${path}: vocabulary file not found`, { hint: 'check the path or train one with toksmith train', cause: error });
    }
    throw new ToksmithError(`${path}: cannot read vocabulary file: ${(error as Error).message}`, { cause: error });
  }
  return deserializeVocab(file, path);
}
