import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetEvent } from '../../src-shared/channels.ts';
import { AGENT_STATUSES } from '../../src-shared/domain/agent-machine.ts';
import { listening } from '../support/listening.ts';
import { openRuntime, type Runtime } from '../../src-main/runtime.ts';
import { adminHarness } from '../support/harness.ts';

/*
 * The fleet from public alone: the overview and the cross-tenant search read
 * public.agent_index and the organizations, which every tenant write keeps
 * exact in its own transaction; recount repairs drift; every committed write
 * is announced by NOTIFY to every console on the database.
 */
const h = adminHarness('fleet');

/** What the tenant schemas themselves hold: agents per status, every organization's rows read. */
async function countedFromSchemas(): Promise<Record<string, number>> {
  const orgs = await h.db.sql<{ slug: string }>('select slug from organizations');
  const counts = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0]));
  for (const { slug } of orgs) {
    const rows = await h.db.sql<{ status: string; n: number }>(
      `select status, count(*)::int as n from "org_${slug}".agents group by status`,
    );
    for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + row.n;
  }
  return counts;
}

describe('the fleet overview', () => {
  it('equals the counts taken from the tenant schemas after a mixed, partly concurrent workload', async () => {
    const admin = h.admin();
    const orgs = [];
    for (const n of [1, 2, 3]) {
      orgs.push(
        await h.ok(admin, 'organizations.create', {
          name: `Mix ${n}`,
          slug: `mix-${n}`,
          tier: 'pro',
        }),
      );
    }
    const [a, b, c] = orgs as [(typeof orgs)[number], (typeof orgs)[number], (typeof orgs)[number]];
    // concurrent creates in two organizations
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        h.ok(h.admin(), 'agents.create', {
          organizationId: i % 2 ? a.id : b.id,
          name: `Worker ${i}`,
          systemPrompt: 'p',
        }),
      ),
    );
    // concurrent transitions of six agents, and a race on one of them: one wins, the rest CONFLICT
    await Promise.all(
      created.slice(0, 6).map((agent) =>
        h.call(admin, 'agents.transition', {
          organizationId: agent.organizationId,
          id: agent.id,
          version: agent.version,
          event: 'deploy',
        }),
      ),
    );
    const contested = created[5]!;
    const { version } = await h.ok(admin, 'agents.get', {
      organizationId: contested.organizationId,
      id: contested.id,
    });
    const race = await Promise.all(
      Array.from({ length: 4 }, () =>
        h.call(h.admin(), 'agents.transition', {
          organizationId: contested.organizationId,
          id: contested.id,
          version,
          event: 'activate',
        }),
      ),
    );
    expect(race.map((r) => (r.ok ? 'ok' : r.error.code)).sort()).toEqual([
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'ok',
    ]);
    // an agent of the organization that stays, deployed above
    const first = created[3]!;
    const deployed = await h.ok(admin, 'agents.get', {
      organizationId: first.organizationId,
      id: first.id,
    });
    await h.ok(admin, 'agents.transition', {
      organizationId: first.organizationId,
      id: first.id,
      version: deployed.version,
      event: 'fail',
    });
    await h.ok(admin, 'agents.delete', {
      organizationId: created[1]!.organizationId,
      id: created[1]!.id,
    });
    // an import, a tier change, an organization deleted with its agents
    const exported = await h.ok(admin, 'agents.export', {
      organizationId: a.id,
      ids: created
        .filter((x) => x.organizationId === a.id && x.id !== created[1]!.id)
        .slice(0, 2)
        .map((x) => x.id),
    });
    await h.ok(admin, 'agents.import', {
      organizationId: c.id,
      document: exported,
      onConflict: 'rename',
    });
    await h.ok(admin, 'organizations.changeTier', {
      id: c.id,
      version: c.version,
      tier: 'enterprise',
    });
    await h.ok(admin, 'agents.create', { organizationId: b.id, name: 'Doomed', systemPrompt: 'p' });
    await h.ok(admin, 'organizations.delete', { id: b.id, confirmSlug: b.slug });

    const overview = await h.ok(admin, 'fleet.overview', {});
    expect(overview.scope).toBe('fleet');
    expect(overview.agents.byStatus).toEqual(await countedFromSchemas());
    const [orgCount] = await h.db.sql<{ n: number }>(
      'select count(*)::int as n from organizations',
    );
    expect(overview.organizations.total).toBe(orgCount!.n);
    expect(overview.agentsInError.map((e) => e.agentId)).toContain(first.id);
  });

  it('shows a developer their own organization only', async () => {
    const own = await h.org('fleet-own', 'free');
    const developer = await h.user(own.id, 'developer', 'dev@fleet-own.test');
    await h.ok(h.admin(), 'agents.create', {
      organizationId: own.id,
      name: 'Mine',
      systemPrompt: 'p',
    });
    const overview = await h.ok(h.slotFor(developer.id), 'fleet.overview', {});
    expect(overview.scope).toBe('organization');
    expect(overview.organizations.total).toBe(1);
    expect(overview.agents.total).toBe(1);
  });

  it('lists the ten newest audit events, a developer only those of their own organization', async () => {
    const admin = h.admin();
    const own = await h.org('fleet-audit-own', 'pro');
    const other = await h.org('fleet-audit-other', 'pro');
    for (const org of [own, other, own, other]) {
      await h.ok(admin, 'agents.create', {
        organizationId: org.id,
        name: 'Noted',
        systemPrompt: 'p',
      });
    }
    const newest = await h.db.sql<{ id: string; at: Date; organization_id: string | null }>(
      'select id::text, at, organization_id from audit_events order by at desc, id desc limit 10',
    );
    const overview = await h.ok(admin, 'fleet.overview', {});
    expect(overview.latestAudit.map((e) => [e.id, e.at, e.organizationId])).toEqual(
      newest.map((e) => [e.id, e.at.toISOString(), e.organization_id]),
    );
    expect(overview.latestAudit[0]).toMatchObject({
      action: 'agents.create',
      targetType: 'agent',
      organizationId: other.id,
    });

    const developer = await h.user(own.id, 'developer', 'dev@fleet-audit-own.test');
    const theirs = await h.ok(h.slotFor(developer.id), 'fleet.overview', {});
    expect(theirs.latestAudit.length).toBeGreaterThanOrEqual(2);
    expect(new Set(theirs.latestAudit.map((e) => e.organizationId))).toEqual(new Set([own.id]));
  });

  it('lists no audit events for a user-role account, which has no audit log', async () => {
    const own = await h.org('fleet-audit-user', 'pro');
    await h.ok(h.admin(), 'agents.create', {
      organizationId: own.id,
      name: 'Seen',
      systemPrompt: 'p',
    });
    const user = await h.user(own.id, 'user', 'user@fleet-audit-user.test');
    const overview = await h.ok(h.slotFor(user.id), 'fleet.overview', {});
    expect(overview.agents.total).toBe(1);
    expect(overview.latestAudit).toEqual([]);
  });

  it('counts every organization near its agent limit while listing only the fullest twenty', async () => {
    const admin = h.admin();
    for (let n = 0; n < 21; n++) {
      const org = await h.org(`full-${n}`, 'free');
      for (const name of ['One', 'Two', 'Three']) {
        await h.ok(admin, 'agents.create', { organizationId: org.id, name, systemPrompt: 'p' });
      }
    }
    const [expected] = await h.db.sql<{ near: number; at: number }>(
      `select count(*) filter (where agent_count >= ceil(agent_limit * 0.8))::int as near,
              count(*) filter (where agent_count >= agent_limit)::int as at
         from organizations where agent_limit > 0`,
    );
    const overview = await h.ok(admin, 'fleet.overview', {});
    expect(overview.nearLimit).toHaveLength(20);
    expect(overview.nearLimitCount).toBe(expected!.near);
    expect(overview.nearLimitCount).toBeGreaterThanOrEqual(21);
    expect(overview.atLimit).toBe(expected!.at);
  });
});

