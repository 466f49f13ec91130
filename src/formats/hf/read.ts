// Reader of Hugging Face tokenizer.json files: the BPE, WordPiece, Unigram and WordLevel models
// with their added tokens, normalizer, pre-tokenizer, post-processor and decoder, turned into a
// toksmith vocabulary with an imported pipeline. Byte-level BPE pieces are converted from GPT-2's
// byte-to-unicode characters to raw bytes. Components are converted in read-components.ts.
//
// NOTE: `truncation` and `padding` are ignored, because toksmith encodes whole lines.

import { GPT2_CHARACTER_BYTES } from '../gpt2-bytes.js';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ToksmithError } from '../../errors.js';
import type { AddedTokenSpec, ModelOptions, PipelineSpec } from '../../pipeline/spec.js';
import { utf8Encoder } from '../../utf8.js';
import { PieceKind, type Algorithm, type MethodName, type Vocab } from '../../vocab.js';
import type { VocabReader } from '../types.js';
import { describe, JsonLocation, readDecoders, readNormalizers, readPreTokenizers, readTemplate, type JsonObject } from './read-components.js';
import { parseSerdeFloat, unigramScoreTexts } from './serde-floats.js';

/** Top-level keys of tokenizer.json, one of which a file must start with to be detected by content. */
const TOP_LEVEL_KEYS = ['version', 'truncation', 'padding', 'added_tokens', 'normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'model'];

export const hfReader: VocabReader = {
  format: 'tokenizer.json (Hugging Face tokenizers)',
  prefix: 'hf',
  accepts: (path, head) => extname(path).toLowerCase() === '.json' && looksLikeTokenizerJson(head),
  read: (path) => readHfTokenizer(path),
};

/** True when `head` starts a JSON object whose first key is a tokenizer.json key (GPT-2's encoder.json is not). */
function looksLikeTokenizerJson(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head).replace(/^\ufeff/, '').trimStart();
  if (!text.startsWith('{')) return false;
  const key = /^\{\s*"([^"]*)"/.exec(text);
  return key === null || TOP_LEVEL_KEYS.includes(key[1]!);
}

/** Reads a tokenizer.json file; throws a one-line ToksmithError naming the file and JSON path for invalid content. */
export function readHfTokenizer(path: string): Vocab {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ToksmithError(`${path}: cannot read tokenizer file: ${(error as Error).message}`, { cause: error });
  }
  return parseHfTokenizer(text, path);
}

/** Converts tokenizer.json text to a vocabulary; `file` names the source in error messages. */
export function parseHfTokenizer(text: string, file: string): Vocab {
  const json: JsonLocation = new JsonLocation(file);
  const root = json.object(parseJson(text, file), '(root)');

  // 1. Components.
  const normalizers = readNormalizers(json, root['normalizer'], 'normalizer');
  const preTokenizers = readPreTokenizers(json, root['pre_tokenizer'], 'pre_tokenizer');
  const decoders = readDecoders(json, root['decoder'], 'decoder');
  const template = readTemplate(json, root['post_processor'], 'post_processor');
  const byteLevel = preTokenizers.some((step) => step.type === 'byte-level') || decoders.some((step) => step.type === 'byte-level');

  // 2. The model's pieces, and the added tokens that may extend them.
  const model = readModel(json, json.object(root['model'], 'model'), text);
  const addedTokens = readAddedTokens(json, root['added_tokens']);

  // 3. Pieces and kinds by id.
  const addedById = new Map<number, AddedTokenSpec>();
  for (const token of addedTokens) addedById.set(token.id, token);
  let size = model.texts.length;
  for (const token of addedTokens) size = Math.max(size, token.id + 1);
  const pieces: Uint8Array[] = new Array(size);
  const kinds = new Uint8Array(size);
  for (let id = 0; id < size; id++) {
    const added = addedById.get(id);
    const modelText = model.texts[id];
    if (added !== undefined) {
      // Hugging Face decodes an added token's id to its content, even when the model has the id too.
      pieces[id] = utf8Encoder.encode(added.content);
      if (id === model.unknownId) kinds[id] = PieceKind.unknown;
      else kinds[id] = added.special ? PieceKind.special : PieceKind.normal;
      continue;
    }
    if (modelText === undefined) {
      // Hugging Face loads ids that no piece or added token uses (o200k's gaps, for instance);
      // they are never produced and decode to nothing.
      pieces[id] = new Uint8Array(0);
      kinds[id] = PieceKind.special;
      continue;
    }
    // NOTE: toksmith uses byte fallback only when all 256 <0xNN> pieces exist; with some missing,
    // Hugging Face still uses those present, where toksmith emits the unknown token.
    const byte = model.byteFallback ? BYTE_PIECE.exec(modelText) : null;
    if (byte !== null) {
      pieces[id] = Uint8Array.of(parseInt(byte[1]!, 16));
      kinds[id] = PieceKind.byte;
    } else {
      pieces[id] = byteLevel ? byteLevelPieceBytes(json, modelText) : utf8Encoder.encode(modelText);
      kinds[id] = id === model.unknownId ? PieceKind.unknown : PieceKind.normal;
    }
  }
  markDuplicateAddedTokens(pieces, kinds, model.texts.length);

  // 4. Scores of Unigram pieces; added tokens beyond the model score 0.
  let scores: Float64Array | undefined;
  if (model.scores !== undefined) {
    scores = new Float64Array(size);
    scores.set(model.scores);
  }

  const pipeline: PipelineSpec = { source: 'hf', normalizers, preTokenizers, decoders, addedTokens, template, model: model.options };
  return {
    algorithm: model.algorithm,
    pieces,
    kinds,
    scores,
    merges: model.merges,
    mergeResults: model.mergeResults,
    normalizer: 'none',
    preTokenizer: { type: 'none' },
    defaultMethod: model.method,
    pipeline,
  };
}

