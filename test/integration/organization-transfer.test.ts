import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { adminHarness, fingerprint } from '../support/harness.ts';

/*
 * The console's side of one organization's backup and restore: the export
 * saved where the window saves files, the archive sent back in ordered
 * chunks and imported as a clone, each audited; chunks out of order, an
 * upload of someone else and a damaged archive refused without a write.
 */
const h = adminHarness('orgio');
let acme = { id: '', slug: '' };
let archive = Buffer.alloc(0);

async function send(slot: SessionSlot, bytes: Buffer, pieces: number) {
  const upload = randomUUID();
  const size = Math.ceil(bytes.length / pieces);
  for (let index = 0; index < pieces; index++)
    await h.ok(slot, 'organizations.import', {
      step: 'chunk',
      upload,
      index,
      data: bytes.subarray(index * size, (index + 1) * size).toString('base64'),
    });
  return upload;
}

const audited = (action: string) =>
  h.db.sql<{ target_id: string | null; organization_id: string | null; changes: unknown }>(
    'select target_id, organization_id::text, changes from audit_events where action = $1 order by id',
    [action],
  );

beforeAll(async () => {
  acme = await h.org('acme-io', 'pro');
  await h.user(acme.id, 'developer', 'dev@acme-io.test');
  await h.ok(h.admin(), 'agents.create', {
    organizationId: acme.id,
    name: 'Helper',
    systemPrompt: 'Help.',
  });
  const exported = await h.ok(h.admin(), 'organizations.export', { id: acme.id });
  archive = await readFile(join(h.filesDir, exported.file?.name ?? ''));
});

describe('organizations.export', () => {
  it('saves the organization’s archive where the window saves files, and records it', async () => {
    const result = await h.ok(h.admin(), 'organizations.export', { id: acme.id });
    expect(result.file?.name).toMatch(
      /^organization-acme-io-\d{4}-\d{2}-\d{2}( \(\d+\))?\.fptenant$/,
    );
    expect(result).toMatchObject({ tables: 9 });
    const rows = await audited('organizations.export');
    expect(rows.at(-1)).toMatchObject({ organization_id: acme.id, target_id: result.file?.path });
  });
});

describe('organizations.import', () => {
  it('imports an archive sent in chunks as a clone, and records it under the clone', async () => {
    const upload = await send(h.admin(), archive, 3);
    const result = await h.ok(h.admin(), 'organizations.import', {
      step: 'finish',
      upload,
      chunks: 3,
      as: 'acme-io-copy',
    });
    expect(result.received).toBe(archive.length);
    expect(result.imported).toMatchObject({
      slug: 'acme-io-copy',
      clone: true,
      users: 1,
      agents: 1,
    });
    const clone = result.imported?.organizationId ?? '';
    const agents = await h.ok(h.admin(), 'agents.list', { organizationId: clone });
    expect(agents.items.map((a) => a.name)).toEqual(['Helper']);
    expect((await audited('organizations.import')).at(-1)).toMatchObject({
      organization_id: clone,
      target_id: clone,
    });
  });

  it('records no row for the chunks themselves', async () => {
    const before = (await audited('organizations.import')).length;
    await send(h.admin(), archive, 2);
    expect(await audited('organizations.import')).toHaveLength(before);
  });

  it('refuses a chunk out of order', async () => {
    const upload = await send(h.admin(), archive.subarray(0, 10), 1);
    const skipped = await h.call(h.admin(), 'organizations.import', {
      step: 'chunk',
      upload,
      index: 2,
      data: 'AAAA',
    });
    expect(skipped).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('does not let another administrator finish someone else’s upload', async () => {
    const upload = await send(h.admin(), archive, 1);
    const other = await h.user(h.homeId, 'admin', 'other-admin@orgio.test');
    const finished = await h.call(h.slotFor(other.id), 'organizations.import', {
      step: 'finish',
      upload,
      chunks: 1,
      as: 'stolen',
    });
    expect(finished).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses the organization it was exported from, as it exists, and writes nothing', async () => {
    const admin = h.admin();
    const upload = await send(admin, archive, 1);
    const before = await fingerprint(h.db);
    const result = await h.call(admin, 'organizations.import', {
      step: 'finish',
      upload,
      chunks: 1,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // the refusal's own audit row is the one write
    const after = await fingerprint(h.db);
    expect(after.replace(/public\.audit_events:.*\n/, '')).toBe(
      before.replace(/public\.audit_events:.*\n/, ''),
    );
  });

  it('refuses a damaged archive as invalid, naming the file', async () => {
    const damaged = Buffer.from(archive);
    damaged.writeUInt8((damaged.at(-20) ?? 0) ^ 0xff, damaged.length - 20);
    const upload = await send(h.admin(), damaged, 1);
    const result = await h.call(h.admin(), 'organizations.import', {
      step: 'finish',
      upload,
      chunks: 1,
      as: 'damaged',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { file: 'is not a complete archive' } },
    });
  });

  it("refuses a file that is no export at all in words for people, not zlib's", async () => {
    const upload = await send(h.admin(), Buffer.from('name,email\nAda,ada@example.com\n'), 1);
    const result = await h.call(h.admin(), 'organizations.import', {
      step: 'finish',
      upload,
      chunks: 1,
      as: 'not-an-export',
    });
    // it said "incorrect header check" before
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'This file is not an organization export, or it is damaged.',
        fields: { file: 'is not a complete archive' },
      },
    });
  });
});
