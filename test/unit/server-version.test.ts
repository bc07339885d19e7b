import { describe, expect, it } from 'vitest';
import { checkServerVersion } from '../../src-main/db/connection.ts';

describe('server version check', () => {
  it('refuses PostgreSQL 13 with a message naming the version', () => {
    expect(() => checkServerVersion(130012, '13.12')).toThrow(
      /PostgreSQL 13\.12 is too old.*14 or newer/,
    );
  });

  it('accepts PostgreSQL 14 and newer', () => {
    expect(() => checkServerVersion(140000, '14.0')).not.toThrow();
    expect(() => checkServerVersion(180004, '18.4')).not.toThrow();
  });
});
