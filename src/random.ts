// Seeded pseudo-random numbers (Mulberry32, a generator with 32 bits of state) for everything
// that `--seed` must fix: training chunks, corpus sampling, LiB's reading order and draws, and
// subword sampling. Equal seeds give equal streams on every machine. Not for cryptography.

/** Returns a generator of numbers in [0, 1) seeded with the low 32 bits of `seed`. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic stream of numbers in [0, 1) from a 32-bit seed, with integer and shuffle helpers. */
export class SeededRandom {
  private readonly generator: () => number;

  constructor(seed: number) {
    this.generator = mulberry32(seed);
  }

  /** Returns the next number in [0, 1). */
  next(): number {
    return this.generator();
  }

  /** Returns a whole number in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `values` in place (Fisher–Yates). */
  shuffle(values: Int32Array): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const swap = values[i]!;
      values[i] = values[j]!;
      values[j] = swap;
    }
  }
}
