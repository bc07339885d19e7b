import { beforeAll, describe, expect, it } from 'vitest';
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
