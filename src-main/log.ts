import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { maskUrlsIn } from './db/connection-string.ts';

export type Log = (message: string, error?: unknown) => void;

/** Secrets that must never reach a log line, whatever code wrote it. */
const SECRETS: [RegExp, string][] = [
  [/\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}/g, '[bcrypt hash]'],
  [
    /("?(?:password|currentPassword|newPassword|hashedPassword|hashed_password|token|sessionId)"?\s*[:=]\s*)"[^"]*"/gi,
    '$1"[redacted]"',
  ],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1[redacted]'],
];

/** The text with secrets hidden: database URLs by the one URL masker, then the patterns above. */
export function redact(text: string): string {
  return SECRETS.reduce(
    (acc, [pattern, replacement]) => acc.replace(pattern, replacement),
    maskUrlsIn(text),
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** A log that appends redacted lines to a file (and to stderr when asked). */
export function fileLog(path: string, options: { echo?: boolean } = {}): Log {
  mkdirSync(dirname(path), { recursive: true });
  return (message, error) => {
    const line = redact(
      `${new Date().toISOString()} ${message}${error === undefined ? '' : `\n${describe(error)}`}`,
    );
    appendFileSync(path, `${line}\n`, { mode: 0o600 });
    if (options.echo) process.stderr.write(`${line}\n`);
  };
}
