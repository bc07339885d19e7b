import { createHash } from 'node:crypto';
import type { Fingerprint } from './tables.ts';

/*
 * A table's fingerprint (tables.ts) recomputed from its rows as COPY text,
 * without a database: each line's fields unescaped, written as PostgreSQL
 * writes the row `row(columns…)::text`, hashed with md5, its first 60 bits
 * summed. An archive's recorded fingerprints are checked with it before
 * anything is written, and the database computes the same figure on the
 * target after the copy.
 *
 * Only the escapes COPY TO writes are accepted (\\ \b \f \n \r \t \v, and \N
 * for NULL): an octal or hex escape, which COPY FROM would also read, is a
 * row no backup wrote, and one whose bytes this reading could get wrong.
 */

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

export class CopyTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyTextError';
  }
}

/** One field of a COPY text line unescaped; null for \N. */
export function unescapeField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = field[i + 1] ?? '';
    const plain = ESCAPES[next];
    if (plain === undefined) throw new CopyTextError(`a value holds the escape \\${next}`);
    out += plain;
    i += 1;
  }
  return out;
}

const ESCAPED: Record<string, string> = Object.fromEntries(
  Object.entries(ESCAPES).map(([code, char]) => [char, `\\${code}`]),
);

/** A value as COPY TO writes it (the inverse of unescapeField); \N for null. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\b\f\n\r\t\v]/g, (c) => ESCAPED[c] ?? c);
}

/** As PostgreSQL's record_out quotes a field: empty, or holding a quote, backslash, parenthesis, comma or space. */
const NEEDS_QUOTES = /^$|["\\(), \t\n\r\f\v]/;

function recordField(value: string | null): string {
  if (value === null) return '';
  if (!NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(/["\\]/g, (c) => c + c)}"`;
}

/** The text `row(columns…)::text` gives for a row written as one COPY text line. */
export function recordText(line: string, columns: number): string {
  const fields = line.split('\t');
  if (fields.length !== columns)
    throw new CopyTextError(`a row has ${fields.length} values for ${columns} columns`);
  return `(${fields.map((f) => recordField(unescapeField(f))).join(',')})`;
}

/** The first 60 bits of a row's md5, as tables.ts sums them. */
export function rowHash(line: string, columns: number): bigint {
  const md5 = createHash('md5').update(recordText(line, columns), 'utf8').digest('hex');
  return BigInt(`0x${md5.slice(0, 15)}`);
}

/** A table's fingerprint, row by row. */
export class FingerprintSum {
  private rows = 0;
  private sum = 0n;
  private readonly columns: number;

  constructor(columns: number) {
    this.columns = columns;
  }

  add(line: string): void {
    this.sum += rowHash(line, this.columns);
    this.rows += 1;
  }

  result(): Fingerprint {
    return { rows: this.rows, sum: this.sum.toString() };
  }
}
