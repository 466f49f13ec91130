// UTF-8 helpers: validation with the position of the first invalid byte, sequence lengths,
// and the display form of byte pieces. Follows RFC 3629 (no surrogates, no overlong forms,
// nothing above U+10FFFF), which is also what TextDecoder's fatal mode rejects.

export const utf8Encoder = new TextEncoder();
export const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export const lenientUtf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Finds the first invalid UTF-8 sequence in `bytes[start, end)`.
 * Returns its offset and length in bytes (at least 1), or undefined when the range is valid.
 */
export function findInvalidUtf8(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
): { offset: number; length: number } | undefined {
  let i = start;
  while (i < end) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (lead >= 0xc2 && lead <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return { offset: i, length: 1 };
    }
    let codePoint = lead & (0x3f >> need);
    let j = 1;
    for (; j <= need; j++) {
      const next = i + j < end ? bytes[i + j]! : -1;
      if ((next & 0xc0) !== 0x80) {
        return { offset: i, length: j };
      }
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return { offset: i, length: need + 1 };
    }
    i += need + 1;
  }
  return undefined;
}

/** Returns the length of the UTF-8 sequence that `lead` starts; 1 for a continuation or invalid byte. */
export function utf8SequenceLength(lead: number): number {
  if (lead < 0xc0) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return lead < 0xf8 ? 4 : 1;
}

/** Counts the UTF-8 bytes of `text[start, end)` without allocating. */
export function utf8ByteLength(text: string, start = 0, end = text.length): number {
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < end) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else bytes += 3;
  }
  return bytes;
}

/** Formats one byte as a byte-fallback piece name, `<0xNN>` with upper-case hex. */
export function bytePieceName(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** Formats bytes as `0xC3 0x28` for error messages. */
export function formatBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
}

/**
 * Renders bytes for people: valid UTF-8 as text, each invalid byte as `<0xNN>`.
 * Used by the `pieces` output format and by `inspect`.
 */
export function displayBytes(bytes: Uint8Array): string {
  const invalid = findInvalidUtf8(bytes);
  if (invalid === undefined) return utf8Decoder.decode(bytes);
  let text = '';
  let position = 0;
  let next: { offset: number; length: number } | undefined = invalid;
  while (next !== undefined) {
    text += utf8Decoder.decode(bytes.subarray(position, next.offset));
    // Only the first byte of an invalid sequence is certainly invalid: the following bytes
    // may start a valid sequence, so rescan from the next byte.
    text += bytePieceName(bytes[next.offset]!);
    position = next.offset + 1;
    next = findInvalidUtf8(bytes, position);
  }
  return text + utf8Decoder.decode(bytes.subarray(position));
}

/**
 * Returns the UTF-16 index of each UTF-8 byte position of `text`, and of its end. A position
 * inside a character maps to that character's start.
 */
export function byteToUnitTable(text: string): Int32Array {
  const table = new Int32Array(utf8ByteLength(text) + 1);
  let byte = 0;
  for (let unit = 0; unit < text.length; ) {
    const codePoint = text.codePointAt(unit)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const bytes = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    for (let b = 0; b < bytes; b++) table[byte + b] = unit;
    byte += bytes;
    unit += width;
  }
  table[byte] = text.length;
  return table;
}

/** Returns the UTF-8 byte offset of each UTF-16 index of `text`, and of its end. */
export function unitToByteTable(text: string): Int32Array {
  const table = new Int32Array(text.length + 1);
  let byte = 0;
  for (let unit = 0; unit < text.length; unit++) {
    table[unit] = byte;
    const code = text.charCodeAt(unit);
    if (code >= 0xd800 && code <= 0xdbff && unit + 1 < text.length) {
      table[unit + 1] = byte;
      byte += 4;
      unit++;
    } else {
      byte += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
    }
  }
  table[text.length] = byte;
  return table;
}
