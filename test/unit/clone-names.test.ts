import { describe, expect, it } from 'vitest';
import { CloneIds, freshIds } from '../../src-main/db/transfer/clone-ids.ts';
import {
  cloneEmail,
  cloneName,
  TenantImportError,
} from '../../src-main/db/transfer/tenant-import.ts';

/* What a clone of an organization (tenant-import.ts, clone-ids.ts) calls it, its users and its ids. */

describe("a clone's names", () => {
  it('makes an email unique as local+slug@domain, at the last @', () => {
    expect(cloneEmail('Dev.Person@Acme-Co.test', 'acme-clone')).toBe(
      'Dev.Person+acme-clone@Acme-Co.test',
    );
    expect(cloneEmail('"a@b"@acme.test', 'x-1')).toBe('"a@b"+x-1@acme.test');
  });

  it('names the organization "<name> (clone <slug>)"', () => {
    expect(cloneName('Acme Co', 'acme-clone')).toBe('Acme Co (clone acme-clone)');
  });

  it('cuts a long name so that the whole stays within 200 characters, the suffix kept', () => {
    const name = cloneName('n'.repeat(200), 'acme-clone');
    expect(name).toHaveLength(200);
    expect(name).toBe(`${'n'.repeat(200 - ' (clone acme-clone)'.length)} (clone acme-clone)`);
    expect(cloneName('n'.repeat(181), 'acme-clone')).toHaveLength(200);
  });
});

describe("a clone's ids", () => {
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const old = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('gives each old id one fresh version 4 uuid, whatever its case, every bit but the version and variant its own', () => {
    const fresh = freshIds();
    const made = Array.from({ length: 64 }, (_, n) => fresh(old(n)));
    for (const id of made) expect(id).toMatch(UUID_V4);
    expect(new Set(made).size).toBe(made.length);
    expect(fresh(old(1).toUpperCase())).toBe(made[1]);
    // the bits beside the version (byte 6) and the variant (byte 8) vary from id to id
    expect(new Set(made.map((id) => id[15])).size).toBeGreaterThan(1);
    expect(new Set(made.map((id) => id[20])).size).toBeGreaterThan(1);
    expect(freshIds()(old(1))).not.toBe(made[1]);
  });

  const table = { name: 'events', columns: ['id', 'actor_id', 'label', 'target'], identity: [] };
  const uuids = new Map([['events', new Set(['id', 'actor_id'])]]);

  it("replaces the key and an added id in a uuid or named text column; another's id, NULL and free text stay", () => {
    const ids = new CloneIds();
    const own = old(1);
    ids.add(own.toUpperCase());
    const remap = ids.remapper(table, uuids, 'id', ['target']);
    expect(remap([old(9), own, own, own])).toEqual([
      ids.fresh(old(9)),
      ids.fresh(own),
      own,
      ids.fresh(own),
    ]);
    expect(remap([old(9), old(2), '\\N', '\\N'])).toEqual([
      ids.fresh(old(9)),
      old(2),
      '\\N',
      '\\N',
    ]);
    expect(remap(['\\N', '\\N', 'x', 'y'])).toEqual(['\\N', '\\N', 'x', 'y']);
    expect(ids.remapper(table, uuids, null)([old(9), own, own, own])).toEqual([
      old(9),
      ids.fresh(own),
      own,
      own,
    ]);
  });

  it('takes neither NULL nor a missing field for an id', () => {
    const ids = new CloneIds();
    ids.add('\\N');
    ids.add(undefined);
    expect(ids.remapper(table, uuids, null)(['\\N', '\\N', '\\N', '\\N'])).toEqual([
      '\\N',
      '\\N',
      '\\N',
      '\\N',
    ]);
  });

  it('refuses more ids than it may hold, counting each id once', () => {
    const ids = new CloneIds(2);
    ids.add(old(1));
    ids.add(old(2));
    ids.add(old(2).toUpperCase());
    expect(() => ids.add(old(3))).toThrow(
      new TenantImportError(
        'The organization has more than 2 users and agents; nothing was imported.',
      ),
    );
    expect(() => new CloneIds(1_000).add(old(1))).not.toThrow();
    expect(() => {
      const many = new CloneIds(1_000);
      for (let n = 0; n <= 1_000; n += 1) many.add(old(n));
    }).toThrow('more than 1,000 users and agents');
  });
});
