import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetChange } from '../../src-shared/channels.ts';
import { listening } from '../support/listening.ts';
import { bindIpc } from '../../src-main/electron/ipc-binding.ts';
import { APP_ORIGIN } from '../../src-main/electron/security.ts';
import { migrateAllTenants } from '../../src-main/db/fan-out.ts';
import { holdMaintenance, withMaintenance } from '../../src-main/db/maintenance.ts';
import { startHeadless, type HeadlessServer } from '../../src-main/headless/server.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { fakeElectron } from '../support/fake-electron.ts';
import { adminHarness, PASSWORD } from '../support/harness.ts';
import { secondConsole } from '../support/second-console.ts';

/*
 * Maintenance: a tenant that refuses writes with its reason and still
 * answers reads; put there by an administrator until turned off, or by an
 * operation for exactly as long as the operation's process lives.
 */

const h = adminHarness('maint');
let developer: { id: string; email: string };

beforeAll(async () => {
  developer = await h.user(h.homeId, 'developer', 'dev@maint.test');
});

const createAgent = (organizationId: string, name = 'Probe') =>
  h.call(h.admin(), 'agents.create', { organizationId, name, systemPrompt: 'p' });

const maintenanceOf = async (id: string) =>
  (await h.ok(h.admin(), 'organizations.get', { id })).maintenance;

