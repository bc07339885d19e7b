import { describe, expect, it } from 'vitest';
import { connectionFailureInWords } from '../../src-main/services/db-errors.ts';

/*
 * A server that cannot be reached is described by what to check, not by
 * the driver's code; the password is never part of it.
 */

const URL_WITH_PASSWORD = 'postgres://app:s3cret@db.example:6543/fleet';
const failure = (code: string, message = `driver says ${code}`) =>
  Object.assign(new Error(message), { code });

describe('a failed connection in words', () => {
  it('names the server nothing answers at', () => {
    expect(connectionFailureInWords(failure('ECONNREFUSED'), URL_WITH_PASSWORD)).toBe(
      'nothing answers at db.example:6543; check that the server runs there and takes connections',
    );
  });

  it('names a host that does not exist, without its port', () => {
    expect(connectionFailureInWords(failure('ENOTFOUND'), URL_WITH_PASSWORD)).toBe(
      'no server named db.example was found; check the host name',
    );
  });

  it('says the credentials were refused, not which SQLSTATE', () => {
    expect(connectionFailureInWords(failure('28P01'), URL_WITH_PASSWORD)).toBe(
      'the server refused that user name and password',
    );
  });

  it('keeps any other reason, with the URL in it masked', () => {
    const said = connectionFailureInWords(
      new Error(`odd failure at ${URL_WITH_PASSWORD}`),
      URL_WITH_PASSWORD,
    );
    expect(said).toContain('odd failure at postgres://app:');
    expect(said).not.toContain('s3cret');
  });
});
