import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Fingerprint } from './tables.ts';

/*
 * What a whole-database backup (archive.ts) and one organization's archive
 * (tenant-archive.ts) share below their first two lines: sections of COPY
 * text, each between `@copy {"schema","table"}` and `\.`, followed by
 * `@end {"rows","sum","sha256"}`, and a last line `@finish {"sections"}`,
 * all in one gzip stream. One writer and one section reader for both, so
 * that the two formats cannot drift apart.
 */

export const END_OF_DATA = '\\.';

/**
 * The hash an `@end` line records: of the section's COPY text exactly as
 * written, each line with its newline. The writer gives it the text as COPY
 * sends it (whole lines); a reader gives it the lines it reads back.
 */
export interface SectionDigest {
  /** Text written to the section, as it comes. */
  text(chunk: string | Buffer): void;
  /** One line read back from the section, without its newline. */
  line(line: string): void;
  /** The digest as `@end` records it. */
  hex(): string;
}

export function sectionDigest(): SectionDigest {
  const hash = createHash('sha256');
  return {
    text: (chunk) => void hash.update(chunk),
    line: (line) => void hash.update(`${line}\n`),
    hex: () => hash.digest('hex'),
  };
}

export interface ArchiveWriter {
  /** Text as it is (the archive's first lines). */
  write(text: string): Promise<void>;
  /** One section: its header, its rows as they come (hashed as written), its end with their fingerprint and hash. */
  section(
    schema: string,
    table: string,
    rows: AsyncIterable<unknown>,
    fingerprint: Fingerprint,
  ): Promise<void>;
  /** The last line; settles once everything has reached the output. */
  finish(sections: number): Promise<void>;
  /** After a failure: nothing more is written. */
  destroy(): void;
}

/** Writes gzip into `out`, ending it when finished unless `end` is false. */
export function archiveWriter(out: Writable, options: { end?: boolean } = {}): ArchiveWriter {
  const gzip = createGzip({ level: 6 });
  const written = pipeline(gzip, out, { end: options.end ?? true });
  // a failure is met by the next write, or by finish's await
  written.catch(() => undefined);
  const write = async (chunk: string | Buffer) => {
    // once the output has failed, gzip is destroyed: it refuses every write and never drains
    if (!gzip.write(chunk)) await Promise.race([once(gzip, 'drain'), written]);
  };
  return {
    write,
    section: async (schema, table, rows, fingerprint) => {
      await write(`@copy ${JSON.stringify({ schema, table })}\n`);
      const digest = sectionDigest();
      for await (const chunk of rows) {
        digest.text(chunk as Buffer);
        await write(chunk as Buffer);
      }
      await write(
        `${END_OF_DATA}\n@end ${JSON.stringify({ ...fingerprint, sha256: digest.hex() })}\n`,
      );
    },
    finish: async (sections) => {
      await write(`@finish ${JSON.stringify({ sections })}\n`);
      gzip.end();
      await written;
    },
    destroy: () => gzip.destroy(),
  };
}

/**
 * A section's rows read back as COPY text, in chunks of about 64 KiB (a
 * section may be larger than memory should hold), from the line after its
 * header to its `\.`; its `@end` line is read once they are. `next` answers
 * undefined at the end of the file, which a section never meets: `cut` is
 * what that is called.
 */
export function sectionText(next: () => Promise<string | undefined>, cut: () => Error): Readable {
  return Readable.from(
    (async function* () {
      let batch = '';
      for (;;) {
        const line = await next();
        if (line === undefined) throw cut();
        if (line === END_OF_DATA) break;
        batch += `${line}\n`;
        if (batch.length >= 65_536) {
          yield batch;
          batch = '';
        }
      }
      if (batch) yield batch;
      await next();
    })(),
  );
}
