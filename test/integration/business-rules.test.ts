import { describe, expect, it } from 'vitest';
import { adminHarness } from '../support/harness.ts';

const h = adminHarness('rules');

describe('business rules through the router', () => {
  it('refuses the fourth agent of a free organization with the reason', async () => {
    const free = await h.org('rules-free', 'free');
    for (const n of [1, 2, 3])
      await h.ok(h.admin(), 'agents.create', {
        organizationId: free.id,
        name: `A${n}`,
        systemPrompt: 'p',
      });
    const fourth = await h.call(h.admin(), 'agents.create', {
      organizationId: free.id,
      name: 'A4',
      systemPrompt: 'p',
    });
    expect(fourth).toMatchObject({
      ok: false,
      error: { code: 'LIMIT_REACHED', message: expect.stringMatching(/3 of 3 agents/) },
    });
  });

  it.each(['suspended', 'canceled'] as const)(
    'keeps agents of a %s organization from deploying',
    async (billingStatus) => {
      const org = await h.org(`rules-${billingStatus}`);
      const agent = await h.ok(h.admin(), 'agents.create', {
        organizationId: org.id,
        name: 'Idle',
        systemPrompt: 'p',
      });
      await h.ok(h.admin(), 'organizations.update', { id: org.id, version: 1, billingStatus });
      const deploy = await h.call(h.admin(), 'agents.transition', {
        organizationId: org.id,
        id: agent.id,
        version: agent.version,
        event: 'deploy',
      });
      expect(deploy).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.stringMatching(billingStatus) },
      });
    },
  );

  it('still lets a suspended organization pause its agents', async () => {
    const org = await h.org('rules-pause');
    let agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Busy',
      systemPrompt: 'p',
    });
    for (const event of ['deploy', 'activate'] as const) {
      agent = await h.ok(h.admin(), 'agents.transition', {
        organizationId: org.id,
        id: agent.id,
        version: agent.version,
        event,
      });
    }
    await h.ok(h.admin(), 'organizations.update', {
      id: org.id,
      version: 1,
      billingStatus: 'suspended',
    });
    const paused = await h.ok(h.admin(), 'agents.transition', {
      organizationId: org.id,
      id: agent.id,
      version: agent.version,
      event: 'pause',
    });
    expect(paused.status).toBe('paused');
  });

  it('deletes an organization only when the slug is retyped', async () => {
    const org = await h.org('rules-delete');
    const wrong = await h.call(h.admin(), 'organizations.delete', {
      id: org.id,
      confirmSlug: 'rules-delet',
    });
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { confirmSlug: expect.any(String) } },
    });
    await h.ok(h.admin(), 'organizations.delete', { id: org.id, confirmSlug: 'rules-delete' });
    expect(await h.db.sql("select 1 from pg_namespace where nspname = 'org_rules-delete'")).toEqual(
      [],
    );
  });

  it('keeps the agent count in step with deletes', async () => {
    const org = await h.org('rules-count');
    const agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Short-lived',
      systemPrompt: 'p',
    });
    await h.ok(h.admin(), 'agents.delete', { organizationId: org.id, id: agent.id });
    expect((await h.ok(h.admin(), 'organizations.get', { id: org.id })).agentCount).toBe(0);
  });

  it('pages, sorts and searches organizations in SQL', async () => {
    for (const slug of ['zeta-search', 'alpha-search', 'mid-search']) await h.org(slug);
    const page = await h.ok(h.admin(), 'organizations.list', {
      page: 1,
      pageSize: 2,
      sort: '-slug',
      search: 'search',
    });
    expect(page.total).toBe(3);
    expect(page.items.map((o) => o.slug)).toEqual(['zeta-search', 'mid-search']);
    const next = await h.ok(h.admin(), 'organizations.list', {
      page: 2,
      pageSize: 2,
      sort: '-slug',
      search: 'search',
    });
    expect(next.items.map((o) => o.slug)).toEqual(['alpha-search']);
  });

  it('treats % and _ in a search literally', async () => {
    const page = await h.ok(h.admin(), 'organizations.list', {
      page: 1,
      pageSize: 50,
      search: '%',
    });
    expect(page.total).toBe(0);
  });

  it('filters agents by status', async () => {
    const org = await h.org('rules-filter');
    const a = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Deployed',
      systemPrompt: 'p',
    });
    await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Draft',
      systemPrompt: 'p',
    });
    await h.ok(h.admin(), 'agents.transition', {
      organizationId: org.id,
      id: a.id,
      version: a.version,
      event: 'deploy',
    });
    const page = await h.ok(h.admin(), 'agents.list', {
      organizationId: org.id,
      status: 'deploying',
      page: 1,
      pageSize: 10,
    });
    expect(page.items.map((x) => x.name)).toEqual(['Deployed']);
  });
});
