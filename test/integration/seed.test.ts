import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src-main/services/demo-data.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asSystem } from '../support/services.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('demo seed', () => {
  it('loads the spec demo data on the first run', async () => {
    const report = await seedDemoData(db.orm.em, asSystem(db));
    expect(report.present).toEqual([]);
    expect(report.created).toHaveLength(6);

    expect(await db.sql('select name, slug, tier, agent_limit from organizations')).toEqual([
      { name: 'Demo Company', slug: 'demo', tier: 'pro', agent_limit: 999 },
    ]);
    const [admin] = await db.sql<{
      email: string;
      role: string;
      confirmed_at: Date | null;
      hashed_password: string;
    }>('select email, role, confirmed_at, hashed_password from users');
    expect(admin).toMatchObject({ email: 'admin@demo.com', role: 'admin' });
    expect(admin?.confirmed_at).not.toBeNull();
    expect(admin?.hashed_password.startsWith('$2')).toBe(true);
    expect(
      await db.sql('select slug, tier_required, tools, is_official from skills order by slug'),
    ).toEqual([
      {
        slug: 'code-analysis',
        tier_required: 'pro',
        tools: ['ast_parse', 'static_analysis'],
        is_official: true,
      },
      {
        slug: 'customer-communication',
        tier_required: 'free',
        tools: ['send_email', 'send_sms'],
        is_official: true,
      },
      {
        slug: 'web-research',
        tier_required: 'free',
        tools: ['web_search', 'web_fetch'],
        is_official: true,
      },
    ]);
    expect(await db.sql('select name, status, config from org_demo.agents')).toEqual([
      {
        name: 'Research Assistant',
        status: 'draft',
        config: { model: 'claude-sonnet-4', max_tokens: 4096, temperature: 0.7 },
      },
    ]);
  });

  it('adds and changes nothing on a second run, and says what was present', async () => {
    const before = await db.sql('select * from users, organizations, skills order by 1');
    const report = await seedDemoData(db.orm.em, asSystem(db));
    expect(report.created).toEqual([]);
    expect(report.present).toHaveLength(6);
    expect(await db.sql('select * from users, organizations, skills order by 1')).toEqual(before);
    expect(await db.sql('select count(*)::int as n from org_demo.agents')).toEqual([{ n: 1 }]);
  });
});
