import { describe, expect, it } from 'vitest';
import { createLaunchCodes } from '../../src-main/headless/launch-codes.ts';

/** Launch codes on a clock the test moves. */
function codesAt(start = 1_000_000) {
  let time = start;
  const codes = createLaunchCodes(() => time);
  return { codes, advance: (ms: number) => (time += ms) };
}

describe("a browser launch's one-time code", () => {
  it('is 128 random bits, new each time', () => {
    const { codes } = codesAt();
    const first = codes.issue();
    expect(Buffer.from(first, 'base64url')).toHaveLength(16);
    expect(codes.issue()).not.toBe(first);
  });

  it('is accepted once', () => {
    const { codes } = codesAt();
    const code = codes.issue();
    expect(codes.claim(code)).toBe(true);
    expect(codes.claim(code)).toBe(false);
  });

  it('is accepted until its ten seconds are up', () => {
    const { codes, advance } = codesAt();
    const code = codes.issue();
    advance(9_999);
    expect(codes.claim(code)).toBe(true);
  });

  it('is refused once its ten seconds are up', () => {
    const { codes, advance } = codesAt();
    const code = codes.issue();
    advance(10_000);
    expect(codes.claim(code)).toBe(false);
  });

  it('is refused when another code is presented, and stays valid for its own', () => {
    const { codes } = codesAt();
    const code = codes.issue();
    expect(codes.claim('A'.repeat(code.length))).toBe(false);
    expect(codes.claim('')).toBe(false);
    expect(codes.claim(`${code}x`)).toBe(false);
    expect(codes.claim(code)).toBe(true);
  });

  it('is void once a newer one is issued: one valid code at a time', () => {
    const { codes } = codesAt();
    const older = codes.issue();
    const newer = codes.issue();
    expect(codes.claim(older)).toBe(false);
    expect(codes.claim(newer)).toBe(true);
  });

  it('is refused when none was issued', () => {
    const { codes } = codesAt();
    expect(codes.claim('A'.repeat(22))).toBe(false);
  });
});
