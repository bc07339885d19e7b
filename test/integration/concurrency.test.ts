import { describe, expect, it } from 'vitest';
import {
  allowedAgentEvents,
  nextAgentStatus,
  type AgentEvent,
} from '../../src-shared/domain/agent-machine.ts';
import { adminHarness } from '../support/harness.ts';
import { secondConsole } from '../support/second-console.ts';
import { recordConcurrentScenario } from '../support/tally.ts';

const h = adminHarness('conc');

const codes = (results: { ok: boolean; error?: { code: string } }[]) =>
  results.map((r) => (r.ok ? 'ok' : r.error?.code)).sort();

describe('concurrent writes on real PostgreSQL', () => {
  it('creates exactly 3 of 10 concurrent agents on a free organization', async () => {
    const free = await h.org('conc-free', 'free');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.call(h.admin(), 'agents.create', {
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
        h.call(h.admin(), 'organizations.create', {
          name: `Twin ${n}`,
          slug: 'twin',
          tier: 'free',
        }),
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
        h.call(h.admin(), 'organizations.update', { id: org.id, version: 1, name }),
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
    const agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Shared',
      systemPrompt: 'p',
    });
    const results = await Promise.all(
      ['one', 'two'].map((description) =>
        h.call(h.admin(), 'agents.update', {
          organizationId: org.id,
          id: agent.id,
          version: agent.version,
          description,
        }),
      ),
    );
    expect(codes(results)).toEqual(['CONFLICT', 'ok']);
  });

  it('gives 1 success and 19 CONFLICT for 20 creates of one slug, with no orphan schema', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        h.call(h.admin(), 'organizations.create', {
          name: `Crowd ${n}`,
          slug: 'crowd',
          tier: 'free',
        }),
      ),
    );
    expect(codes(results)).toEqual([...Array(19).fill('CONFLICT'), 'ok']);
    expect(
      await h.db.sql("select nspname from pg_namespace where nspname like 'org_crowd%'"),
    ).toEqual([{ nspname: 'org_crowd' }]);
    recordConcurrentScenario();
  });

  it('creates exactly 3 of 20 concurrent agents on a free organization', async () => {
    const free = await h.org('conc-twenty', 'free');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.call(h.admin(), 'agents.create', {
          organizationId: free.id,
          name: `R${i}`,
          systemPrompt: 'p',
        }),
      ),
    );
    expect(codes(results).filter((c) => c === 'ok')).toHaveLength(3);
    expect(await h.db.sql('select count(*)::int as n from "org_conc-twenty".agents')).toEqual([
      { n: 3 },
    ]);
    recordConcurrentScenario();
  });

  it('never lets parallel transitions on one agent break the machine, and the history matches the final state', async () => {
    const org = await h.org('conc-machine');
    const agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Contested',
      systemPrompt: 'p',
    });
    const events: AgentEvent[] = ['deploy', 'activate', 'pause', 'resume', 'fail', 'redeploy'];
    for (let round = 0; round < 6; round++) {
      const current = await h.ok(h.admin(), 'agents.get', { organizationId: org.id, id: agent.id });
      const results = await Promise.all(
        events.map((event) =>
          h.call(h.admin(), 'agents.transition', {
            organizationId: org.id,
            id: agent.id,
            version: current.version,
            event,
          }),
        ),
      );
      // every status accepts some event: exactly one of the six wins; the rest see the new
      // version (CONFLICT) or were not allowed from the old status (INVALID_TRANSITION)
      expect(codes(results).filter((c) => c === 'ok')).toHaveLength(1);
      expect(
        codes(results).filter((c) => c !== 'ok' && c !== 'CONFLICT' && c !== 'INVALID_TRANSITION'),
      ).toEqual([]);
    }
    const history = await h.ok(h.admin(), 'agents.history', {
      organizationId: org.id,
      id: agent.id,
    });
    expect(history.transitions).toHaveLength(6);
    let status = 'draft' as Parameters<typeof nextAgentStatus>[0];
    for (const step of history.transitions) {
      expect(step.from).toBe(status);
      expect(nextAgentStatus(step.from, step.event)).toBe(step.to);
      status = step.to;
    }
    expect(history.status).toBe(status);
    expect(history.allowedEvents).toEqual(allowedAgentEvents(status));
    recordConcurrentScenario();
  });

  it('never leaves more agents than the limit when tier changes and agent creates race', async () => {
    const org = await h.org('conc-tiers', 'pro');
    for (const n of [1, 2])
      await h.ok(h.admin(), 'agents.create', {
        organizationId: org.id,
        name: `Base ${n}`,
        systemPrompt: 'p',
      });
    for (let round = 0; round < 3; round++) {
      const { version } = await h.ok(h.admin(), 'organizations.get', { id: org.id });
      await Promise.all([
        h.call(h.admin(), 'organizations.changeTier', {
          id: org.id,
          version,
          tier: round % 2 === 0 ? 'free' : 'pro',
        }),
        ...Array.from({ length: 4 }, (_, i) =>
          h.call(h.admin(), 'agents.create', {
            organizationId: org.id,
            name: `Race ${round}-${i}`,
            systemPrompt: 'p',
          }),
        ),
      ]);
      const [row] = await h.db.sql<{ agent_count: number; agent_limit: number }>(
        'select agent_count, agent_limit from organizations where id = $1',
        [org.id],
      );
      const [actual] = await h.db.sql<{ n: number }>(
        'select count(*)::int as n from "org_conc-tiers".agents',
      );
      expect(row!.agent_count).toBe(actual!.n);
      expect(actual!.n).toBeLessThanOrEqual(row!.agent_limit);
    }
    recordConcurrentScenario();
  });
});

