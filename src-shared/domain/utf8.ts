/**
 * The bytes a string takes as UTF-8, counted without TextEncoder (neither
 * Node nor the DOM is available to src-shared). A lone surrogate counts as
 * the three bytes of U+FFFD, as TextEncoder writes it.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
