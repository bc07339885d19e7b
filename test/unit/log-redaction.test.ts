import { describe, expect, it } from 'vitest';
import { redact } from '../../src-main/log.ts';

describe('log redaction', () => {
  it('hides bcrypt hashes', () => {
    const hash = '$2b$12$' + 'a'.repeat(53);
    expect(redact(`user row ${hash}`)).toBe('user row [bcrypt hash]');
  });

  it('hides password-like fields in JSON', () => {
    expect(redact('{"email":"a@b.c","password":"hunter22"}')).toBe(
      '{"email":"a@b.c","password":"[redacted]"}',
    );
    expect(redact('{"newPassword":"x1","sessionId":"abc"}')).not.toMatch(/x1|abc/);
  });

  it('hides the password in a database URL', () => {
    expect(redact('connect postgres://postgres:topsecret@127.0.0.1:5433/db failed')).toBe(
      'connect postgres://postgres:[redacted]@127.0.0.1:5433/db failed',
    );
  });

  it('hides bearer tokens', () => {
    expect(redact('Authorization: Bearer abcDEF123_-')).toBe('Authorization: Bearer [redacted]');
  });
});
