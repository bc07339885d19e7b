import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asSystem, input } from '../support/services.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const create = (slug: string, tier?: 'free' | 'pro' | 'enterprise') =>
  asSystem(db)('organizations.create', { name: `Org ${slug}`, slug, ...(tier ? { tier } : {}) });

describe('organizations', () => {
  it('defaults to the free tier with its limits and trial billing', async () => {
    const org = await create('defaults');
    expect(org).toMatchObject({
      tier: 'free',
      billingStatus: 'trial',
      monthlyTokenLimit: 100_000,
      agentLimit: 3,
      workflowLimit: 0,
      version: 1,
    });
  });

  it('applies the tier limits on create', async () => {
    const org = await create('enterprise-co', 'enterprise');
    expect(org).toMatchObject({
      monthlyTokenLimit: 999_999_999,
      agentLimit: 999,
      workflowLimit: 999,
    });
  });

  it('recomputes the limits on a tier change', async () => {
    const org = await create('upgrader');
    const pro = await asSystem(db)('organizations.changeTier', {
      id: org.id,
      version: org.version,
      tier: 'pro',
    });
    expect(pro).toMatchObject({
      tier: 'pro',
      monthlyTokenLimit: 1_000_000,
      agentLimit: 999,
      workflowLimit: 10,
    });
    expect(pro.version).toBe(org.version + 1);
  });

  it('refuses a downgrade that would leave more agents than the new limit, naming the numbers', async () => {
    const org = await create('downgrader', 'pro');
    for (const name of ['a1', 'a2', 'a3', 'a4']) {
      await asSystem(db)('agents.create', { organizationId: org.id, name, systemPrompt: 'p' });
    }
    const attempt = asSystem(db)('organizations.changeTier', {
      id: org.id,
      version: org.version,
      tier: 'free',
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'LIMIT_REACHED',
      message: expect.stringMatching(/4 agents.*allows 3/),
    });
  });

  it('sums the usage of every agent of an organization, not just a first page', async () => {
    const org = await asSystem(db)('organizations.create', {
      name: 'Busy',
      slug: 'busy',
      tier: 'enterprise',
    });
    await db.sql(
      `insert into "org_busy".agents (name, system_prompt, total_tokens_used, total_executions)
       select 'agent ' || n, 'p', 1000, 2 from generate_series(1, 250) n`,
    );
    const usage = await asSystem(db)('organizations.usage', { organizationId: org.id });
    expect(usage).toMatchObject({ agents: 250, totalTokensUsed: 250_000, totalExecutions: 500 });
    expect(usage.topAgents).toHaveLength(12);
  });

  it('rejects a stale version with CONFLICT', async () => {
    const org = await create('stale');
    await asSystem(db)('organizations.changeTier', { id: org.id, version: 1, tier: 'pro' });
    await expect(
      asSystem(db)('organizations.changeTier', { id: org.id, version: 1, tier: 'enterprise' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('gives CONFLICT naming the slug when it is taken, and leaves one schema', async () => {
    await create('taken');
    await expect(create('taken')).rejects.toMatchObject({
      code: 'CONFLICT',
      fields: { slug: 'is already taken' },
    });
    expect(await db.sql("select 1 from pg_namespace where nspname = 'org_taken'")).toHaveLength(1);
  });

  it('rejects SQL-shaped slugs before they reach the database', () => {
    expect(() =>
      input('organizations.create', { name: 'x', slug: 'x"; drop schema public; --' }),
    ).toThrow(
      expect.objectContaining({ code: 'VALIDATION', fields: { slug: expect.any(String) } }),
    );
  });
});
