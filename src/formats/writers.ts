// Writers of every format `toksmith convert` produces, behind one function, so the command
// only chooses the target and writes the bytes atomically.

import { serializeVocab } from '../vocab-file.js';
import type { Vocab } from '../vocab.js';
import { writeHfTokenizer } from './hf/write.js';
import { writeSpmModel } from './spm/writer.js';
import { writeTiktoken } from './tiktoken/write.js';

export const CONVERT_TARGETS = ['tok', 'hf', 'spm', 'tiktoken'] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

/** Target implied by an output file name, or undefined for an extension of no known format. */
export function targetOfPath(path: string): ConvertTarget | undefined {
  if (path.endsWith('.tok')) return 'tok';
  if (path.endsWith('.json')) return 'hf';
  if (path.endsWith('.model')) return 'spm';
  if (path.endsWith('.tiktoken')) return 'tiktoken';
  return undefined;
}

export interface WrittenTokenizer {
  contents: Uint8Array | string;
  /** Facts the user needs to load the output elsewhere, one line each. */
  notices: string[];
}

/** Quotes text for a POSIX shell, so a notice's command can be pasted as it is. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Serializes `vocab` in the target format; throws a one-line error for what the target cannot represent. */
export function writeTokenizer(vocab: Vocab, target: ConvertTarget): WrittenTokenizer {
  switch (target) {
    case 'tok':
      return { contents: serializeVocab(vocab), notices: [] };
    case 'tiktoken': {
      const file = writeTiktoken(vocab);
      const notices: string[] = [];
      if (file.knownEncoding !== undefined) notices.push(`the ranks are ${file.knownEncoding}'s; readers recognise the file by its SHA-256`);
      else notices.push(`a rank file holds no pattern: load it with --pattern ${shellQuote(file.pattern)}`);
      const specials = Object.entries(file.specials);
      if (specials.length > 0 && file.knownEncoding === undefined) {
        notices.push(`a rank file holds no special tokens; these are left out: ${specials.map(([content, id]) => `${content}=${id}`).join(' ')}`);
      }
      if (file.idShift > 0) notices.push(`ids move down by ${file.idShift}, because the pieces before the first rank are not in the file`);
      return { contents: file.text, notices };
    }
    case 'hf':
      return { contents: writeHfTokenizer(vocab), notices: [] };
    case 'spm':
      return { contents: writeSpmModel(vocab), notices: [] };
  }
}
