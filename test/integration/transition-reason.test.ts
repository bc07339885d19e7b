import { describe, expect, it } from 'vitest';
import { adminHarness } from '../support/harness.ts';

/*
 * "Mark failed" takes the operator's reason: it is recorded with the
 * transition in the tenant, answered in the agent's history and written to
 * the audit log with the step.
 */

const h = adminHarness('reason', 'reason-co');

async function activeAgent(name: string) {
  let agent = await h.ok(h.admin(), 'agents.create', {
    organizationId: h.homeId,
    name,
    systemPrompt: 'p',
  });
  for (const event of ['deploy', 'activate'] as const) {
    agent = await h.ok(h.admin(), 'agents.transition', {
      organizationId: h.homeId,
      id: agent.id,
      version: agent.version,
      event,
    });
  }
  return agent;
}

describe('the reason of a transition', () => {
  it('is recorded with the step and answered in the history', async () => {
    const agent = await activeAgent('Reasoned');
    await h.ok(h.admin(), 'agents.transition', {
      organizationId: h.homeId,
      id: agent.id,
      version: agent.version,
      event: 'fail',
      reason: '  Upstream model returns 500s  ',
    });
    const history = await h.ok(h.admin(), 'agents.history', {
      organizationId: h.homeId,
      id: agent.id,
    });
    expect(history.transitions.map((t) => [t.event, t.reason])).toEqual([
      ['deploy', null],
      ['activate', null],
      ['fail', 'Upstream model returns 500s'],
    ]);
  });

  it('is written to the audit log with the status it changed', async () => {
    const agent = await activeAgent('Audited');
    await h.ok(h.admin(), 'agents.transition', {
      organizationId: h.homeId,
      id: agent.id,
      version: agent.version,
      event: 'fail',
      reason: 'Out of credit upstream',
    });
    const log = await h.ok(h.admin(), 'audit.list', {
      organizationId: h.homeId,
      page: 1,
      pageSize: 1,
    });
    expect(log.items[0]).toMatchObject({
      action: 'agents.transition',
      targetId: agent.id,
      changes: {
        status: { from: 'active', to: 'error' },
        reason: { from: null, to: 'Out of credit upstream' },
      },
    });
  });

  it('is recorded for each agent of a bulk step', async () => {
    const agents = [await activeAgent('Bulk one'), await activeAgent('Bulk two')];
    const result = await h.ok(h.admin(), 'agents.transitionMany', {
      organizationId: h.homeId,
      ids: agents.map((a) => a.id),
      event: 'fail',
      reason: 'Region outage',
    });
    expect(result.done).toBe(2);
    for (const agent of agents) {
      const history = await h.ok(h.admin(), 'agents.history', {
        organizationId: h.homeId,
        id: agent.id,
      });
      expect(history.transitions.at(-1)).toMatchObject({ event: 'fail', reason: 'Region outage' });
    }
  });

  it('refuses a blank reason rather than record an empty one', async () => {
    const agent = await activeAgent('Blank');
    const result = await h.call(h.admin(), 'agents.transition', {
      organizationId: h.homeId,
      id: agent.id,
      version: agent.version,
      event: 'fail',
      reason: '   ',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
