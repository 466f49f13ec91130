// GPT-2's byte-to-character alphabet, which tokenizer.json and encoder.json use to write byte
// pieces as text: printable Latin-1 bytes stand for themselves, the other 68 bytes for U+0100 on,
// in byte order.

function isPrintable(byte: number): boolean {
  return (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
}

/** Character of each byte value. */
export const GPT2_BYTE_CHARACTERS: readonly string[] = (() => {
  const characters = new Array<string>(256);
  let next = 0x100;
  for (let byte = 0; byte < 256; byte++) characters[byte] = String.fromCharCode(isPrintable(byte) ? byte : next++);
  return characters;
})();

/** Byte value of each character of the alphabet. */
export const GPT2_CHARACTER_BYTES: ReadonlyMap<string, number> = new Map(GPT2_BYTE_CHARACTERS.map((character, byte) => [character, byte]));
