// Stored settings of an imported tokenizer pipeline: the normalizer, pre-tokenizer and decoder
// steps, added tokens, the post-processing template and model options of a Hugging Face
// tokenizer.json, a SentencePiece model or a tiktoken encoding. Everything here is plain data
// (strings, numbers, booleans, arrays, Uint8Array), so a .tok file can store it with MessagePack.
// The runtime that applies these settings lives in pipeline-encoder.ts and the step files.

/** A literal string or a regular expression already translated to JavaScript syntax. */
export type PatternSpec = { string: string } | { regex: string };

/** One step of a chain. `type` selects the implementation in the step registry. */
export interface StepSpec {
  type: string;
  [setting: string]: unknown;
}

/** A token matched in the text before normalization, as Hugging Face's added tokens are. */
export interface AddedTokenSpec {
  id: number;
  content: string;
  /** Special tokens obey the `--special` policy; other added tokens always match. */
  special: boolean;
  /** Also consumes white space to the left of the match. */
  lstrip: boolean;
  /** Also consumes white space to the right of the match. */
  rstrip: boolean;
  /** Matches only when the match is not inside a word. */
  singleWord: boolean;
  /** Matches against normalized text in Hugging Face tokenizers. */
  normalized: boolean;
}

/** One item of a post-processing template: the encoded text, or a fixed special id. */
export type TemplateItem = { sequence: true } | { id: number };

/** Options of the model step that have no place in the shared vocabulary fields. */
export interface ModelOptions {
  /** Hugging Face model type the vocabulary came from, for messages and writers. */
  type: 'bpe' | 'unigram' | 'wordpiece' | 'wordlevel';
  /** Consecutive unknown tokens become one. */
  fuseUnknown?: boolean;
  /** BPE: a pre-token that is itself a piece is emitted whole, without merging. */
  ignoreMerges?: boolean;
  /**
   * BPE: a merge's priority is the id of the piece it makes, not its position in `merges`, so
   * every merge that makes one piece ties and the leftmost applies first. This is tiktoken's
   * rule (ids are byte-pair ranks) and SentencePiece's (ids in score order).
   */
  rankMergesByResult?: boolean;
  /** BPE and WordPiece: prefix of pieces that continue a word, such as `##`. */
  continuingSubwordPrefix?: string;
  /** BPE: suffix of pieces that end a word, such as `</w>`. */
  endOfWordSuffix?: string;
  /** WordPiece: a longer pre-token becomes one unknown token. */
  maxInputCharsPerWord?: number;
}

/**
 * An imported pipeline. When it has normalizer or pre-tokenizer steps, encoding applies them in
 * place of the vocabulary's `normalizer` and `preTokenizer`, which are then 'none'. Without
 * steps, the vocabulary's own normalizer and pre-tokenizer apply. That is how tiktoken encodings
 * keep toksmith's built-in cl100k and o200k splitters.
 */
export interface PipelineSpec {
  /** Where the pipeline came from: 'hf', 'spm' or 'tiktoken'. */
  source: string;
  normalizers: StepSpec[];
  preTokenizers: StepSpec[];
  decoders: StepSpec[];
  addedTokens: AddedTokenSpec[];
  /** Added around each encoded line or document unless template items are switched off. */
  template?: TemplateItem[];
  model: ModelOptions;
}
