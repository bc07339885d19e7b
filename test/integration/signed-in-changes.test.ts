import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_NAME } from '../../src-main/db/change-listener.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { createHarness, type Harness } from '../support/harness.ts';

/*
 * The console keeps who is signed in, and the organizations its tenant
 * calls are about, between calls only while it hears the database announce
 * changes to users and organizations. These tests change them behind its
 * back (another connection, as a second console or the CLI would) and
 * check that no call is answered from what it kept.
 */

let h: Harness;
let orgId: string;
beforeAll(async () => {
  h = await createHarness();
  orgId = (await h.org('kept-co')).id;
});
afterAll(() => h.close());

const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
const answer = async (slot: SessionSlot) =>
  codeOf(await h.call(slot, 'organizations.list', { page: 1, pageSize: 5 }));

/** A signed-in user whose session has been answered once, so the console knows them. */
async function known(
  email: string,
  organizationId = orgId,
): Promise<{ id: string; slot: SessionSlot }> {
  const user = await h.user(organizationId, 'developer', email);
  const slot = h.slotFor(user.id);
  await h.settled();
  expect(await answer(slot)).toBe('ok');
  return { id: user.id, slot };
}

/**
 * Runs `change` with the announcing triggers held (and the one that would
 * end the user's sessions, which announces too), so that nothing is heard of it.
 */
async function unannounced(change: () => Promise<unknown>): Promise<void> {
  const triggers = ['users_identity_changed', 'users_end_sessions'];
  for (const name of triggers) await h.db.sql(`alter table users disable trigger ${name}`);
  try {
    await change();
  } finally {
    for (const name of triggers) await h.db.sql(`alter table users enable trigger ${name}`);
  }
}

const listenerPid = async () => {
  const rows = await h.db.sql<{ pid: number }>(
    'select pid from pg_stat_activity where application_name = $1 and datname = current_database()',
    [LISTENER_NAME],
  );
  expect(rows).toHaveLength(1);
  return rows[0]?.pid ?? 0;
};

describe('who is signed in, changed by another console', () => {
  it('refuses a user unconfirmed elsewhere once the change is heard', async () => {
    const { id, slot } = await known('unconfirmed@kept.test');
    await h.db.sql('update users set confirmed_at = null where id = $1', [id]);
    await expect.poll(() => answer(slot), { timeout: 3_000 }).toBe('UNAUTHENTICATED');
  });

  it('refuses a user deleted elsewhere once the change is heard', async () => {
    const { id, slot } = await known('deleted@kept.test');
    await h.db.sql('delete from users where id = $1', [id]);
    await expect.poll(() => answer(slot), { timeout: 3_000 }).toBe('UNAUTHENTICATED');
  });

  it('refuses the users of an organization canceled elsewhere once the change is heard', async () => {
    const canceled = await h.org('canceled-co');
    const { slot } = await known('member@canceled.test', canceled.id);
    await h.db.sql("update organizations set billing_status = 'canceled' where id = $1", [
      canceled.id,
    ]);
    await expect.poll(() => answer(slot), { timeout: 3_000 }).toBe('UNAUTHENTICATED');
  });

  it('refuses the users of an organization deleted elsewhere once the change is heard', async () => {
    const gone = await h.org('gone-co');
    const { slot } = await known('member@gone.test', gone.id);
    await h.db.sql('delete from organizations where id = $1', [gone.id]);
    await expect.poll(() => answer(slot), { timeout: 3_000 }).toBe('UNAUTHENTICATED');
  });

  it('does not read a known user again while nothing is announced', async () => {
    const { id, slot } = await known('unheard@kept.test');
    await unannounced(() => h.db.sql('update users set confirmed_at = null where id = $1', [id]));
    expect(await answer(slot)).toBe('ok');
    h.signedIn.forget();
    expect(await answer(slot)).toBe('UNAUTHENTICATED');
  });

  it('reads every user afresh once the listening connection is lost', async () => {
    const { id, slot } = await known('dropped@kept.test');
    await unannounced(() => h.db.sql('update users set confirmed_at = null where id = $1', [id]));
    expect(await answer(slot)).toBe('ok');
    await h.db.sql('select pg_terminate_backend($1)', [await listenerPid()]);
    await expect.poll(() => answer(slot), { timeout: 3_000 }).toBe('UNAUTHENTICATED');
    await h.signedIn.heard();
  });

  it('reads every user afresh once the listening connection stops answering', async () => {
    const { id, slot } = await known('stalled@kept.test');
    await unannounced(() => h.db.sql('update users set confirmed_at = null where id = $1', [id]));
    expect(await answer(slot)).toBe('ok');
    const pid = await listenerPid();
    process.kill(pid, 'SIGSTOP');
    try {
      await expect.poll(() => answer(slot), { timeout: 5_000 }).toBe('UNAUTHENTICATED');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await h.signedIn.heard();
  });
});

describe('who is signed in, changed by this console', () => {
  it('refuses the users of an organization it canceled at the next call', async () => {
    const admin = await h.user(orgId, 'admin', 'admin@kept.test');
    const member = await h.org('member-co');
    const { slot } = await known('member@member.test', member.id);
    const current = await h.ok(h.slotFor(admin.id), 'organizations.get', { id: member.id });
    await h.ok(h.slotFor(admin.id), 'organizations.update', {
      id: member.id,
      version: current.version,
      billingStatus: 'canceled',
    });
    expect(await answer(slot)).toBe('UNAUTHENTICATED');
  });
});

describe('the organization a tenant call is about, changed by another console', () => {
  async function tenantReader(slug: string) {
    const admin = await h.user(orgId, 'admin', `admin@${slug}.test`);
    const org = await h.org(slug);
    const slot = h.slotFor(admin.id);
    const list = async () =>
      codeOf(await h.call(slot, 'agents.list', { organizationId: org.id, page: 1, pageSize: 5 }));
    await h.settled();
    expect(await list()).toBe('ok');
    return { org, list };
  }

  it('refuses a tenant call about an organization deleted elsewhere once the change is heard', async () => {
    const { org, list } = await tenantReader('deleted-tenant');
    await h.db.sql('delete from organizations where id = $1', [org.id]);
    await expect.poll(list, { timeout: 3_000 }).toBe('NOT_FOUND');
  });

  it('does not read a kept organization again while nothing is announced', async () => {
    const { org, list } = await tenantReader('unheard-tenant');
    // the delete reaches users too (their foreign key), whose trigger would speak as well
    const announcing = ['organizations', 'users'];
    for (const table of announcing) await h.db.sql(`alter table ${table} disable trigger user`);
    try {
      await h.db.sql('delete from organizations where id = $1', [org.id]);
    } finally {
      for (const table of announcing) await h.db.sql(`alter table ${table} enable trigger user`);
    }
    expect(await list()).toBe('ok');
    h.signedIn.forget();
    expect(await list()).toBe('NOT_FOUND');
  });

  it('forgets the organizations it kept when one changes elsewhere, whatever changed', async () => {
    const { org } = await tenantReader('retiered-tenant');
    let reads = 0;
    const load = async () => (reads++, null);
    await h.signedIn.organization(org.id, load);
    expect(reads).toBe(0);
    await h.db.sql('update organizations set monthly_token_limit = 5 where id = $1', [org.id]);
    await expect
      .poll(async () => (await h.signedIn.organization(org.id, load), reads), { timeout: 3_000 })
      .toBeGreaterThan(0);
  });
});
