import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import {
  archiveWriter,
  END_OF_DATA,
  sectionDigest,
  sectionText,
} from '../../src-main/db/transfer/archive-lines.ts';

/*
 * The lines both archive formats share (archive-lines.ts), written into and
 * read from real streams: the writer's gzip output inflated again, the
 * section reader fed a list of lines.
 */

/** A writable that keeps what reaches it; `end` says whether it was ended. */
function collector() {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { out, text: () => gunzipSync(Buffer.concat(chunks)).toString('utf8') };
}

const rowsOf = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe('an archive written', () => {
  it('holds its text, each section between @copy and \\., its @end with the fingerprint and the hash of the rows, and @finish, in one gzip stream', async () => {
    const { out, text } = collector();
    const writer = archiveWriter(out);
    await writer.write('MAGIC 1\n{"manifest":true}\n');
    await writer.section('public', 'users', rowsOf('1\tann\n', '2\tbo\n'), { rows: 2, sum: '77' });
    await writer.section('org_acme', 'agents', rowsOf(), { rows: 0, sum: '0' });
    await writer.finish(2);
    const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(text()).toBe(
      'MAGIC 1\n{"manifest":true}\n' +
        '@copy {"schema":"public","table":"users"}\n1\tann\n2\tbo\n\\.\n' +
        `@end {"rows":2,"sum":"77","sha256":"${sha256('1\tann\n2\tbo\n')}"}\n` +
        '@copy {"schema":"org_acme","table":"agents"}\n\\.\n' +
        `@end {"rows":0,"sum":"0","sha256":"${sha256('')}"}\n` +
        '@finish {"sections":2}\n',
    );
  });

  it('ends its output when finished', async () => {
    const { out } = collector();
    const writer = archiveWriter(out);
    await writer.finish(0);
    expect(out.writableEnded).toBe(true);
  });

  it('leaves its output open when told not to end it, everything written by then', async () => {
    const { out, text } = collector();
    const writer = archiveWriter(out, { end: false });
    await writer.write('kept open\n');
    await writer.finish(0);
    expect(out.writableEnded).toBe(false);
    expect(text()).toBe('kept open\n@finish {"sections":0}\n');
  });

  it('waits for the output to take what it wrote before writing more', async () => {
    const held: (() => void)[] = [];
    const out = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, done) {
        held.push(done);
      },
    });
    const writer = archiveWriter(out);
    let written = false;
    // random bytes do not compress: gzip's buffer fills as the output stops taking
    const writing = writer.write(randomBytes(4 * 1024 * 1024).toString('base64')).then(() => {
      written = true;
    });
    await sleep(200);
    expect(written).toBe(false);
    const release = setInterval(() => held.splice(0).forEach((done) => done()), 1);
    try {
      await writing;
    } finally {
      clearInterval(release);
    }
    expect(written).toBe(true);
  });

  it('rejects finish with the output failure', async () => {
    const out = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('disk full'));
      },
    });
    const writer = archiveWriter(out);
    await expect(writer.finish(0)).rejects.toThrow('disk full');
  });

  it('reports an output that fails in the middle of a section, rather than waiting for it forever', async () => {
    let taken = 0;
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        taken += chunk.length;
        done(taken > 100_000 ? new Error('disk full') : undefined);
      },
    });
    const rows = Readable.from(
      (async function* () {
        for (let i = 0; i < 5_000; i += 1) {
          yield Buffer.from(`${randomBytes(60).toString('hex')}\n`);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })(),
    );
    const writer = archiveWriter(out);
    await expect(
      writer.section('public', 'audit', rows, { rows: 5_000, sum: '0' }),
    ).rejects.toThrow('disk full');
  });

  it('reports to finish an output failure no write was waiting for', async () => {
    const out = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('disk full'));
      },
    });
    const writer = archiveWriter(out);
    // less than gzip buffers before it waits, more than it keeps before it writes
    await writer.write(randomBytes(12 * 1024).toString('base64'));
    await vi.waitFor(() => expect(out.destroyed).toBe(true));
    await sleep(50);
    await expect(writer.finish(0)).rejects.toThrow('disk full');
  });

  it('once destroyed, closes its output without ending it', async () => {
    const { out } = collector();
    const writer = archiveWriter(out);
    await writer.write('begun\n');
    writer.destroy();
    await vi.waitFor(() => expect(out.destroyed).toBe(true));
    expect(out.writableFinished).toBe(false);
  });
});

/** A line source as an archive reader gives one, and how many lines it gave. */
function linesFrom(lines: string[]) {
  let given = 0;
  return {
    next: async () => (given < lines.length ? lines[given++] : (given++, undefined)),
    given: () => given,
  };
}

async function chunksOf(stream: Readable): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk as string);
  return chunks;
}

const cut = () => new Error('cut');

describe('a section read back', () => {
  it('is its rows up to \\., each with its newline', async () => {
    const { next } = linesFrom(['1\tann', '2\tbo', END_OF_DATA, '@end {}']);
    expect((await chunksOf(sectionText(next, cut))).join('')).toBe('1\tann\n2\tbo\n');
  });

  it('reads its @end line too, and nothing after it', async () => {
    const source = linesFrom(['row', END_OF_DATA, '@end {}', '@copy next']);
    await chunksOf(sectionText(source.next, cut));
    expect(source.given()).toBe(3);
  });

  it('comes in chunks of 64 KiB, the last one shorter', async () => {
    // 1,023 characters and a newline: 64 lines fill a chunk exactly
    const line = 'r'.repeat(1023);
    const { next } = linesFrom([...Array.from({ length: 150 }, () => line), END_OF_DATA, '@end']);
    const lengths = (await chunksOf(sectionText(next, cut))).map((c) => c.length);
    expect(lengths).toEqual([65_536, 65_536, 22 * 1024]);
  });

  it('of no rows is no chunk at all', async () => {
    const { next } = linesFrom([END_OF_DATA, '@end {}']);
    expect(await chunksOf(sectionText(next, cut))).toEqual([]);
  });

  it('refuses a file that ends inside it with the error it is given', async () => {
    const { next } = linesFrom(['row one', 'row two']);
    await expect(chunksOf(sectionText(next, cut))).rejects.toThrow('cut');
  });
});

describe("a section's digest", () => {
  it('is the same for the text written in chunks as COPY sends it and for its lines read back', async () => {
    const { out, text } = collector();
    const writer = archiveWriter(out);
    await writer.section('public', 'notes', rowsOf('1\tRésumé ✓\n2\t\\N\n', '3\ta\\tb\n'), {
      rows: 3,
      sum: '0',
    });
    await writer.finish(1);
    const lines = text().split('\n');
    const last = lines.indexOf(END_OF_DATA);
    const read = sectionDigest();
    for (const line of lines.slice(1, last)) read.line(line);
    expect(lines[last + 1]).toBe(`@end {"rows":3,"sum":"0","sha256":"${read.hex()}"}`);
  });
});
