// Size of the text that was encoded: Unicode code points, whitespace-separated words and the
// UTF-8 byte spans of those words. Whitespace is Unicode White_Space (not JavaScript's `\s`,
// which also matches U+FEFF), as in the pre-tokenizers.

import { WHITE_SPACE } from '../../src/pre-tokenizers.js';
import { utf8ByteLength } from '../../src/utf8.js';

const WORD = new RegExp(`[^${WHITE_SPACE}]+`, 'gu');

/** Counts the Unicode code points of `text` (a surrogate pair counts once). */
export function countCodePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** Returns the [start, end) UTF-8 byte offsets of each whitespace-separated word, as flat pairs. */
export function wordByteSpans(text: string): number[] {
  const spans: number[] = [];
  let unit = 0;
  let byte = 0;
  WORD.lastIndex = 0;
  for (let match = WORD.exec(text); match !== null; match = WORD.exec(text)) {
    byte += utf8ByteLength(text, unit, match.index);
    const start = byte;
    byte += utf8ByteLength(text, match.index, match.index + match[0].length);
    unit = match.index + match[0].length;
    spans.push(start, byte);
  }
  return spans;
}