describe('two consoles on one database', () => {
  /**
   * Each round, two edits of one record from the same version, one through
   * each console (its own pool and sessions) at once: one wins, the other
   * is answered CONFLICT, and the record holds the winner's edit.
   */
  async function race<C extends 'agents.update' | 'organizations.update'>(
    channel: C,
    edits: (round: number) => Promise<[Record<string, unknown>, Record<string, unknown>]>,
    stored: (round: number) => Promise<{ name: string; version: number } | undefined>,
  ) {
    const admin = await h.user(h.homeId, 'admin', `${channel}@two-consoles.test`);
    const other = await secondConsole(h.db);
    try {
      for (let round = 0; round < 5; round++) {
        const [one, two] = await edits(round);
        const there = await other.slotFor(admin);
        const results = await Promise.all([
          h.call(h.slotFor(admin.id), channel, one),
          other.router.dispatch(there, channel, two),
        ]);
        expect(codes(results)).toEqual(['CONFLICT', 'ok']);
        const winner = results[0].ok ? one : two;
        expect(await stored(round)).toEqual({
          name: winner.name,
          version: (winner.version as number) + 1,
        });
      }
    } finally {
      await other.close();
    }
  }

  it('let one of two simultaneous edits of one agent win, and answer the other CONFLICT', async () => {
    const org = await h.org('conc-consoles');
    const ids: string[] = [];
    await race(
      'agents.update',
      async (round) => {
        const { id, version } = await h.ok(h.admin(), 'agents.create', {
          organizationId: org.id,
          name: `Contested ${round}`,
          systemPrompt: 'p',
        });
        ids[round] = id;
        const edit = (console: string) => ({ organizationId: org.id, id, version, name: console });
        return [edit('From console one'), edit('From console two')];
      },
      async (round) =>
        (
          await h.db.sql<{ name: string; version: number }>(
            'select name, lock_version as version from "org_conc-consoles".agents where id = $1',
            [ids[round]],
          )
        )[0],
    );
    recordConcurrentScenario();
  });

  it('let one of two simultaneous edits of one organization win, and answer the other CONFLICT', async () => {
    const org = await h.org('conc-consoles-org');
    await race(
      'organizations.update',
      async (round) => {
        const { version } = await h.ok(h.admin(), 'organizations.get', { id: org.id });
        const edit = (console: string) => ({ id: org.id, version, name: `${round} ${console}` });
        return [edit('from console one'), edit('from console two')];
      },
      async () =>
        (
          await h.db.sql<{ name: string; version: number }>(
            'select name, version from organizations where id = $1',
            [org.id],
          )
        )[0],
    );
    recordConcurrentScenario();
  });
});
