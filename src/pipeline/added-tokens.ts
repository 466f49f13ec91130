// Finds added tokens (special tokens such as <|endoftext|>, and Hugging Face's non-special added
// tokens) in raw text before normalization, leftmost first and longest at a position, as
// Hugging Face tokenizers' added-vocabulary matcher does. The `--special` policy decides whether
// special tokens in the text become their ids, stay plain text, or are an error.

import { ToksmithError, UsageError } from '../errors.js';
import { WHITE_SPACE, WORD } from '../pre-tokenizers.js';
import { utf8ByteLength } from '../utf8.js';
import { escapeRegExp } from './steps.js';
import type { AddedTokenSpec } from './spec.js';

/** Policy for special-token text found in the input. */
export const SPECIAL_POLICIES = ['text', 'error', 'allow'] as const;
export type SpecialPolicy = (typeof SPECIAL_POLICIES)[number];

/** Parses a `--special` value. */
export function parseSpecialPolicy(value: string): SpecialPolicy {
  if (!(SPECIAL_POLICIES as readonly string[]).includes(value)) {
    throw new UsageError(`invalid --special '${value}'`, `use one of: ${SPECIAL_POLICIES.join(', ')}`);
  }
  return value as SpecialPolicy;
}

/** Special-token text under the `error` policy; `byte` is its 0-based UTF-8 offset in the encoded text. */
export class SpecialTokenError extends ToksmithError {
  constructor(
    readonly content: string,
    readonly byte: number,
  ) {
    super(`special token '${content}' found at byte ${byte + 1}`, {
      hint: 'pass --special text to encode it as plain text, or --special allow to emit its id',
    });
  }

  /** Formats the error for a known file and line, as `FILE:LINE:BYTE: …` with a 1-based byte. */
  locatedAt(source: string, line: number | undefined): ToksmithError {
    const where = line === undefined ? `${source}: byte ${this.byte + 1}` : `${source}:${line}:${this.byte + 1}`;
    return new ToksmithError(`${where}: special token '${this.content}' in the text`, { hint: this.hint, exitCode: this.exitCode, cause: this });
  }
}

/** A piece of the input: plain text [start, end) in UTF-16 units, or an added token with its id. */
export interface AddedTokenSplit {
  start: number;
  end: number;
  /** Id of the added token, or -1 for plain text. */
  id: number;
}

const WORD_CHARACTER = new RegExp(`[${WORD}]`, 'u');
const WHITE_SPACE_CHARACTER = new RegExp(`[${WHITE_SPACE}]`, 'u');

/** Added-token matcher for one policy; build it once per encoder. */
export class AddedTokenMatcher {
  private readonly pattern: RegExp | undefined;
  private readonly byContent = new Map<string, AddedTokenSpec>();
  private readonly errorTokens = new Set<string>();

  constructor(tokens: readonly AddedTokenSpec[], policy: SpecialPolicy) {
    const matched: string[] = [];
    for (const token of tokens) {
      if (token.content.length === 0) continue;
      if (token.special && policy === 'text') continue;
      if (token.special && policy === 'error') this.errorTokens.add(token.content);
      if (!this.byContent.has(token.content)) {
        this.byContent.set(token.content, token);
        matched.push(token.content);
      }
    }
    // Longer contents first, so that at one position the longest token wins.
    matched.sort(compareLongestFirst);
    this.pattern = matched.length === 0 ? undefined : new RegExp(matched.map(escapeRegExp).join('|'), 'gu');
  }

  /** True when no token can match, so callers can skip splitting. */
  get empty(): boolean {
    return this.pattern === undefined;
  }

  /**
   * Splits `text` into plain text and added tokens. Throws for a special token under the
   * `error` policy, naming its UTF-16 position.
   */
  split(text: string): AddedTokenSplit[] | undefined {
    const pattern = this.pattern;
    if (pattern === undefined) return undefined;
    pattern.lastIndex = 0;
    let match = pattern.exec(text);
    if (match === null) return undefined;
    const splits: AddedTokenSplit[] = [];
    let plainStart = 0;
    for (; match !== null; match = pattern.exec(text)) {
      const content = match[0];
      const token = this.byContent.get(content)!;
      let start = match.index;
      let end = start + content.length;
      if (this.errorTokens.has(content)) {
        throw new SpecialTokenError(content, utf8ByteLength(text, 0, start));
      }
      if (token.singleWord && (isWordAt(text, start - 1) || isWordAt(text, end))) {
        pattern.lastIndex = start + 1;
        continue;
      }
      if (token.lstrip) while (start > plainStart && WHITE_SPACE_CHARACTER.test(text[start - 1]!)) start--;
      if (token.rstrip) while (end < text.length && WHITE_SPACE_CHARACTER.test(text[end]!)) end++;
      if (start > plainStart) splits.push({ start: plainStart, end: start, id: -1 });
      splits.push({ start, end, id: token.id });
      plainStart = end;
      pattern.lastIndex = end;
    }
    if (plainStart < text.length) splits.push({ start: plainStart, end: text.length, id: -1 });
    return splits;
  }
}

function compareLongestFirst(a: string, b: string): number {
  if (a.length !== b.length) return b.length - a.length;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function isWordAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  return WORD_CHARACTER.test(text[index]!);
}