/** A byte-fallback piece of Hugging Face's BPE and Unigram models. */
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/** Parses JSON; a syntax error becomes `FILE:LINE:COLUMN: invalid JSON: reason`. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const offset = position === null ? text.length : Number(position[1]);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/ of JSON input$/, '');
    throw new ToksmithError(`${file}:${line}:${column}: invalid JSON: ${reason}`, { hint: 'fix or re-download the tokenizer file', cause: error });
  }
}

function byteLevelPieceBytes(json: JsonLocation, text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) {
    const byte = GPT2_CHARACTER_BYTES.get(text[k]!);
    if (byte === undefined) {
      json.fail('model.vocab', `piece ${describe(text)} contains ${describe(text[k])}, which is not one of GPT-2's byte-level characters`, 'a ByteLevel pre-tokenizer or decoder needs a byte-level vocabulary');
    }
    bytes[k] = byte;
  }
  return bytes;
}

/**
 * Marks added tokens beyond the model vocabulary whose bytes repeat a model piece as special, so
 * that the trie contains each piece once. Hugging Face's model never produces them either.
 */
function markDuplicateAddedTokens(pieces: Uint8Array[], kinds: Uint8Array, modelSize: number): void {
  if (!kinds.subarray(modelSize).includes(PieceKind.normal)) return;
  const seen = new Set<string>();
  for (let id = 0; id < modelSize; id++) if (kinds[id] === PieceKind.normal) seen.add(Buffer.from(pieces[id]!).toString('latin1'));
  for (let id = modelSize; id < pieces.length; id++) {
    if (kinds[id] !== PieceKind.normal) continue;
    const key = Buffer.from(pieces[id]!).toString('latin1');
    if (seen.has(key)) kinds[id] = PieceKind.special;
    seen.add(key);
  }
}

// NOTE: toksmith matches every added token in the raw text. Hugging Face matches a token with
// `normalized: true` in the normalized text, so the two differ when the normalizer changes it.
function readAddedTokens(json: JsonLocation, value: unknown): AddedTokenSpec[] {
  if (value === undefined || value === null) return [];
  return json.array(value, 'added_tokens').map((item, k) => {
    const path = `added_tokens[${k}]`;
    const token = json.object(item, path);
    const special = json.boolean(token['special'], `${path}.special`, false);
    return {
      id: json.integer(token['id'], `${path}.id`),
      content: json.string(token['content'], `${path}.content`),
      special,
      lstrip: json.boolean(token['lstrip'], `${path}.lstrip`, false),
      rstrip: json.boolean(token['rstrip'], `${path}.rstrip`, false),
      singleWord: json.boolean(token['single_word'], `${path}.single_word`, false),
      normalized: json.boolean(token['normalized'], `${path}.normalized`, !special),
    };
  });
}

