import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileLog, redact } from '../../src-main/log.ts';

/** A database URL with a password in each form the driver reads, and the secrets it holds. */
const URL_FORMS: [form: string, url: string, secrets: string[]][] = [
  ['user:pass@', 'postgres://app:secret-1@db.example:5432/fleet', ['secret-1']],
  ['?password=', 'postgres://app@db.example/fleet?password=secret-2', ['secret-2']],
  [
    'sslpassword=',
    'postgres://app@db.example/fleet?sslmode=disable&sslpassword=secret-3',
    ['secret-3'],
  ],
  [
    'percent-encoded',
    'postgres://app:%73ecret-4@db.example/fleet?pass%77ord=%73ecret-5',
    ['secret-4', '%73ecret-4', 'secret-5', '%73ecret-5'],
  ],
  ['mixed-case name', 'postgresql://app@db.example/fleet?PassWord=secret-6', ['secret-6']],
];

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
      'connect postgres://postgres:•••@127.0.0.1:5433/db failed',
    );
  });

  it.each(URL_FORMS)('hides a database URL’s password written as %s', (_, url, secrets) => {
    const line = redact(`could not connect to ${url}: refused; {"url":"${url}"}`);
    expect(line).toContain('db.example');
    for (const secret of secrets) expect(line).not.toContain(secret);
  });

  it('hides a password in a libpq key=value connection string', () => {
    expect(redact('dsn host=db.example sslpassword=kv-secret user=app')).toBe(
      'dsn host=db.example sslpassword=••• user=app',
    );
  });

  it('writes no database password into the log file, in messages or errors', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'fleetprompt-log-'));
    try {
      const file = join(folder, 'logs', 'fleetprompt.log');
      const log = fileLog(file);
      for (const [, url] of URL_FORMS)
        log(`moving the database to ${url}`, new Error(`connect to ${url} failed`));
      const written = await readFile(file, 'utf8');
      expect(written.match(/db\.example/g)).toHaveLength(URL_FORMS.length * 2);
      for (const [form, , secrets] of URL_FORMS)
        for (const secret of secrets) expect(written, `the ${form} password`).not.toContain(secret);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('hides bearer tokens', () => {
    expect(redact('Authorization: Bearer abcDEF123_-')).toBe('Authorization: Bearer [redacted]');
  });
});
