import { beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, Organization } from '../../src-main/db/entities/index.ts';
import { pageStatement } from '../../src-main/db/page-statements.ts';
import { findRows } from '../../src-main/services/paging.ts';
import { adminHarness } from '../support/harness.ts';

const h = adminHarness('paging');

/** Four organizations whose names sort as listed, one of them matching a search apart. */
const names = ['Paged Alpha', 'Paged Bravo', 'Paged Charlie', 'Other Delta'];
beforeAll(async () => {
  for (const name of names) {
    const slug = name.toLowerCase().replace(' ', '-');
    await h.ok(h.admin(), 'organizations.create', { name, slug, tier: 'free' });
  }
});

const list = (page: number, pageSize: number, search?: string) =>
  h.ok(h.admin(), 'organizations.list', {
    page,
    pageSize,
    sort: 'name',
    ...(search ? { search } : {}),
  });

describe('a list page', () => {
  it('holds its share of the matching rows, in order, with the total of them all', async () => {
    const page = await list(1, 2, 'Paged');
    expect(page.items.map((o) => o.name)).toEqual(['Paged Alpha', 'Paged Bravo']);
    expect(page.total).toBe(3);
  });

  it('counts the same total on its last, shorter page', async () => {
    const page = await list(2, 2, 'Paged');
    expect(page.items.map((o) => o.name)).toEqual(['Paged Charlie']);
    expect(page.total).toBe(3);
  });

  it('past the end holds nothing and still says how many there are', async () => {
    const page = await list(5, 2, 'Paged');
    expect(page.items).toEqual([]);
    expect(page.total).toBe(3);
  });

  it('of a search nothing matches is empty with a total of 0', async () => {
    const page = await list(1, 2, 'nothing is called this');
    expect(page).toMatchObject({ items: [], total: 0 });
  });

  it('carries nothing but the listed fields', async () => {
    const [first] = (await list(1, 1, 'Paged')).items;
    expect(Object.keys(first ?? {})).not.toContain('page_total');
  });
});

describe('a page query built once per shape', () => {
  it('reads the values of each call, not those of the call that built it', async () => {
    expect((await list(1, 10, 'Bravo')).items.map((o) => o.name)).toEqual(['Paged Bravo']);
    expect((await list(1, 10, 'Delta')).items.map((o) => o.name)).toEqual(['Other Delta']);
  });

  it('carries the values as parameters, never in its text', () => {
    const search = "it's 100% \\ mine";
    const { sql, params } = pageStatement(h.db.orm.em.fork(), Organization, {
      where: { $or: [{ name: { $ilike: search } }, { slug: { $ilike: search } }] },
      orderBy: { name: 'asc', id: 'asc' },
      limit: 7,
      offset: 14,
    });
    expect(sql).not.toContain('mine');
    expect(params).toEqual([search, search, search, search, 7, 14]);
  });

  it('builds a shape holding a value that is not plain text on every call, still right', async () => {
    const em = h.db.orm.em.fork();
    const before = async (at: Date) =>
      (
        await findRows<AuditEvent, { at: Date }>(
          em,
          AuditEvent,
          { at: { $lt: at } },
          { orderBy: { at: 'desc', id: 'desc' }, limit: 1000, offset: 0 },
        )
      )[1];
    const all = await before(new Date(Date.now() + 60_000));
    expect(all).toBeGreaterThan(0);
    expect(await before(new Date(0))).toBe(0);
    expect(await before(new Date(Date.now() + 60_000))).toBe(all);
  });

  it('takes quotes, backslashes and wildcards in a search literally', async () => {
    for (const search of ["O'Brien", '100%', 'a_b', 'back\\slash', '?']) {
      expect(await list(1, 10, search)).toMatchObject({ items: [], total: 0 });
    }
    expect((await list(1, 10, 'Alpha')).total).toBe(1);
  });

  it('reads the tenant schema of each call when two tenants ask the same shape', async () => {
    const one = await h.org('paged-one');
    const two = await h.org('paged-two');
    for (const [org, name] of [
      [one, 'Agent of one'],
      [two, 'Agent of two'],
    ] as const) {
      await h.ok(h.admin(), 'agents.create', {
        organizationId: org.id,
        name,
        systemPrompt: 'p',
      });
    }
    const names = async (organizationId: string) =>
      (
        await h.ok(h.admin(), 'agents.list', {
          organizationId,
          page: 1,
          pageSize: 10,
          sort: 'name',
          search: 'Agent',
        })
      ).items.map((a) => a.name);
    expect(await names(one.id)).toEqual(['Agent of one']);
    expect(await names(two.id)).toEqual(['Agent of two']);
    expect(await names(one.id)).toEqual(['Agent of one']);
  });
});
