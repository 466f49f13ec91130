// Round trip: a document fails when decode(encode(text)) differs from its text; the bench
// reports where the bytes first differ.

/** Returns the first byte offset where `a` and `b` differ, or -1 when they are equal. */
export function firstDifferingByte(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}