/** A model section converted to toksmith's terms. */
interface ModelContents {
  algorithm: Algorithm;
  method: MethodName;
  /** Piece text by id, as written in the file. */
  texts: string[];
  scores?: Float64Array;
  merges?: Int32Array;
  /** Id of the piece each merge makes, as Hugging Face's BPE looks it up: the joined text's id. */
  mergeResults?: Int32Array;
  /** Id of the unknown token, or -1. */
  unknownId: number;
  /** `<0xNN>` pieces are byte-fallback pieces. */
  byteFallback: boolean;
  options: ModelOptions;
}

/** Infers the type of a model section without `type`, as Hugging Face tokenizers does. */
function modelType(model: JsonObject): unknown {
  if (model['type'] !== undefined) return model['type'];
  if (model['merges'] !== undefined) return 'BPE';
  if (Array.isArray(model['vocab'])) return 'Unigram';
  if (model['max_input_chars_per_word'] !== undefined || model['continuing_subword_prefix'] !== undefined) return 'WordPiece';
  return 'WordLevel';
}

/** Reads the model section; `text` is the whole file, from which Unigram scores are parsed again. */
function readModel(json: JsonLocation, model: JsonObject, text: string): ModelContents {
  const type = modelType(model);
  switch (type) {
    case 'BPE':
      return readBpe(json, model);
    case 'WordPiece': {
      const { texts, ids } = readVocabObject(json, model['vocab']);
      const unknown = json.string(model['unk_token'] ?? '[UNK]', 'model.unk_token');
      return {
        algorithm: 'wordpiece',
        method: 'wordpiece',
        texts,
        unknownId: ids.get(unknown) ?? -1,
        byteFallback: false,
        options: {
          type: 'wordpiece',
          continuingSubwordPrefix: json.string(model['continuing_subword_prefix'] ?? '##', 'model.continuing_subword_prefix'),
          maxInputCharsPerWord: json.integer(model['max_input_chars_per_word'] ?? 100, 'model.max_input_chars_per_word'),
        },
      };
    }
    case 'WordLevel': {
      const { texts, ids } = readVocabObject(json, model['vocab']);
      const unknown = model['unk_token'] === null || model['unk_token'] === undefined ? undefined : json.string(model['unk_token'], 'model.unk_token');
      return { algorithm: 'wordlevel', method: 'wordlevel', texts, unknownId: unknown === undefined ? -1 : (ids.get(unknown) ?? -1), byteFallback: false, options: { type: 'wordlevel' } };
    }
    case 'Unigram':
      return readUnigram(json, model, text);
    default:
      return json.fail('model.type', `unsupported model ${describe(type)}`, 'toksmith reads BPE, WordPiece, Unigram and WordLevel models');
  }
}

/** Reads a `{piece: id}` vocabulary; ids must not repeat, and a gap is left as a hole in `texts`. */
function readVocabObject(json: JsonLocation, value: unknown): { texts: string[]; ids: Map<string, number> } {
  const vocab = json.object(value, 'model.vocab');
  const ids = new Map<string, number>();
  const texts: string[] = [];
  // Paths for messages are built only on failure, because large vocabularies have 200,000 entries.
  for (const text of Object.keys(vocab)) {
    const id = vocab[text];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) json.integer(id, `model.vocab[${JSON.stringify(text)}]`);
    const checked = id as number;
    if (texts[checked] !== undefined) json.fail(`model.vocab[${JSON.stringify(text)}]`, `id ${checked} is also the id of ${describe(texts[checked])}`);
    texts[checked] = text;
    ids.set(text, checked);
  }
  return { texts, ids };
}

