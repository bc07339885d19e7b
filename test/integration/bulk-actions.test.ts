import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { adminHarness } from '../support/harness.ts';

const h = adminHarness('bulk');

async function agents(organizationId: string, names: string[]) {
  const made = [];
  for (const name of names)
    made.push(await h.ok(h.admin(), 'agents.create', { organizationId, name, systemPrompt: 'p' }));
  return made;
}

describe('bulk actions', () => {
  it('applies one transition to many agents and answers per agent: done, or why not', async () => {
    const org = await h.org('bulk-mixed');
    const [a, b, c] = await agents(org.id, ['Alpha', 'Bravo', 'Charlie']);
    if (!a || !b || !c) throw new Error('agents not created');
    await h.ok(h.admin(), 'agents.transition', {
      organizationId: org.id,
      id: c.id,
      version: c.version,
      event: 'deploy',
    });
    const missing = randomUUID();
    const result = await h.ok(h.admin(), 'agents.transitionMany', {
      organizationId: org.id,
      ids: [a.id, b.id, c.id, missing],
      event: 'deploy',
    });
    expect(result).toMatchObject({ done: 2, refused: 2 });
    expect(result.results).toEqual([
      expect.objectContaining({ id: a.id, label: 'Alpha', outcome: 'done', status: 'deploying' }),
      expect.objectContaining({ id: b.id, label: 'Bravo', outcome: 'done', status: 'deploying' }),
      expect.objectContaining({
        id: c.id,
        label: 'Charlie',
        outcome: 'refused',
        error: expect.objectContaining({ code: 'INVALID_TRANSITION' }),
      }),
      expect.objectContaining({
        id: missing,
        label: null,
        outcome: 'refused',
        error: expect.objectContaining({ code: 'NOT_FOUND' }),
      }),
    ]);
  });

  it('records each bulk step in the agent history', async () => {
    const org = await h.org('bulk-history');
    const [a] = await agents(org.id, ['Solo']);
    if (!a) throw new Error('agent not created');
    await h.ok(h.admin(), 'agents.transitionMany', {
      organizationId: org.id,
      ids: [a.id],
      event: 'deploy',
    });
    const history = await h.ok(h.admin(), 'agents.history', { organizationId: org.id, id: a.id });
    expect(history.transitions.map((t) => [t.from, t.to, t.actorLabel])).toEqual([
      ['draft', 'deploying', 'admin@bulk.test'],
    ]);
  });

  it('refuses every serving event of a suspended organization, row by row', async () => {
    const org = await h.org('bulk-suspended');
    const made = await agents(org.id, ['One', 'Two']);
    await h.ok(h.admin(), 'organizations.update', {
      id: org.id,
      version: 1,
      billingStatus: 'suspended',
    });
    const result = await h.ok(h.admin(), 'agents.transitionMany', {
      organizationId: org.id,
      ids: made.map((a) => a.id),
      event: 'deploy',
    });
    expect(result).toMatchObject({ done: 0, refused: 2 });
    expect(result.results.every((r) => r.error?.code === 'FORBIDDEN')).toBe(true);
  });

  it('confirms many users at once and reports the ones it could not', async () => {
    const org = await h.org('bulk-users');
    const ids: string[] = [];
    for (const email of ['a@bulk-users.test', 'b@bulk-users.test']) {
      const user = await h.ok(h.admin(), 'users.create', {
        organizationId: org.id,
        email,
        name: 'New',
        password: 'correct horse battery',
      });
      expect(user.confirmedAt).toBeNull();
      ids.push(user.id);
    }
    const missing = randomUUID();
    const result = await h.ok(h.admin(), 'users.confirmMany', { ids: [...ids, missing] });
    expect(result).toMatchObject({ done: 2, refused: 1 });
    expect(result.results.map((r) => [r.label, r.outcome])).toEqual([
      ['a@bulk-users.test', 'done'],
      ['b@bulk-users.test', 'done'],
      [null, 'refused'],
    ]);
    for (const id of ids)
      expect((await h.ok(h.admin(), 'users.get', { id })).confirmedAt).not.toBeNull();
  });

  it('refuses a bulk action on more than 200 rows before doing any', async () => {
    const ids = Array.from({ length: 201 }, () => randomUUID());
    const result = await h.call(h.admin(), 'users.confirmMany', { ids });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