describe("an administrator's maintenance", () => {
  it('refuses the tenant its writes with the reason, and still answers its reads', async () => {
    const org = await h.org('maint-manual');
    await h.ok(h.admin(), 'organizations.setMaintenance', {
      id: org.id,
      on: true,
      reason: 'restoring last night’s agents',
    });
    const refused = await createAgent(org.id);
    expect(refused).toMatchObject({ ok: false, error: { code: 'MAINTENANCE' } });
    expect(!refused.ok && refused.error.message).toContain('restoring last night’s agents');
    expect(
      await h.call(h.admin(), 'organizations.update', {
        id: org.id,
        version: (await h.ok(h.admin(), 'organizations.get', { id: org.id })).version,
        name: 'Renamed meanwhile',
      }),
    ).toMatchObject({ ok: false, error: { code: 'MAINTENANCE' } });
    expect(
      await h.call(h.admin(), 'agents.list', { organizationId: org.id, page: 1, pageSize: 10 }),
    ).toMatchObject({ ok: true });
    expect(await maintenanceOf(org.id)).toMatchObject({
      reason: 'restoring last night’s agents',
      byOperation: false,
    });
  });

  it('lets the tenant write again once it is turned off', async () => {
    const org = await h.org('maint-off');
    await h.ok(h.admin(), 'organizations.setMaintenance', { id: org.id, on: true, reason: 'x' });
    await h.ok(h.admin(), 'organizations.setMaintenance', { id: org.id, on: false });
    expect(await createAgent(org.id)).toMatchObject({ ok: true });
    expect(await maintenanceOf(org.id)).toBeNull();
  });

  it('needs a reason to begin', async () => {
    const org = await h.org('maint-reason');
    expect(
      await h.call(h.admin(), 'organizations.setMaintenance', { id: org.id, on: true }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { reason: expect.any(String) } },
    });
    expect(await maintenanceOf(org.id)).toBeNull();
  });

  it('touches only its own tenant', async () => {
    const org = await h.org('maint-one');
    const neighbour = await h.org('maint-neighbour');
    await h.ok(h.admin(), 'organizations.setMaintenance', { id: org.id, on: true, reason: 'x' });
    expect(await createAgent(neighbour.id)).toMatchObject({ ok: true });
  });

  it('is refused to a developer of the tenant', async () => {
    const slot = h.slotFor(developer.id);
    expect(
      await h.call(slot, 'organizations.setMaintenance', { id: h.homeId, on: true, reason: 'x' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe("an operation's maintenance", () => {
  it('refuses writes from another console while the operation runs, and ends with it', async () => {
    const org = await h.org('maint-op');
    const other = await secondConsole(h.db);
    try {
      const admin = await h.user(h.homeId, 'admin', 'admin2@maint.test');
      const otherAdmin = await other.slotFor(admin);
      const during = await withMaintenance(
        h.db.orm.em,
        org.id,
        'being renamed',
        'organizations.setMaintenance',
        () =>
          other.router.dispatch(otherAdmin, 'agents.create', {
            organizationId: org.id,
            name: 'During',
            systemPrompt: 'p',
          }),
      );
      expect(during).toMatchObject({ ok: false, error: { code: 'MAINTENANCE' } });
      expect(!during.ok && during.error.message).toContain('being renamed');
      expect(
        await other.router.dispatch(otherAdmin, 'agents.create', {
          organizationId: org.id,
          name: 'After',
          systemPrompt: 'p',
        }),
      ).toMatchObject({ ok: true });
    } finally {
      await other.close();
    }
  });

  it('cannot be turned off by hand', async () => {
    const org = await h.org('maint-held');
    const answer = await withMaintenance(
      h.db.orm.em,
      org.id,
      'being repaired',
      'organizations.setMaintenance',
      () => h.call(h.admin(), 'organizations.setMaintenance', { id: org.id, on: false }),
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'MAINTENANCE' } });
  });

  it("leaves an administrator's maintenance in place when it ends", async () => {
    const org = await h.org('maint-both');
    await h.ok(h.admin(), 'organizations.setMaintenance', {
      id: org.id,
      on: true,
      reason: 'audit',
    });
    await withMaintenance(
      h.db.orm.em,
      org.id,
      'being repaired',
      'organizations.setMaintenance',
      () => Promise.resolve(),
    );
    expect(await maintenanceOf(org.id)).toMatchObject({ reason: 'audit', byOperation: false });
  });

  it('ends when the process holding it is killed', async () => {
    const org = await h.org('maint-killed');
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, '../support/maintenance-child.ts'), h.db.url, org.id],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      expect(line.toString()).toContain('held');
      expect(await createAgent(org.id)).toMatchObject({
        ok: false,
        error: { code: 'MAINTENANCE' },
      });
      child.kill('SIGKILL');
      await once(child, 'exit');
      // the server notices the lost connection at once; its backend may take a moment to exit
      let answer = await createAgent(org.id, 'After the kill');
      for (let waited = 0; !answer.ok && waited < 5_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await createAgent(org.id, 'After the kill');
      }
      expect(answer).toMatchObject({ ok: true });
      expect(await maintenanceOf(org.id)).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('holds each tenant of a migration while it is migrated, and none after', async () => {
    const org = await h.org('maint-migrated');
    class SlowMigration extends Migration {
      override name = 'Migration29991231000999_slow';
      override up(): void {
        // this tenant only, so that its maintenance lasts two seconds whichever batch it is in
        this.addSql(
          "select pg_sleep(case when current_schema() = 'org_maint-migrated' then 2 else 0 end)",
        );
      }
    }
    const migrating = migrateAllTenants(h.db.orm.em, {
      migrations: [...TENANT_MIGRATIONS, SlowMigration],
    });
    for (let waited = 0; !(await maintenanceOf(org.id)); waited += 50) {
      if (waited > 20_000) throw new Error('The tenant was never put in maintenance');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await h.settled();
    const during = await createAgent(org.id, 'During');
    expect(during).toMatchObject({ ok: false, error: { code: 'MAINTENANCE' } });
    expect(!during.ok && during.error.message).toContain('being migrated');
    expect((await migrating).failed).toEqual([]);
    expect(await createAgent(org.id, 'After')).toMatchObject({ ok: true });
    const held = await h.db.sql(
      `select slug from organizations
        where maintenance_ticket is not null
          and public.maintenance_live(maintenance_reason, maintenance_ticket)`,
    );
    expect(held).toEqual([]);
  });
});

describe("an operation's maintenance announced", () => {
  /** What another console hears while `work` runs, until `done` says it has heard enough. */
  const hearing = async (work: () => Promise<void>, done: (heard: FleetChange[]) => boolean) => {
    const { heard, listener } = await listening(h.db.url);
    try {
      await work();
      for (let waited = 0; waited < 5_000 && !done(heard); waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      return heard.filter((change) => change.action === 'tenancy.repair');
    } finally {
      await listener.close();
    }
  };

  it('names each organization at each claim and release, for a few', async () => {
    const org = await h.org('maint-told');
    const told = (change: FleetChange) =>
      change.kind === 'organization' && change.id === org.id && change.organizationId === org.id;
    const heard = await hearing(
      async () => {
        const hold = await holdMaintenance(h.db.orm.em, 'being repaired', 'tenancy.repair');
        expect(await hold.claim('id', [org.id])).toEqual([org.id]);
        await hold.release('id', [org.id]);
        await hold.claim('id', [org.id]);
        await hold.close();
      },
      (all) => all.filter(told).length >= 4,
    );
    expect(heard.filter(told)).toHaveLength(4);
  });

  it('says one fleet-wide word for many', async () => {
    const orgs = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((letter) => h.org(`maint-many-${letter}`)),
    );
    const fleetWide = (change: FleetChange) =>
      change.kind === 'tenancy' && change.id === null && change.organizationId === null;
    const heard = await hearing(
      async () => {
        const hold = await holdMaintenance(h.db.orm.em, 'being repaired', 'tenancy.repair');
        await hold.claim(
          'id',
          orgs.map((org) => org.id),
        );
        await hold.close();
      },
      (all) => all.filter(fleetWide).length >= 2,
    );
    expect(heard).toHaveLength(2);
    expect(heard.every(fleetWide)).toBe(true);
  });
});

describe("a hold's connection between operations", () => {
  /** The server process holding a ticket's lock (public.maintenance_held's lock), or null. */
  const holderOf = async (ticket: number) =>
    (
      await h.db.sql<{ pid: number }>(
        `select pid from pg_locks
          where locktype = 'advisory' and granted and classid = 1179667796 and objid = $1::int::oid
            and objsubid = 2 and database = (select oid from pg_database where datname = current_database())`,
        [ticket],
      )
    )[0]?.pid ?? null;
  const hold = () => holdMaintenance(h.db.orm.em, 'being repaired', 'tenancy.repair');

  it('is left idle holding nothing, then serves one hold at a time', async () => {
    const first = await hold();
    const pid = await holderOf(first.ticket);
    expect(pid).toEqual(expect.any(Number));
    await first.close();

    const [idle] = await h.db.sql<{ state: string; locks: number }>(
      `select a.state, (select count(*)::int from pg_locks l where l.pid = a.pid) as locks
         from pg_stat_activity a where a.pid = $1`,
      [pid],
    );
    expect(idle).toEqual({ state: 'idle', locks: 0 });

    const both = await Promise.all([hold(), hold()]);
    try {
      const holders = await Promise.all(both.map((each) => holderOf(each.ticket)));
      expect(holders).toContain(pid);
      expect(new Set(holders).size).toBe(2);
    } finally {
      await Promise.all(both.map((each) => each.close()));
    }
  });

  it('is not reached by a hold that has ended, once another hold has it', async () => {
    const org = await h.org('maint-late');
    const ended = await hold();
    const pid = await holderOf(ended.ticket);
    await ended.close();
    const next = await hold();
    try {
      expect(await holderOf(next.ticket)).toBe(pid);
      await next.claim('id', [org.id]);

      // late calls, as a fan-out's workers still running after the hold was closed make them
      await expect(ended.claim('id', [org.id])).rejects.toThrow(/ended/);
      await ended.release('id', [org.id]);
      await ended.close();

      expect(await holderOf(next.ticket)).toBe(pid);
      expect(await maintenanceOf(org.id)).toMatchObject({ byOperation: true });
      const another = await hold();
      try {
        expect(await holderOf(another.ticket)).not.toBe(pid);
      } finally {
        await another.close();
      }
    } finally {
      await next.close();
    }
    expect(await maintenanceOf(org.id)).toBeNull();
  });
});

describe('maintenance on both transports', () => {
  let home: string;
  let server: HeadlessServer;
  let org: { id: string };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'fleetprompt-maint-'));
    await writeFile(join(home, 'index.html'), '<html></html>');
    server = await startHeadless({ router: h.router, rendererDir: home });
    org = await h.org('maint-transports');
    await h.ok(h.admin(), 'organizations.setMaintenance', {
      id: org.id,
      on: true,
      reason: 'moving to a new server',
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  const agent = () => ({ organizationId: org.id, name: 'Over the wire', systemPrompt: 'p' });

  it('answers MAINTENANCE with the reason over the headless HTTP transport', async () => {
    const rpc = async (channel: string, input: unknown) =>
      (await (
        await fetch(`http://127.0.0.1:${server.port}/rpc/${channel}`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${server.token}`,
            'X-Fleet-Window': 'window-maint01',
            'Content-Type': 'application/json',
          },
          body: JSON.stringify(input),
        })
      ).json()) as { ok: boolean; error?: { code: string; message: string } };
    expect(
      await rpc('auth.signIn', { email: 'admin@maint.test', password: PASSWORD }),
    ).toMatchObject({ ok: true });
    expect(await rpc('agents.create', agent())).toEqual({
      ok: false,
      error: { code: 'MAINTENANCE', message: expect.stringContaining('moving to a new server') },
    });
    expect(
      await rpc('agents.list', { organizationId: org.id, page: 1, pageSize: 5 }),
    ).toMatchObject({ ok: true });
  });

  it('answers MAINTENANCE with the reason over the Electron IPC transport', async () => {
    const electron = fakeElectron();
    bindIpc(electron.ipcMain as never, async () => h.router, APP_ORIGIN);
    const invoke = (channel: string, input: unknown) =>
      electron.ipcMain.handlers.get(channel)!(
        { sender: { id: 9001 }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } },
        input,
      );
    expect(
      await invoke('auth.signIn', { email: 'admin@maint.test', password: PASSWORD }),
    ).toMatchObject({ ok: true });
    expect(await invoke('agents.create', agent())).toEqual({
      ok: false,
      error: { code: 'MAINTENANCE', message: expect.stringContaining('moving to a new server') },
    });
    expect(
      await invoke('agents.list', { organizationId: org.id, page: 1, pageSize: 5 }),
    ).toMatchObject({ ok: true });
  });
});
