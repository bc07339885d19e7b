import { describe, expect, it } from 'vitest';
import { canServe, canSignIn } from '../../src-shared/domain/billing.ts';

describe('what a billing status allows', () => {
  it.each([
    ['active', true, true],
    ['trial', true, true],
    ['suspended', true, false],
    ['canceled', false, false],
  ] as const)('%s: sign in %s, put agents to work %s', (status, signIn, serve) => {
    expect(canSignIn(status)).toBe(signIn);
    expect(canServe(status)).toBe(serve);
  });
});
