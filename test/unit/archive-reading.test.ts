import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gzipLines, LineBoundError } from '../../src-main/db/transfer/bounded-lines.ts';
import { printable } from '../../src-main/db/transfer/printable.ts';
import {
  copyField,
  CopyTextError,
  FingerprintSum,
  recordText,
  unescapeField,
} from '../../src-main/db/transfer/copy-text.ts';

/*
 * What an archive is read with before anything in it is trusted: lines of
 * bounded length from a gzip stream of bounded inflated size, and labels
 * printed without control characters, and rows read as PostgreSQL writes them.
 */
let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-lines-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

async function gzipFile(name: string, text: string): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, gzipSync(text));
  return file;
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

const small = { maxLineBytes: 64, maxInflatedBytes: 1024 };

describe('reading an archive as bounded lines', () => {
  it('answers each line without its newline, multi-byte text and a last line without newline included', async () => {
    const file = await gzipFile('plain.gz', 'one\nRésumé ✓\n\nlast');
    expect(await collect(gzipLines(file, small))).toEqual(['one', 'Résumé ✓', '', 'last']);
  });

  it('joins a line that spans many compressed chunks', async () => {
    const long = 'x'.repeat(200_000);
    const file = await gzipFile('long.gz', `${long}\nafter\n`);
    const lines = await collect(
      gzipLines(file, { ...small, maxLineBytes: 300_000, maxInflatedBytes: 1e6 }),
    );
    expect(lines).toEqual([long, 'after']);
  });

  it('refuses a line longer than the bound, naming it', async () => {
    const file = await gzipFile('too-long.gz', `short\n${'y'.repeat(65)}\n`);
    await expect(collect(gzipLines(file, small))).rejects.toThrow(
      new LineBoundError('a line is longer than 64 bytes, more than any row'),
    );
  });

  it('refuses a stream that inflates past its bound, even in short lines', async () => {
    const file = await gzipFile('bomb.gz', 'ab\n'.repeat(400));
    await expect(collect(gzipLines(file, small))).rejects.toThrow(/inflates to more than/);
  });

  it('refuses a cut gzip stream as damaged', async () => {
    const whole = gzipSync('line\n'.repeat(10_000));
    const file = join(folder, 'cut.gz');
    await writeFile(file, whole.subarray(0, whole.length - 20));
    await expect(collect(gzipLines(file, { ...small, maxInflatedBytes: 1e6 }))).rejects.toThrow(
      /its compressed data is damaged: unexpected end of file/,
    );
  });

  it('takes a line and a stream exactly at their bounds', async () => {
    const line = 'z'.repeat(64);
    const file = await gzipFile('at-bounds.gz', `${line}\n${'q'.repeat(64)}`);
    const bounds = { maxLineBytes: 64, maxInflatedBytes: 129 };
    expect(await collect(gzipLines(file, bounds))).toEqual([line, 'q'.repeat(64)]);
  });

  it('names a bound of a mebibyte or more in MiB, and a smaller one in bytes', async () => {
    const file = await gzipFile('mebibyte.gz', `${'m'.repeat(1024 * 1024 + 1)}\n`);
    const refusal = (maxLineBytes: number) =>
      collect(gzipLines(file, { maxLineBytes, maxInflatedBytes: 1e7 }));
    await expect(refusal(1024 * 1024)).rejects.toThrow('a line is longer than 1 MiB');
    await expect(refusal(1024 * 1024 - 1)).rejects.toThrow('a line is longer than 1048575 bytes');
  });

  it('refuses as itself, not as damage, a file that cannot be read', async () => {
    const reading = collect(gzipLines(join(folder, 'no-such-file.gz'), small));
    await expect(reading).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('closes the file when the reader stops early', async () => {
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const lines = Array.from({ length: 20_000 }, () => randomBytes(48).toString('base64'));
    const file = await gzipFile('early.gz', lines.join('\n'));
    const before = openFiles();
    for await (const line of gzipLines(file, { maxLineBytes: 100, maxInflatedBytes: 1e7 })) {
      expect(line).toBe(lines[0]);
      break;
    }
    // the descriptor is closed asynchronously, within a few turns of the loop
    await vi.waitFor(() => expect(openFiles()).toBe(before), { timeout: 2_000, interval: 10 });
  });

  it('names its refusals as bounds crossed', async () => {
    const file = await gzipFile('named.gz', `${'n'.repeat(65)}\n`);
    await expect(collect(gzipLines(file, small))).rejects.toMatchObject({
      name: 'LineBoundError',
    });
  });

  it('refuses a 1 MB gzip whose first line inflates to a gigabyte within 200 MB of memory', async () => {
    const file = join(folder, 'gigabyte-line.gz');
    // gzip members concatenated inflate as one stream: one megabyte compressed once, not a gigabyte
    const member = gzipSync(Buffer.alloc(1024 * 1024, 0x61), { level: 9 });
    await writeFile(file, Buffer.concat(Array.from({ length: 1100 }, () => member)));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      await expect(collect(gzipLines(file))).rejects.toThrow(/a line is longer than 16 MiB/);
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('labels read from an archive or a marker', () => {
  it('are printed without escape sequences, other control characters or reordering marks', () => {
    expect(printable('postgres://db\u001b]0;owned\u0007\u001b[2J/x\u202eevil\r\n\u0085')).toBe(
      'postgres://db]0;owned[2J/xevil',
    );
  });

  it('keep every printable character, accents and emoji included', () => {
    expect(printable('Acme Résumé ✓ 🚀 2026-12-05T21:00:00Z')).toBe(
      'Acme Résumé ✓ 🚀 2026-12-05T21:00:00Z',
    );
  });
});

describe('a row of COPY text written as PostgreSQL writes row(…)::text', () => {
  it('leaves plain values bare and NULL empty', () => {
    expect(recordText('abc\t42\t\\N', 3)).toBe('(abc,42,)');
  });

  it('quotes an empty value and any holding a quote, backslash, parenthesis, comma or space, doubling quotes and backslashes', () => {
    expect(recordText('\tsay "hi"\ta\\\\b\t(x)\ta,b\ta b', 6)).toBe(
      '("","say ""hi""","a\\\\b","(x)","a,b","a b")',
    );
  });

  it('unescapes what COPY escapes: a tab or newline inside a value is quoted raw', () => {
    expect(recordText('line one\\nline two\ttab\\there', 2)).toBe(
      '("line one\nline two","tab\there")',
    );
  });

  it('unescapes the control characters COPY writes as letters, quoting the blank ones as record_out does', () => {
    expect(recordText('a\\bb\tc\\fd\te\\rf\tg\\vh', 4)).toBe('(a\bb,"c\fd","e\rf","g\vh")');
  });

  it('refuses an escape COPY never writes, and a row with the wrong number of values', () => {
    expect(() => recordText('\\101', 1)).toThrow(new CopyTextError('a value holds the escape \\1'));
    expect(() => recordText('a\tb', 3)).toThrow(
      new CopyTextError('a row has 2 values for 3 columns'),
    );
    expect(() => recordText('ends with \\', 1)).toThrow(
      new CopyTextError('a value holds the escape \\'),
    );
    expect(() => recordText('a\tb', 3)).toThrow(expect.objectContaining({ name: 'CopyTextError' }));
  });
});

describe('the fingerprint of rows read from COPY text', () => {
  /** md5 of PostgreSQL's row(…)::text, first 60 bits, as tables.ts sums them in SQL. */
  const hashOf = (recordText: string) =>
    BigInt(`0x${createHash('md5').update(recordText, 'utf8').digest('hex').slice(0, 15)}`);

  it('counts the rows and sums their hashes', () => {
    const sum = new FingerprintSum(2);
    sum.add('1\tAcme');
    sum.add('2\t\\N');
    expect(sum.result()).toEqual({
      rows: 2,
      sum: (hashOf('(1,Acme)') + hashOf('(2,)')).toString(),
    });
  });

  it('is of no rows, summing to zero, before the first', () => {
    expect(new FingerprintSum(3).result()).toEqual({ rows: 0, sum: '0' });
  });
});

describe('a value written as COPY text', () => {
  it('is \\N for NULL', () => {
    expect(copyField(null)).toBe('\\N');
  });

  it('is itself without a backslash or a control character COPY escapes', () => {
    expect(copyField('Acme Résumé ✓ "quoted", (x)')).toBe('Acme Résumé ✓ "quoted", (x)');
  });

  it('escapes a backslash and each control character COPY writes as a letter', () => {
    expect(copyField('a\\b\bc\fd\ne\rf\tg\vh')).toBe('a\\\\b\\bc\\fd\\ne\\rf\\tg\\vh');
  });

  it('is read back as it was, NULL included', () => {
    for (const value of ['', 'N', '\\N', 'tab\there\\', 'line\nbreak', null])
      expect(unescapeField(copyField(value))).toBe(value);
  });
});
