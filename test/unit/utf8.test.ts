import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from '../../src-shared/domain/utf8.ts';

const encoded = (text: string) => new TextEncoder().encode(text).length;

describe('the UTF-8 length of a string', () => {
  it.each([
    ['', 'nothing'],
    ['a', 'ASCII'],
    ['\u007f', 'the last one-byte character'],
    ['\u0080', 'the first two-byte character'],
    ['é', 'a two-byte letter'],
    ['\u07ff', 'the last two-byte character'],
    ['\u0800', 'the first three-byte character'],
    ['€', 'a three-byte sign'],
    ['\uffff', 'the last three-byte character'],
    ['\u{10000}', 'the first four-byte character'],
    ['😀', 'an emoji'],
    ['\ud800', 'a lone surrogate (written as U+FFFD)'],
    ['aé€😀', 'a mix'],
  ])('is what TextEncoder writes for %j (%s)', (text) => {
    expect(utf8ByteLength(text)).toBe(encoded(text));
  });
});
