import { describe, expect, it } from 'vitest';
import { listening } from '../support/listening.ts';
import { migrateAllTenants, rollbackTenants } from '../../src-main/db/fan-out.ts';
import { adminHarness } from '../support/harness.ts';
import { secondConsole } from '../support/second-console.ts';

/*
 * organizations.renameSlug: the schema and every place the slug lives, in
 * one transaction, audited and announced; refused on a collision, a stale
 * version, or while the tenant is in maintenance.
 */

const h = adminHarness('rename');

const versionOf = async (id: string) =>
  (await h.ok(h.admin(), 'organizations.get', { id })).version;

const agent = (organizationId: string, name: string) =>
  h.ok(h.admin(), 'agents.create', { organizationId, name, systemPrompt: 'p' });

describe('renaming a slug', () => {
  it('moves the schema, its agents and its ledger to the new slug', async () => {
    const org = await h.org('old-name');
    await agent(org.id, 'Kept');
    const renamed = await h.ok(h.admin(), 'organizations.renameSlug', {
      id: org.id,
      slug: 'new-name',
      version: await versionOf(org.id),
    });
    expect(renamed).toMatchObject({ slug: 'new-name', schema: 'org_new-name', maintenance: null });
    const schemas = await h.db.sql<{ nspname: string }>(
      "select nspname from pg_namespace where nspname in ('org_old-name', 'org_new-name')",
    );
    expect(schemas.map((s) => s.nspname)).toEqual(['org_new-name']);
    const agents = await h.ok(h.admin(), 'agents.list', {
      organizationId: org.id,
      page: 1,
      pageSize: 10,
    });
    expect(agents.items.map((a) => a.name)).toEqual(['Kept']);
    const ledger = await h.db.sql<{ tenant_slug: string; n: string }>(
      "select tenant_slug, count(*) as n from tenant_migrations where tenant_slug in ('old-name', 'new-name') group by 1",
    );
    const [{ level }] = (await h.db.sql<{ level: number }>(
      'select tenant_schema_version as level from organizations where id = $1',
      [org.id],
    )) as [{ level: number }];
    expect(ledger).toEqual([{ tenant_slug: 'new-name', n: String(level) }]);
    // the tenant's own ledger view names the new slug, for reading and for writing
    const view = await h.db.sql<{ n: string }>(
      'select count(*) as n from "org_new-name".mikro_orm_migrations',
    );
    expect(view).toEqual([{ n: String(level) }]);
    await h.db.sql(`insert into "org_new-name".mikro_orm_migrations (name) values ('by-hand')`);
    expect(
      await h.db.sql("select tenant_slug from tenant_migrations where name = 'by-hand'"),
    ).toEqual([{ tenant_slug: 'new-name' }]);
    await h.db.sql("delete from tenant_migrations where name = 'by-hand'");
  });

  it('leaves a renamed tenant to roll back and migrate again like any other', async () => {
    const org = await h.org('roll-before');
    await h.ok(h.admin(), 'organizations.renameSlug', {
      id: org.id,
      slug: 'roll-after',
      version: await versionOf(org.id),
    });
    const [{ level }] = (await h.db.sql<{ level: number }>(
      'select tenant_schema_version as level from organizations where id = $1',
      [org.id],
    )) as [{ level: number }];
    expect(
      (await rollbackTenants(h.db.orm.em, { to: level - 1, slugs: ['roll-after'] })).failed,
    ).toEqual([]);
    expect((await migrateAllTenants(h.db.orm.em)).failed).toEqual([]);
    expect(await agent(org.id, 'After the round trip')).toMatchObject({
      name: 'After the round trip',
    });
  });

  it("is refused with another organization's slug, and changes nothing", async () => {
    const org = await h.org('wants-taken');
    await h.org('taken-slug');
    const answer = await h.call(h.admin(), 'organizations.renameSlug', {
      id: org.id,
      slug: 'taken-slug',
      version: await versionOf(org.id),
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', fields: { slug: expect.any(String) } },
    });
    expect(await h.ok(h.admin(), 'organizations.get', { id: org.id })).toMatchObject({
      slug: 'wants-taken',
      maintenance: null,
    });
  });

  it('is refused when a schema of the new name exists without an organization', async () => {
    const org = await h.org('wants-orphan');
    await h.db.sql('create schema "org_orphan-slug"');
    const answer = await h.call(h.admin(), 'organizations.renameSlug', {
      id: org.id,
      slug: 'orphan-slug',
      version: await versionOf(org.id),
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(
      await h.db.sql("select 1 from pg_namespace where nspname = 'org_wants-orphan'"),
    ).toHaveLength(1);
  });

  it('is refused at a version someone else has changed', async () => {
    const org = await h.org('stale-rename');
    const version = await versionOf(org.id);
    await h.ok(h.admin(), 'organizations.update', { id: org.id, version, name: 'Changed' });
    expect(
      await h.call(h.admin(), 'organizations.renameSlug', {
        id: org.id,
        slug: 'stale-new',
        version,
      }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('is refused while the tenant is in maintenance', async () => {
    const org = await h.org('maintained-rename');
    await h.ok(h.admin(), 'organizations.setMaintenance', {
      id: org.id,
      on: true,
      reason: 'checking its structure',
    });
    const answer = await h.call(h.admin(), 'organizations.renameSlug', {
      id: org.id,
      slug: 'maintained-new',
      version: await versionOf(org.id),
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'MAINTENANCE' } });
    expect(!answer.ok && answer.error.message).toContain('checking its structure');
    expect(await h.ok(h.admin(), 'organizations.get', { id: org.id })).toMatchObject({
      slug: 'maintained-rename',
    });
  });

  it('is audited with both slugs and announced to other consoles', async () => {
    const org = await h.org('announced-old');
    const { heard, listener } = await listening(h.db.url);
    try {
      await h.ok(h.admin(), 'organizations.renameSlug', {
        id: org.id,
        slug: 'announced-new',
        version: await versionOf(org.id),
      });
      for (let waited = 0; waited < 5_000; waited += 50) {
        if (heard.some((c) => c.action === 'organizations.renameSlug')) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(heard).toContainEqual(
        expect.objectContaining({
          kind: 'organization',
          id: org.id,
          organizationId: org.id,
          action: 'organizations.renameSlug',
        }),
      );
    } finally {
      await listener.close();
    }
    const audit = await h.db.sql<{ changes: unknown }>(
      "select changes from audit_events where action = 'organizations.renameSlug' and target_id = $1",
      [org.id],
    );
    expect(audit).toEqual([{ changes: { slug: { from: 'announced-old', to: 'announced-new' } } }]);
  });

  it('keeps every write of a second console whole while it renames: each is done or refused for maintenance', async () => {
    const org = await h.org('busy-old');
    const other = await secondConsole(h.db);
    try {
      const admin = await h.user(h.homeId, 'admin', 'admin2@rename.test');
      const slot = await other.slotFor({ id: admin.id });
      const burst = Array.from({ length: 12 }, (_, i) =>
        other.router.dispatch(slot, 'agents.create', {
          organizationId: org.id,
          name: `Burst ${i}`,
          systemPrompt: 'p',
        }),
      );
      const rename = h.call(h.admin(), 'organizations.renameSlug', {
        id: org.id,
        slug: 'busy-new',
        version: await versionOf(org.id),
      });
      const answers = await Promise.all(burst);
      expect(await rename).toMatchObject({ ok: true });
      const codes = answers.map((a) => (a.ok ? 'ok' : a.error.code));
      expect(codes.filter((c) => c !== 'ok' && c !== 'MAINTENANCE')).toEqual([]);
      const done = codes.filter((c) => c === 'ok').length;
      const [counted] = await h.db.sql<{ n: string; kept: number }>(
        `select (select count(*) from "org_busy-new".agents) as n,
                (select agent_count from organizations where id = $1) as kept`,
        [org.id],
      );
      expect(counted).toEqual({ n: String(done), kept: done });
      // and the second console writes to the renamed tenant at once
      expect(
        await other.router.dispatch(slot, 'agents.create', {
          organizationId: org.id,
          name: 'After',
          systemPrompt: 'p',
        }),
      ).toMatchObject({ ok: true });
    } finally {
      await other.close();
    }
  });
});
