import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/*
 * An archive is read as gzip-compressed lines, and nothing in it is trusted
 * before it is checked: a line is never longer than `maxLineBytes` (a crafted
 * gzip of a few megabytes may inflate to one line of gigabytes, which a line
 * reader would gather in memory), and the whole never inflates past
 * `maxInflatedBytes` (a gzip bomb of short lines costs time, not memory).
 * Past either bound the archive is refused, naming the bound.
 */

export interface LineBounds {
  maxLineBytes: number;
  maxInflatedBytes: number;
}

/**
 * A row of the largest tables (an agent's prompt and config) is far below
 * this; a line, its string and the row it becomes stay well under 200 MB.
 */
export const ARCHIVE_LINE_BOUNDS: LineBounds = {
  maxLineBytes: 16 * 1024 * 1024,
  maxInflatedBytes: 64 * 1024 * 1024 * 1024,
};

/** Why a stream of lines was refused: a bound crossed, or the gzip stream itself. */
export class LineBoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineBoundError';
  }
}

/** The gzip stream itself could not be inflated: no archive, or one damaged on its way. */
export class DamagedCompressionError extends LineBoundError {
  constructor(zlibMessage: string) {
    super(`its compressed data is damaged: ${zlibMessage}`);
    this.name = 'DamagedCompressionError';
  }
}

const mib = (bytes: number) =>
  bytes < 1024 * 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024 / 1024)} MiB`;

/**
 * The lines of a gzip file (without their "\n"), in order, read in chunks:
 * memory holds one chunk and one line at most. A last line without "\n" is
 * still answered (the archive's own end marker tells a cut stream apart).
 * Returning early (a `break` or `return()`) closes the file.
 */
export async function* gzipLines(
  file: string,
  bounds: LineBounds = ARCHIVE_LINE_BOUNDS,
): AsyncGenerator<string, void, undefined> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let inflated = 0;
  const tooLong = () =>
    new LineBoundError(`a line is longer than ${mib(bounds.maxLineBytes)}, more than any row`);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (inflated > bounds.maxInflatedBytes)
        throw new LineBoundError(`it inflates to more than ${mib(bounds.maxInflatedBytes)}`);
      let start = 0;
      for (;;) {
        const end = chunk.indexOf(10, start);
        if (end === -1) break;
        if (pendingBytes + end - start > bounds.maxLineBytes) throw tooLong();
        if (pendingBytes === 0) yield chunk.toString('utf8', start, end);
        else {
          pending.push(chunk.subarray(start, end));
          yield Buffer.concat(pending).toString('utf8');
          pending = [];
          pendingBytes = 0;
        }
        start = end + 1;
      }
      if (start < chunk.length) {
        pendingBytes += chunk.length - start;
        if (pendingBytes > bounds.maxLineBytes) throw tooLong();
        pending.push(chunk.subarray(start));
      }
    }
    if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // zlib's own words ("unexpected end of file", "incorrect header check") name the damage
    if (typeof code === 'string' && code.startsWith('Z_'))
      throw new DamagedCompressionError((error as Error).message);
    throw error;
  } finally {
    gunzip.destroy();
    input.destroy();
  }
}