function readBpe(json: JsonLocation, model: JsonObject): ModelContents {
  // 1. Settings that change the algorithm and that toksmith does not implement.
  const dropout = model['dropout'];
  if (dropout !== undefined && dropout !== null && dropout !== 0) {
    json.fail('model.dropout', `BPE dropout ${describe(dropout)} is unsupported`, 'set it to null for deterministic encoding');
  }
  for (const name of ['continuing_subword_prefix', 'end_of_word_suffix']) {
    const setting = model[name];
    if (setting !== undefined && setting !== null && setting !== '') {
      json.fail(`model.${name}`, `BPE with ${name} ${describe(setting)} is unsupported`, 'toksmith reads BPE models without subword prefixes or suffixes');
    }
  }

  // 2. Pieces, and merges as id pairs in rank order.
  const { texts, ids } = readVocabObject(json, model['vocab']);
  const entries = json.array(model['merges'] ?? [], 'model.merges');
  const merges = new Int32Array(entries.length * 2);
  const mergeResults = new Int32Array(entries.length);
  for (let rank = 0; rank < entries.length; rank++) {
    const entry = entries[rank];
    let left: unknown;
    let right: unknown;
    if (typeof entry === 'string') {
      const space = entry.indexOf(' ');
      left = entry.slice(0, space);
      right = entry.slice(space + 1);
      if (space < 0) json.fail(`model.merges[${rank}]`, `expected two pieces separated by a space, found ${describe(entry)}`);
    } else if (Array.isArray(entry) && entry.length === 2) {
      [left, right] = entry as unknown[];
    } else {
      json.fail(`model.merges[${rank}]`, `expected a pair of pieces, found ${describe(entry)}`);
    }
    const leftId = typeof left === 'string' ? ids.get(left) : undefined;
    const rightId = typeof right === 'string' ? ids.get(right) : undefined;
    const resultId = leftId === undefined || rightId === undefined ? undefined : ids.get((left as string) + (right as string));
    if (leftId === undefined || rightId === undefined || resultId === undefined) {
      let missing = `${String(left)}${String(right)}`;
      if (leftId === undefined) missing = String(left);
      else if (rightId === undefined) missing = String(right);
      json.fail(`model.merges[${rank}]`, `piece ${describe(missing)} is not in model.vocab`);
    }
    merges[2 * rank] = leftId;
    merges[2 * rank + 1] = rightId;
    mergeResults[rank] = resultId;
  }

  // 3. The unknown token and model options.
  const unknown = model['unk_token'] === null || model['unk_token'] === undefined ? undefined : json.string(model['unk_token'], 'model.unk_token');
  return {
    algorithm: 'bpe',
    method: 'merges',
    texts,
    merges,
    mergeResults,
    unknownId: unknown === undefined ? -1 : (ids.get(unknown) ?? -1),
    byteFallback: json.boolean(model['byte_fallback'], 'model.byte_fallback', false),
    options: {
      type: 'bpe',
      fuseUnknown: json.boolean(model['fuse_unk'], 'model.fuse_unk', false),
      ignoreMerges: json.boolean(model['ignore_merges'], 'model.ignore_merges', false),
    },
  };
}

function readUnigram(json: JsonLocation, model: JsonObject, text: string): ModelContents {
  const entries = json.array(model['vocab'], 'model.vocab');
  // Scores as Hugging Face's JSON parser rounds them, so that ties break as they do there.
  let scoreTexts = unigramScoreTexts(text);
  if (scoreTexts?.length !== entries.length) scoreTexts = undefined;
  const texts: string[] = [];
  const scores = new Float64Array(entries.length);
  entries.forEach((entry, id) => {
    const path = `model.vocab[${id}]`;
    const pair = json.array(entry, path);
    texts.push(json.string(pair[0], `${path}[0]`));
    const score = pair[1];
    if (typeof score !== 'number' || !Number.isFinite(score)) json.fail(`${path}[1]`, `expected a finite score, found ${describe(score)}`);
    scores[id] = scoreTexts === undefined ? score : parseSerdeFloat(scoreTexts[id]!);
  });
  const unknownId = model['unk_id'] === null || model['unk_id'] === undefined ? -1 : json.integer(model['unk_id'], 'model.unk_id');
  if (unknownId >= texts.length) json.fail('model.unk_id', `id ${unknownId} is outside the vocabulary (0..${texts.length - 1})`);
  // Hugging Face's Unigram always joins consecutive unknown characters into one unknown token.
  // NOTE: its unknown score is the lowest score of all pieces minus 10, and toksmith's Viterbi
  // takes the lowest normal piece, which differs only when a special or byte piece scores lowest.
  return {
    algorithm: 'unigram',
    method: 'viterbi',
    texts,
    scores,
    unknownId,
    byteFallback: json.boolean(model['byte_fallback'], 'model.byte_fallback', false),
    options: { type: 'unigram', fuseUnknown: true },
  };
}
