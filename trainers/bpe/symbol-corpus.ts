// Turns pre-token counts into the symbol sequences the merge loop works on: UTF-8 bytes for
// byte-level BPE, alphabet characters for character-level BPE. A character outside the
// alphabet can never be part of a merge, so it splits its pre-token into separate words.
// Pre-tokens of one symbol have no pairs and are left out.

import { utf8Encoder } from '../../src/utf8.js';
import type { CountTable } from '../counting.js';
import type { SymbolCorpus } from './merge-loop.js';

/** Growable flat word list that becomes a SymbolCorpus. */
class SymbolCorpusBuilder {
  private symbols = new Int32Array(1 << 20);
  private symbolCount = 0;
  private readonly wordStarts: number[] = [0];
  private readonly wordCounts: number[] = [];

  add(symbol: number): void {
    if (this.symbolCount === this.symbols.length) {
      const grown = new Int32Array(this.symbols.length * 2);
      grown.set(this.symbols);
      this.symbols = grown;
    }
    this.symbols[this.symbolCount++] = symbol;
  }

  /** Ends the current word; a word of fewer than two symbols is dropped. */
  endWord(count: number): void {
    const start = this.wordStarts[this.wordStarts.length - 1]!;
    if (this.symbolCount - start < 2) {
      this.symbolCount = start;
      return;
    }
    this.wordStarts.push(this.symbolCount);
    this.wordCounts.push(count);
  }

  build(): SymbolCorpus {
    return {
      symbols: this.symbols.slice(0, this.symbolCount),
      wordStarts: Int32Array.from(this.wordStarts),
      wordCounts: Float64Array.from(this.wordCounts),
    };
  }
}

/** Builds byte-level words: byte b of a pre-token is symbol `firstByteId + b`. */
export function buildByteCorpus(counts: CountTable, firstByteId: number): SymbolCorpus {
  const builder = new SymbolCorpusBuilder();
  let buffer = new Uint8Array(1024);
  for (const [preToken, count] of counts.counts) {
    if (buffer.length < preToken.length * 3) buffer = new Uint8Array(preToken.length * 3);
    const length = utf8Encoder.encodeInto(preToken, buffer).written;
    for (let i = 0; i < length; i++) builder.add(firstByteId + buffer[i]!);
    builder.endWord(count);
  }
  return builder.build();
}

/** Builds character-level words; characters missing from `characterIds` split a pre-token. */
export function buildCharacterCorpus(counts: CountTable, characterIds: Map<string, number>): SymbolCorpus {
  const builder = new SymbolCorpusBuilder();
  for (const [preToken, count] of counts.counts) {
    for (const character of preToken) {
      const id = characterIds.get(character);
      if (id === undefined) builder.endWord(count);
      else builder.add(id);
    }
    builder.endWord(count);
  }
  return builder.build();
}
