import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { archiveWriter } from '../../src-main/db/transfer/archive-lines.ts';

describe('an archive written', () => {
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
});
