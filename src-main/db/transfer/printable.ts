/**
 * A label read from an archive or a marker (a source, an app version, a
 * time), as it may be printed to a terminal or a screen: control characters
 * (an escape sequence would drive the operator's terminal) and the
 * invisible marks that reorder text removed.
 */
export function printable(label: string): string {
  return label.replace(/[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '');
}
