// Average token size: UTF-8 bytes per token and Unicode code points per token. Higher means
// each token carries more text.

/** Returns bytes / tokens, or undefined without tokens. */
export function bytesPerToken(bytes: number, tokens: number): number | undefined {
  return tokens > 0 ? bytes / tokens : undefined;
}

/** Returns chars / tokens, or undefined without tokens. */
export function charsPerToken(chars: number, tokens: number): number | undefined {
  return tokens > 0 ? chars / tokens : undefined;
}
