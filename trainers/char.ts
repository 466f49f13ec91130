// Character vocabulary trainer: keeps the corpus's characters by frequency until
// `characterCoverage` of all character occurrences is covered (SentencePiece's rule) or the
// vocabulary is full, then adds <unk>, the special tokens and the 256 byte-fallback pieces.
// Id order: <unk>, specials in the order given, <0x00>..<0xFF>, then characters by frequency.

import type { LineBatch } from '../src/corpus.js';
import { UsageError, ToksmithError } from '../src/errors.js';
import { createNormalizer, type NormalizerName } from '../src/normalizers.js';
import { createPreTokenizer, type PreTokenizerSpec } from '../src/pre-tokenizers.js';
import type { Progress } from '../src/progress.js';
import { utf8Encoder } from '../src/utf8.js';
import { PieceKind, reservedPieceCount, reservedPieces, UNKNOWN_PIECE, type Vocab } from '../src/vocab.js';
import { CountTable } from './counting.js';

export interface CharTrainerOptions {
  /** Total ids, reserved pieces included. @default no limit */
  vocabSize?: number;
  /** Share of character occurrences the kept characters must cover. @default 0.9995 */
  characterCoverage: number;
  /** Add the 256 `<0xNN>` pieces. @default true */
  byteFallback: boolean;
  /** Special tokens, in id order after `<unk>`. */
  specials: string[];
  normalizer: NormalizerName;
  preTokenizer: PreTokenizerSpec;
}


/** Checks that the options leave room for at least one character; throws a usage error if not. */
export function checkCharOptions(options: CharTrainerOptions): void {
  checkSpecials(options.specials);
  if (!(options.characterCoverage > 0 && options.characterCoverage <= 1)) {
    throw new UsageError(`invalid --character-coverage ${options.characterCoverage}`, 'use a number in (0, 1]');
  }
  if (options.vocabSize !== undefined) checkVocabSizeRoom(options.vocabSize, options.specials, options.byteFallback);
}

/** Rejects a `--vocab-size` that leaves no id for learned pieces after <unk>, specials and byte pieces. */
export function checkVocabSizeRoom(vocabSize: number, specials: readonly string[], byteFallback: boolean): void {
  const reserved = reservedPieceCount(specials.length, byteFallback);
  if (vocabSize > reserved) return;
  throw new UsageError(
    `--vocab-size ${vocabSize} is too small: <unk>, ${specials.length} special tokens${byteFallback ? ' and 256 byte pieces' : ''} already take ${reserved} ids`,
    `use --vocab-size ${reserved + 1} or more${byteFallback ? ', or --no-byte-fallback' : ''}`,
  );
}

/** Rejects empty and duplicate special tokens. */
export function checkSpecials(specials: readonly string[]): void {
  const seen = new Set<string>([UNKNOWN_PIECE]);
  for (const special of specials) {
    if (special.length === 0) throw new UsageError('empty --special token', 'give each special token some text');
    if (seen.has(special)) throw new UsageError(`duplicate special token '${special}'`, 'list each special token once');
    seen.add(special);
  }
}

/** Counts characters (code points) after normalization and pre-tokenization. */
export async function countCharacters(
  batches: AsyncIterable<LineBatch>,
  normalizerName: NormalizerName,
  preTokenizerSpec: PreTokenizerSpec,
): Promise<CountTable> {
  const normalizer = createNormalizer(normalizerName);
  const preTokenizer = createPreTokenizer(preTokenizerSpec);
  // Counts of BMP characters in a flat array; astral characters, which are rare, in a map.
  const bmpCounts = new Float64Array(0x10000);
  const astralCounts = new Map<number, number>();
  const ranges: number[] = [];
  for await (const batch of batches) {
    for (const line of batch.lines) {
      let text = normalizer.normalize(line, false).text;
      if (preTokenizer.prefixSpace && text.length > 0) text = ' ' + text;
      ranges.length = 0;
      preTokenizer.split(text, ranges);
      for (let r = 0; r < ranges.length; r += 2) {
        for (let i = ranges[r]!; i < ranges[r + 1]!; i++) {
          const unit = text.charCodeAt(i);
          if (unit < 0xd800 || unit > 0xdbff) {
            bmpCounts[unit]!++;
            continue;
          }
          const codePoint = text.codePointAt(i)!;
          if (codePoint > 0xffff) i++;
          astralCounts.set(codePoint, (astralCounts.get(codePoint) ?? 0) + 1);
        }
      }
    }
  }
  const table = new CountTable({ unit: 'chars', normalizer: normalizerName, preTokenizer: preTokenizer.spec });
  for (let unit = 0; unit < 0x10000; unit++) {
    if (bmpCounts[unit]! > 0) table.add(String.fromCharCode(unit), bmpCounts[unit]!);
  }
  for (const [codePoint, count] of astralCounts) table.add(String.fromCodePoint(codePoint), count);
  return table;
}

/** Builds the character vocabulary from character counts. */
export function trainCharVocab(counts: CountTable, options: CharTrainerOptions, progress?: Progress): Vocab {
  checkCharOptions(options);
  if (counts.settings.unit !== 'chars') {
    throw new ToksmithError(`counts of ${counts.settings.unit} cannot train a char vocabulary`, {
      hint: 'count with --model char',
    });
  }
  const total = counts.total();
  if (total === 0) {
    throw new ToksmithError('the corpus is empty: no characters to learn', { hint: 'pass a non-empty text file' });
  }

  // 1. Reserved pieces: <unk>, specials, bytes.
  const { pieces, kinds } = reservedPieces(options.specials, options.byteFallback);

  // 2. Characters by frequency until the coverage is reached or the vocabulary is full.
  progress?.start('select', counts.counts.size, 'chars');
  const budget = options.vocabSize === undefined ? Infinity : options.vocabSize - pieces.length;
  let covered = 0;
  let kept = 0;
  for (const [character, count] of counts.sorted()) {
    if (kept >= budget || covered / total >= options.characterCoverage) break;
    pieces.push(utf8Encoder.encode(character));
    kinds.push(PieceKind.normal);
    covered += count;
    kept++;
  }
  progress?.finish({ kept, seen: counts.counts.size, coverage: Number((covered / total).toFixed(6)) });

  return {
    algorithm: 'char',
    pieces,
    kinds: Uint8Array.from(kinds),
    normalizer: counts.settings.normalizer,
    preTokenizer: counts.settings.preTokenizer,
    defaultMethod: 'longest',
    provenance: {
      command: '',
      corpus: counts.corpus,
      createdAt: '',
      toksmithVersion: '',
      training: {
        characterCoverage: options.characterCoverage,
        coverageReached: covered / total,
        charactersSeen: counts.counts.size,
        charactersKept: kept,
        byteFallback: options.byteFallback,
        ...(options.vocabSize === undefined ? {} : { requestedVocabSize: options.vocabSize }),
      },
    },
  };
}
