// SentencePiece's ModelProto (sentencepiece_model.proto, proto2): decoding and encoding with
// protobufjs and a schema of our own. Field numbers are those of the published format. The
// schema lists only the fields toksmith reads or writes. protobufjs keeps every other field of a
// decoded message in `$unknowns` and writes it back, so a read-modify-write loses no field.

import protobuf from 'protobufjs';
import { ToksmithError } from '../../errors.js';

const SCHEMA = `
syntax = "proto2";
package sentencepiece;

message TrainerSpec {
  repeated string input = 1;
  optional string model_prefix = 2;
  enum ModelType { UNIGRAM = 1; BPE = 2; WORD = 3; CHAR = 4; }
  optional ModelType model_type = 3 [default = UNIGRAM];
  optional int32 vocab_size = 4 [default = 8000];
  optional float character_coverage = 10 [default = 0.9995];
  optional int32 max_sentence_length = 18 [default = 4192];
  optional int32 max_sentencepiece_length = 20 [default = 16];
  optional bool split_by_whitespace = 22 [default = true];
  optional bool treat_whitespace_as_suffix = 24 [default = false];
  optional bool allow_whitespace_only_pieces = 26 [default = false];
  repeated string control_symbols = 30;
  repeated string user_defined_symbols = 31;
  optional bool byte_fallback = 35 [default = false];
  optional int32 unk_id = 40 [default = 0];
  optional int32 bos_id = 41 [default = 1];
  optional int32 eos_id = 42 [default = 2];
  optional int32 pad_id = 43 [default = -1];
  optional string unk_surface = 44 [default = " \u2047 "];
  optional string unk_piece = 45 [default = "<unk>"];
  optional string bos_piece = 46 [default = "<s>"];
  optional string eos_piece = 47 [default = "</s>"];
  optional string pad_piece = 48 [default = "<pad>"];
}

message NormalizerSpec {
  optional string name = 1;
  optional bytes precompiled_charsmap = 2;
  optional bool add_dummy_prefix = 3 [default = true];
  optional bool remove_extra_whitespaces = 4 [default = true];
  optional bool escape_whitespaces = 5 [default = true];
  optional string normalization_rule_tsv = 6;
}

message SelfTestData {
  message Sample {
    optional string input = 1;
    optional string expected = 2;
  }
  repeated Sample samples = 1;
}

message ModelProto {
  message SentencePiece {
    enum Type { NORMAL = 1; UNKNOWN = 2; CONTROL = 3; USER_DEFINED = 4; UNUSED = 5; BYTE = 6; }
    optional string piece = 1;
    optional float score = 2;
    optional Type type = 3 [default = NORMAL];
  }
  repeated SentencePiece pieces = 1;
  optional TrainerSpec trainer_spec = 2;
  optional NormalizerSpec normalizer_spec = 3;
  optional SelfTestData self_test_data = 4;
  optional NormalizerSpec denormalizer_spec = 5;
}
`;

/** Piece types of `ModelProto.SentencePiece.type`. */
export const SpmPieceType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/** Model types of `TrainerSpec.model_type`. */
export const SpmModelType = { unigram: 1, bpe: 2, word: 3, char: 4 } as const;

export interface SpmPiece {
  piece?: string;
  score?: number;
  type?: number;
}

/** The TrainerSpec fields toksmith uses; a decoded message reads proto2 defaults for unset ones. */
export interface SpmTrainerSpec {
  model_type?: number;
  vocab_size?: number;
  treat_whitespace_as_suffix?: boolean;
  byte_fallback?: boolean;
  control_symbols?: string[];
  user_defined_symbols?: string[];
  unk_id?: number;
  bos_id?: number;
  eos_id?: number;
  pad_id?: number;
  unk_surface?: string;
  unk_piece?: string;
  bos_piece?: string;
  eos_piece?: string;
  pad_piece?: string;
  [field: string]: unknown;
}

export interface SpmNormalizerSpec {
  name?: string;
  precompiled_charsmap?: Uint8Array;
  add_dummy_prefix?: boolean;
  remove_extra_whitespaces?: boolean;
  escape_whitespaces?: boolean;
  normalization_rule_tsv?: string;
  [field: string]: unknown;
}

export interface SpmModelProto {
  pieces: SpmPiece[];
  trainer_spec?: SpmTrainerSpec;
  normalizer_spec?: SpmNormalizerSpec;
  denormalizer_spec?: SpmNormalizerSpec;
  [field: string]: unknown;
}

let modelType: protobuf.Type | undefined;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType('sentencepiece.ModelProto');
  return modelType;
}

/** Returns a field of a decoded message, or the proto2 default when the field was not set. */
export function fieldOf<T>(message: object | undefined, name: string, fallback: T): T {
  if (message === undefined) return fallback;
  const value = (message as Record<string, unknown>)[name];
  return value === undefined || value === null ? fallback : (value as T);
}

/**
 * Decodes a serialized ModelProto. Throws a one-line error naming `path` and the byte offset
 * where decoding failed, or the end of the file when the sections after the pieces are missing
 * (a file cut at a field boundary decodes without a wire error).
 */
export function decodeModelProto(bytes: Uint8Array, path: string): SpmModelProto {
  const type = modelProtoType();
  const reader = protobuf.Reader.create(bytes);
  // protobufjs drops unknown fields unless `discardUnknown` is false on the reader.
  reader.discardUnknown = false;
  let decoded: protobuf.Message;
  try {
    decoded = type.decode(reader);
  } catch (error) {
    throw new ToksmithError(`${path}: invalid SentencePiece model at byte ${reader.pos} of ${bytes.length}: ${(error as Error).message}`, {
      hint: 'the file is truncated or not a .model file; copy or export it again',
      cause: error,
    });
  }
  const model = decoded as unknown as SpmModelProto;
  if (!Array.isArray(model.pieces) || model.pieces.length === 0) {
    throw new ToksmithError(`${path}: invalid SentencePiece model at byte ${bytes.length}: no pieces`, { hint: 'the file is truncated or not a .model file' });
  }
  if (model.trainer_spec === undefined || model.trainer_spec === null || model.normalizer_spec === undefined || model.normalizer_spec === null) {
    throw new ToksmithError(`${path}: invalid SentencePiece model at byte ${bytes.length}: the file ends before its ${model.trainer_spec ? 'normalizer_spec' : 'trainer_spec'}`, {
      hint: 'the file is truncated; copy or export it again',
    });
  }
  return model;
}

/** Serializes a ModelProto, unknown fields of decoded messages included. */
export function encodeModelProto(model: SpmModelProto): Uint8Array {
  const type = modelProtoType();
  return type.encode(model as unknown as protobuf.Message).finish();
}
