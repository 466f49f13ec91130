// Unigram scores as Hugging Face tokenizers reads them. Its JSON library, serde_json, parses
// floats by default with "best-effort precision": the decimal digits become a u64, which is
// rounded to f64 and then multiplied or divided by a power of ten. A 17-digit score can so land
// one unit in the last place away from JavaScript's correctly rounded JSON.parse. Unigram picks
// between segmentations whose scores tie exactly on paper by those last bits, so toksmith reads
// the scores the same way. Checked against serde_json 1.x's `f64_from_parts` (no float_roundtrip
// feature), as built into npm `tokenizers` 0.23.2.

const U64_MAX = 2n ** 64n - 1n;

/** Powers of ten as f64 literals, which are correctly rounded like Rust's table of constants. */
const POWERS_OF_TEN: number[] = Array.from({ length: 309 }, (_, k) => Number(`1e${k}`));

/** Parses one JSON number text as serde_json does without its float_roundtrip feature. */
export function parseSerdeFloat(text: string): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return Number(text);
  const [, sign, integerPart, fractionPart = '', exponentPart = '0'] = match;

  // 1. Accumulate digits while they fit a u64; further integer digits only scale, and further
  // fraction digits are dropped.
  let significand = 0n;
  let exponent = Number(exponentPart);
  let overflowed = false;
  for (const digit of integerPart!) {
    const next = significand * 10n + BigInt(digit);
    if (overflowed || next > U64_MAX) {
      overflowed = true;
      exponent++;
    } else {
      significand = next;
    }
  }
  for (const digit of fractionPart) {
    if (overflowed) break;
    const next = significand * 10n + BigInt(digit);
    if (next > U64_MAX) {
      overflowed = true;
      break;
    }
    significand = next;
    exponent--;
  }

  // 2. Round the significand to f64, then scale it by a power of ten in f64 arithmetic.
  let value = Number(significand);
  for (;;) {
    const power = POWERS_OF_TEN[Math.abs(exponent)];
    if (power !== undefined) {
      value = exponent >= 0 ? value * power : value / power;
      break;
    }
    if (value === 0) break;
    if (exponent >= 0) {
      // serde_json rejects the number as out of range; JSON.parse gives Infinity, which callers reject.
      value = Infinity;
      break;
    }
    value /= 1e308;
    exponent += 308;
  }
  return sign === '-' ? -value : value;
}

/**
 * Returns the source text of each score in `model.vocab` of a Unigram tokenizer.json, in order,
 * or undefined when the file has no such array. It scans the JSON text once without building
 * values; the text must already have parsed as JSON.
 */
export function unigramScoreTexts(text: string): string[] | undefined {
  const scanner = new ScoreScanner(text);
  scanner.value([]);
  return scanner.found ? scanner.scores : undefined;
}

class ScoreScanner {
  private position = 0;
  readonly scores: string[] = [];
  found = false;

  constructor(private readonly text: string) {}

  private skipSpace(): void {
    while (/[ \t\r\n]/.test(this.text[this.position] ?? '')) this.position++;
  }

  /** Scans one value; `path` contains the keys and indices leading to it. */
  value(path: (string | number)[]): void {
    this.skipSpace();
    const char = this.text[this.position];
    if (char === '{') {
      this.position++;
      this.skipSpace();
      while (this.text[this.position] !== '}') {
        const key = this.string();
        this.skipSpace();
        this.position++; // the colon
        this.value([...path, key]);
        this.skipSpace();
        if (this.text[this.position] === ',') this.position++;
        this.skipSpace();
      }
      this.position++;
    } else if (char === '[') {
      this.position++;
      this.skipSpace();
      const isVocab = path.length === 2 && path[0] === 'model' && path[1] === 'vocab';
      if (isVocab) this.found = true;
      for (let index = 0; this.text[this.position] !== ']'; index++) {
        this.value([...path, index]);
        this.skipSpace();
        if (this.text[this.position] === ',') this.position++;
        this.skipSpace();
      }
      this.position++;
    } else if (char === '"') {
      this.string();
    } else {
      const start = this.position;
      while (this.position < this.text.length && !/[,\]} \t\r\n]/.test(this.text[this.position]!)) this.position++;
      if (path.length === 4 && path[0] === 'model' && path[1] === 'vocab' && path[3] === 1) {
        this.scores.push(this.text.slice(start, this.position));
      }
    }
  }

  /** Scans a string and returns its raw contents, which is enough to compare plain keys. */
  private string(): string {
    const start = ++this.position;
    while (this.text[this.position] !== '"') this.position += this.text[this.position] === '\\' ? 2 : 1;
    return this.text.slice(start, this.position++);
  }
}
