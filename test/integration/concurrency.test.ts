import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
let admin: () => ReturnType<Harness['slotFor']>;
beforeAll(async () => {
  h = await createHarness();
  const home = await h.org('conc-home');
  const adminId = (await h.user(home.id, 'admin', 'admin@conc.test')).id;
  admin = () => h.slotFor(adminId);
});
afterAll(() => h.close());

const codes = (results: { ok: boolean; error?: { code: string } }[]) =>
  results.map((r) => (r.ok ? 'ok' : r.error?.code)).sort();

describe('concurrent writes on real PostgreSQL', () => {
  it('creates exactly 3 of 10 concurrent agents on a free organization', async () => {
    const free = await h.org('conc-free', 'free');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.call(admin(), 'agents.create', {
          organizationId: free.id,
          name: `Racer ${i}`,
          systemPrompt: 'p',
        }),
      ),
    );
    expect(codes(results)).toEqual([...Array(7).fill('LIMIT_REACHED'), 'ok', 'ok', 'ok']);
    expect(await h.db.sql('select count(*)::int as n from "org_conc-free".agents')).toEqual([
      { n: 3 },
    ]);
    expect(
      await h.db.sql('select agent_count from organizations where id = $1', [free.id]),
    ).toEqual([{ agent_count: 3 }]);
  });

  it('gives one success and one CONFLICT for the same slug twice at once, with no orphan schema', async () => {
    const results = await Promise.all(
      [1, 2].map((n) =>
        h.call(admin(), 'organizations.create', { name: `Twin ${n}`, slug: 'twin', tier: 'free' }),
      ),
    );
    expect(codes(results)).toEqual(['CONFLICT', 'ok']);
    expect(
      await h.db.sql("select count(*)::int as n from organizations where slug = 'twin'"),
    ).toEqual([{ n: 1 }]);
    expect(
      await h.db.sql("select nspname from pg_namespace where nspname like 'org_twin%'"),
    ).toEqual([{ nspname: 'org_twin' }]);
  });

  it('lets only one of two updates with the same version through', async () => {
    const org = await h.org('conc-stale');
    const results = await Promise.all(
      ['First', 'Second'].map((name) =>
        h.call(admin(), 'organizations.update', { id: org.id, version: 1, name }),
      ),
    );
    expect(codes(results)).toEqual(['CONFLICT', 'ok']);
    const [row] = await h.db.sql<{ version: number }>(
      'select version from organizations where id = $1',
      [org.id],
    );
    expect(row?.version).toBe(2);
  });

  it('lets only one of two stale agent updates through', async () => {
    const org = await h.org('conc-agent');
    const agent = await h.ok(admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Shared',
      systemPrompt: 'p',
    });
    const results = await Promise.all(
      ['one', 'two'].map((description) =>
        h.call(admin(), 'agents.update', {
          organizationId: org.id,
          id: agent.id,
          version: agent.version,
          description,
        }),
      ),
    );
    expect(codes(results)).toEqual(['CONFLICT', 'ok']);
  });
});