describe('recount', () => {
  it('finds drift injected behind the console’s back, names the organization, and repairs it', async () => {
    const org = await h.org('drifty', 'pro');
    for (const name of ['One', 'Two']) {
      await h.ok(h.admin(), 'agents.create', { organizationId: org.id, name, systemPrompt: 'p' });
    }
    await h.db.sql(
      `insert into "org_drifty".agents (name, system_prompt, status) values ('Sneaky', 'p', 'error')`,
    );
    await h.db.sql(`update "org_drifty".agents set name = 'Renamed' where name = 'One'`);
    await h.db.sql('update organizations set agent_count = 7 where id = $1', [org.id]);

    const result = await h.ok(h.admin(), 'tenancy.recount', {});
    expect(result.drifted).toEqual([
      {
        organizationId: org.id,
        slug: 'drifty',
        agentCount: { from: 7, to: 3 },
        index: { missing: 1, extra: 0, changed: 1 },
        byStatus: {
          from: { draft: 2, deploying: 0, active: 0, paused: 0, error: 0 },
          to: { draft: 2, deploying: 0, active: 0, paused: 0, error: 1 },
        },
      },
    ]);
    const found = await h.ok(h.admin(), 'fleet.searchAgents', { query: 'Sneaky' });
    expect(found.items.map((a) => a.name)).toEqual(['Sneaky']);
    expect((await h.ok(h.admin(), 'tenancy.recount', {})).drifted).toEqual([]);
  });

  it('repairs per-status counts that drifted while the index itself stayed right', async () => {
    const org = await h.org('counts-drift', 'pro');
    await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'A',
      systemPrompt: 'p',
    });
    await h.db.sql('update organizations set agents_draft = 0, agents_error = 4 where id = $1', [
      org.id,
    ]);

    const [drift] = (await h.ok(h.admin(), 'tenancy.recount', {})).drifted;
    expect(drift?.slug).toBe('counts-drift');
    expect(drift?.index).toEqual({ missing: 0, extra: 0, changed: 0 });
    expect(drift?.byStatus.to).toMatchObject({ draft: 1, error: 0 });
    const overview = await h.ok(h.admin(), 'fleet.overview', {});
    expect(overview.agents.byStatus).toEqual(await countedFromSchemas());
  });
});

