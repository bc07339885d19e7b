import { beforeAll, describe, expect, it } from 'vitest';
import { adminHarness } from '../support/harness.ts';

/*
 * The lists the Fleet overview's figures open: organizations by tier and by
 * billing status, agents by status across the fleet. Each holds exactly
 * what the figure counted.
 */

const h = adminHarness('fleetl', 'fleetl-home');
let enterpriseId: string;
let errorAgent: string;
let fullId: string;

beforeAll(async () => {
  enterpriseId = (await h.org('fleetl-ent', 'enterprise')).id;
  const draft = await h.ok(h.admin(), 'agents.create', {
    organizationId: h.homeId,
    name: 'Link Draft',
    systemPrompt: 'Help.',
  });
  const failing = await h.ok(h.admin(), 'agents.create', {
    organizationId: enterpriseId,
    name: 'Link Failing',
    systemPrompt: 'Help.',
  });
  errorAgent = failing.id;
  let version = failing.version;
  for (const event of ['deploy', 'fail'] as const) {
    version = (
      await h.ok(h.admin(), 'agents.transition', {
        organizationId: enterpriseId,
        id: failing.id,
        version,
        event,
      })
    ).version;
  }
  fullId = (await h.org('fleetl-full', 'free')).id;
  for (const name of ['Full One', 'Full Two', 'Full Three']) {
    await h.ok(h.admin(), 'agents.create', { organizationId: fullId, name, systemPrompt: 'Help.' });
  }
  expect(draft.status).toBe('draft');
  // suspended last: a suspended organization's agents cannot deploy
  const pro = await h.ok(h.admin(), 'organizations.get', { id: enterpriseId });
  await h.ok(h.admin(), 'organizations.update', {
    id: enterpriseId,
    version: pro.version,
    billingStatus: 'suspended',
  });
});

describe('the organizations a Fleet figure counts', () => {
  it('by tier: only that tier', async () => {
    const page = await h.ok(h.admin(), 'organizations.list', { tier: 'enterprise' });
    expect(page.items.map((o) => o.id)).toEqual([enterpriseId]);
  });

  it('by billing status: only that status', async () => {
    const page = await h.ok(h.admin(), 'organizations.list', { billingStatus: 'suspended' });
    expect(page.items.map((o) => o.id)).toEqual([enterpriseId]);
    expect(page.total).toBe(1);
  });

  it('at their agent limit: only those with every agent their tier allows', async () => {
    const page = await h.ok(h.admin(), 'organizations.list', { agentLimit: 'reached' });
    expect(page.items.map((o) => o.id)).toEqual([fullId]);
  });

  it('agree with the overview’s counts', async () => {
    const overview = await h.ok(h.admin(), 'fleet.overview', {});
    const reached = await h.ok(h.admin(), 'organizations.list', { agentLimit: 'reached' });
    expect(reached.total).toBe(overview.atLimit);
    const near = await h.ok(h.admin(), 'organizations.list', { agentLimit: 'near' });
    expect(near.total).toBe(overview.nearLimitCount);
    const trial = await h.ok(h.admin(), 'organizations.list', { billingStatus: 'trial' });
    expect(trial.total).toBe(overview.organizations.byBillingStatus.trial);
    const pro = await h.ok(h.admin(), 'organizations.list', { tier: 'pro' });
    expect(pro.total).toBe(overview.organizations.byTier.pro);
  });

  it('near or at an agent limit of 0: neither, in the overview or its lists', async () => {
    const none = await h.org('fleetl-none', 'free');
    // no tier has it; a limit set by hand in the database
    await h.db.sql('update organizations set agent_limit = 0 where id = $1', [none.id]);
    const overview = await h.ok(h.admin(), 'fleet.overview', {});
    expect(overview.nearLimit.map((o) => o.organizationId)).not.toContain(none.id);
    for (const agentLimit of ['reached', 'near'] as const) {
      const page = await h.ok(h.admin(), 'organizations.list', { agentLimit, pageSize: 100 });
      expect(page.items.map((o) => o.id)).not.toContain(none.id);
      expect(page.total).toBe(
        agentLimit === 'reached' ? overview.atLimit : overview.nearLimitCount,
      );
    }
  });
});

describe('the agents a Fleet status segment counts', () => {
  it('are found by status alone, across organizations', async () => {
    const page = await h.ok(h.admin(), 'fleet.searchAgents', { status: 'error' });
    expect(page.items.map((a) => [a.agentId, a.organizationName])).toEqual([
      [errorAgent, 'Org fleetl-ent'],
    ]);
  });

  it('agree with the overview’s count for that status', async () => {
    const overview = await h.ok(h.admin(), 'fleet.overview', {});
    const page = await h.ok(h.admin(), 'fleet.searchAgents', { status: 'draft' });
    expect(page.total).toBe(overview.agents.byStatus.draft);
  });

  it('narrow by name and status together', async () => {
    const page = await h.ok(h.admin(), 'fleet.searchAgents', { query: 'Link', status: 'draft' });
    expect(page.items.map((a) => a.name)).toEqual(['Link Draft']);
  });

  it('are asked for with a name or a status: neither is a VALIDATION naming the query', async () => {
    const result = await h.call(h.admin(), 'fleet.searchAgents', { query: '  ' });
    expect(result.ok ? null : result.error.code).toBe('VALIDATION');
    expect(result.ok ? null : result.error.fields).toEqual({ query: 'is required' });
  });
});
