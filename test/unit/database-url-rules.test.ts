import { describe, expect, it } from 'vitest';
import {
  hostFromPageProblem,
  isSecretParameter,
  parametersFromPageProblem,
} from '../../src-shared/domain/database-url.ts';

describe('database URL parameters', () => {
  it('count every name containing "password", in any case, as a secret', () => {
    for (const name of ['password', 'PASSWORD', 'sslpassword', 'db_Password_2']) {
      expect(isSecretParameter(name)).toBe(true);
    }
    for (const name of ['user', 'passfile', 'pwd']) expect(isSecretParameter(name)).toBe(false);
  });

  it.each(['sslrootcert', 'sslcert', 'sslkey', 'sslcrl', 'sslcrldir', 'passfile'])(
    'refuse %s from a screen: it makes the console read one of its own files',
    (name) => {
      expect(parametersFromPageProblem(['sslmode', name.toUpperCase()])).toBe(
        `must not name a file: "${name.toUpperCase()}" makes the console read a file on its own machine ` +
          '(set certificates in DATABASE_URL or on the command line instead)',
      );
    },
  );

  it('refuse server options from a screen, in any case', () => {
    expect(parametersFromPageProblem(['Options'])).toBe(
      'must not carry "Options": it passes settings to the server session, which the console chooses',
    );
  });

  it('let the other parameters through', () => {
    expect(
      parametersFromPageProblem(['sslmode', 'application_name', 'connect_timeout']),
    ).toBeNull();
    expect(parametersFromPageProblem([])).toBeNull();
  });
});

describe('database URL hosts from a screen', () => {
  it('must name a server', () => {
    expect(hostFromPageProblem('db.example.test')).toBeNull();
    expect(hostFromPageProblem(' 10.0.0.5 ')).toBeNull();
    expect(hostFromPageProblem('[::1]')).toBeNull();
  });

  it('may not be left out, which would mean a local socket', () => {
    for (const host of ['', '   ']) {
      expect(hostFromPageProblem(host)).toBe(
        'must name a server by host name or address (it names none, which means a local socket)',
      );
    }
  });

  it.each(['/var/run/postgresql', '@abstract', 'host/path', 'c:\\sockets', ' /tmp '])(
    'may not be a path to a socket or file: %s',
    (host) => {
      expect(hostFromPageProblem(host)).toBe(
        `must name a server by host name or address: "${host.trim()}" is a path to a socket or file`,
      );
    },
  );
});
