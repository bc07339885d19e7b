import { describe, expect, it } from 'vitest';
import { PASSWORD_RULE, passwordProblem } from '../../src-shared/domain/password.ts';

describe('password length rule (bytes, as bcrypt counts them)', () => {
  it('accepts 8 to 72 bytes', () => {
    expect(passwordProblem('x'.repeat(8))).toBeNull();
    expect(passwordProblem('x'.repeat(72))).toBeNull();
  });

  it('rejects fewer than 8 bytes', () => {
    expect(passwordProblem('x'.repeat(7))).toMatch(/at least 8 characters/);
  });

  it('rejects more than 72 bytes instead of truncating', () => {
    expect(passwordProblem('x'.repeat(73))).toMatch(
      /at most 72 characters \(fewer with accented letters or emoji\)/,
    );
  });

  it('counts multi-byte characters by their UTF-8 bytes', () => {
    expect(passwordProblem('é'.repeat(36))).toBeNull();
    expect(passwordProblem('é'.repeat(37))).toMatch(
      /at most 72 characters \(fewer with accented letters or emoji\)/,
    );
  });
});

describe('the password rule shown beside a new password', () => {
  it('states both bounds, and that accented letters and emoji count more', () => {
    expect(PASSWORD_RULE).toBe(
      'At least 8 characters, at most 72 (fewer with accented letters or emoji)',
    );
  });
});
