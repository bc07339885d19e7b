import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, extname, join } from 'node:path';
import type { Writable } from 'node:stream';
import type { SavedFileDto } from '../../src-shared/contract.ts';

/** Writes content into an open stream, waiting when it is full (large exports stay in pages). */
export type FileWriter = (out: Writable) => Promise<void>;

/**
 * Where a window's files go: Electron asks with the system save dialog,
 * headless mode offers a one-time download. null: the operator cancelled.
 */
export interface FileTarget {
  save(suggestedName: string, write: FileWriter): Promise<SavedFileDto | null>;
}

/**
 * Writes `path` through `write`; a failure leaves no partial file. Without
 * `replace` an existing file is an EEXIST error; with it (the save dialog
 * already asked) the old file is replaced only once the new one is complete.
 * Returns the bytes written.
 */
export async function writeFileWith(
  path: string,
  write: FileWriter,
  options: { replace?: boolean } = {},
): Promise<number> {
  const partial = options.replace ? `${path}.${randomBytes(4).toString('hex')}.part` : path;
  const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  try {
    await once(out, 'open');
    await write(out);
    out.end();
    await once(out, 'finish');
    if (partial !== path) await rename(partial, path);
    return out.bytesWritten;
  } catch (error) {
    // writes still queued fail once the stream is destroyed: the failure is already reported
    out.on('error', () => undefined);
    out.destroy();
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || partial !== path) {
      await rm(partial, { force: true });
    }
    throw error;
  }
}

/** Resolves once `out` can take more, so that a producer never buffers a whole file. */
export async function writeChunk(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** "name.csv", then "name (2).csv", …: never overwrites what is there. */
function candidateName(name: string, n: number): string {
  if (n === 1) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`;
}

/** Saves into a folder under the suggested name (tests; the CLI). */
export function directoryTarget(dir: string): FileTarget {
  return {
    async save(suggested, write) {
      for (let n = 1; ; n++) {
        const name = candidateName(basename(suggested), n);
        const path = join(dir, name);
        try {
          const bytes = await writeFileWith(path, write);
          return { name, bytes, path, downloadUrl: null };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    },
  };
}