describe('search across tenants', () => {
  it('finds an agent in another organization for an administrator, never for a developer of a different one', async () => {
    const far = await h.org('far-away', 'pro');
    await h.ok(h.admin(), 'agents.create', {
      organizationId: far.id,
      name: 'Lighthouse',
      systemPrompt: 'p',
    });
    const near = await h.org('near-by', 'pro');
    const developer = await h.user(near.id, 'developer', 'dev@near-by.test');

    const forAdmin = await h.ok(h.admin(), 'fleet.searchAgents', { query: 'ighthous' });
    expect(forAdmin.items).toEqual([
      expect.objectContaining({
        name: 'Lighthouse',
        organizationId: far.id,
        organizationSlug: 'far-away',
      }),
    ]);
    const forDeveloper = await h.ok(h.slotFor(developer.id), 'fleet.searchAgents', {
      query: 'ighthous',
    });
    expect(forDeveloper).toMatchObject({ items: [], total: 0 });
  });

  it('treats % and _ in the query as letters', async () => {
    const found = await h.ok(h.admin(), 'fleet.searchAgents', { query: '%' });
    expect(found.total).toBe(0);
  });
});

describe('changes announced between consoles', () => {
  it("lets two consoles (two runtimes, two routers) on one database hear each other's writes", async () => {
    const homes = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'fleetprompt-live-'))));
    const heard: [FleetEvent[], FleetEvent[]] = [[], []];
    const consoles = await Promise.all(
      homes.map((home, i) =>
        openRuntime({
          dataDir: home,
          env: { DATABASE_URL: h.db.url },
          onEvent: (event) => heard[i as 0 | 1].push(event),
        }),
      ),
    );
    try {
      const [first, second] = consoles as [Runtime, Runtime];
      await new Promise((resolve) => setTimeout(resolve, 300));
      const org = await first.router.system('organizations.create', {
        name: 'Shared',
        slug: 'shared-live',
        tier: 'free',
      });
      const agent = await second.router.system('agents.create', {
        organizationId: org.id,
        name: 'Both see me',
        systemPrompt: 'p',
      });
      const changed = (events: FleetEvent[], id: string) =>
        events.some((e) => e.type === 'change' && e.id === id);
      await expect.poll(() => changed(heard[1], org.id)).toBe(true);
      await expect.poll(() => changed(heard[0], agent.id)).toBe(true);
    } finally {
      await Promise.all(consoles.map((c) => c.close()));
      await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
    }
  });

  it('reaches a second console listening on the same database, after the commit only', async () => {
    const { heard, listener } = await listening(h.db.url);
    try {
      const org = await h.org('announced', 'free');
      const agent = await h.ok(h.admin(), 'agents.create', {
        organizationId: org.id,
        name: 'Loud',
        systemPrompt: 'p',
      });
      // a refused write announces nothing
      await h.call(h.admin(), 'agents.update', {
        organizationId: org.id,
        id: agent.id,
        version: 99,
        name: 'Never',
      });
      await h.ok(h.admin(), 'agents.update', {
        organizationId: org.id,
        id: agent.id,
        version: agent.version,
        name: 'Louder',
      });
      await expect.poll(() => heard.filter((c) => c.id === agent.id).length).toBe(2);
      expect(heard.filter((c) => c.id === agent.id)).toEqual([
        {
          kind: 'agent',
          id: agent.id,
          organizationId: org.id,
          version: 1,
          action: 'agents.create',
        },
        {
          kind: 'agent',
          id: agent.id,
          organizationId: org.id,
          version: 2,
          action: 'agents.update',
        },
      ]);
      expect(JSON.stringify(heard)).not.toMatch(/systemPrompt|password|Louder/);
    } finally {
      await listener.close();
    }
  });

  it('never announces a write rolled back at commit, after its NOTIFY was sent in its transaction', async () => {
    const { heard, listener } = await listening(h.db.url);
    const org = await h.org('unheard', 'free');
    const agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Quiet',
      systemPrompt: 'p',
    });
    // a deferred constraint trigger runs at COMMIT, after the channel's audit row and NOTIFY
    await h.db.sql(`create function "org_unheard".fail_at_commit() returns trigger
      language plpgsql as $$ begin raise exception 'injected fault at commit'; end $$`);
    await h.db
      .sql(`create constraint trigger injected_commit_fault after update on "org_unheard".agents
      deferrable initially deferred for each row when (new.name = 'Rolled back')
      execute function "org_unheard".fail_at_commit()`);
    try {
      const failed = await h.call(h.admin(), 'agents.update', {
        organizationId: org.id,
        id: agent.id,
        version: agent.version,
        name: 'Rolled back',
      });
      expect(failed.ok).toBe(false);
      expect(h.errors.map(String).join('\n')).toContain('injected fault at commit');
      const [row] = await h.db.sql<{ name: string }>(
        'select name from "org_unheard".agents where id = $1',
        [agent.id],
      );
      expect(row?.name).toBe('Quiet');
      // heard in commit order: once the next write is heard, the rolled-back one never will be
      await h.ok(h.admin(), 'agents.update', {
        organizationId: org.id,
        id: agent.id,
        version: agent.version,
        name: 'Committed',
      });
      const changes = () => heard.filter((c) => c.id === agent.id);
      await expect.poll(() => changes().some((c) => c.version === agent.version + 1)).toBe(true);
      expect(changes()).toEqual([
        {
          kind: 'agent',
          id: agent.id,
          organizationId: org.id,
          version: agent.version,
          action: 'agents.create',
        },
        {
          kind: 'agent',
          id: agent.id,
          organizationId: org.id,
          version: agent.version + 1,
          action: 'agents.update',
        },
      ]);
    } finally {
      await h.db.sql('drop trigger injected_commit_fault on "org_unheard".agents');
      await h.db.sql('drop function "org_unheard".fail_at_commit()');
      await listener.close();
    }
  });

  it('sends a window only the changes of organizations it can see', async () => {
    const mine = await h.org('seen', 'free');
    const developer = await h.user(mine.id, 'developer', 'dev@seen.test');
    const slot = h.slotFor(developer.id);
    const change = (organizationId: string) =>
      ({
        type: 'change',
        kind: 'agent',
        id: null,
        organizationId,
        version: null,
        action: 'agents.create',
      }) as const;
    expect(await h.router.mayReceive(slot, change(mine.id))).toBe(true);
    expect(await h.router.mayReceive(slot, change(h.homeId))).toBe(false);
    expect(await h.router.mayReceive({}, change(mine.id))).toBe(false);
  });
});
