import { describe, expect, it } from 'vitest';
import { adminHarness, PASSWORD } from '../support/harness.ts';

/*
 * users.unlock: an administrator ends the sign-in lock that five failed
 * attempts put on a user's email, audited; the users list shows who is
 * locked out until then.
 */

const h = adminHarness('unlock', 'unlock-co');

async function lockedOut(email: string) {
  const user = await h.user(h.homeId, 'user', email);
  for (let i = 0; i < 5; i++) {
    await h.call({}, 'auth.signIn', { email, password: 'not the password' });
  }
  const refused = await h.call({}, 'auth.signIn', { email, password: PASSWORD });
  expect(refused).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  return user;
}

const listed = async (email: string) =>
  (
    await h.ok(h.admin(), 'users.list', {
      organizationId: h.homeId,
      search: email,
      page: 1,
      pageSize: 10,
    })
  ).items[0];

describe('unlocking a user', () => {
  it('shows a locked-out user as locked until the lock ends', async () => {
    await lockedOut('shown@unlock.test');
    const row = await listed('shown@unlock.test');
    expect(Date.parse(row?.lockedUntil ?? '')).toBeGreaterThan(Date.now() + 14 * 60_000);
    const other = await h.user(h.homeId, 'user', 'free@unlock.test');
    expect((await listed('free@unlock.test'))?.id).toBe(other.id);
    expect((await listed('free@unlock.test'))?.lockedUntil).toBeNull();
  });

  it('lets the user sign in again at once, and is audited with the lock it ended', async () => {
    const user = await lockedOut('vouched@unlock.test');
    const unlocked = await h.ok(h.admin(), 'users.unlock', { id: user.id });
    expect(unlocked.lockedUntil).toBeNull();
    expect((await listed('vouched@unlock.test'))?.lockedUntil).toBeNull();
    const signIn = await h.call({}, 'auth.signIn', {
      email: 'vouched@unlock.test',
      password: PASSWORD,
    });
    expect(signIn.ok).toBe(true);
    const log = await h.ok(h.admin(), 'audit.list', {
      organizationId: h.homeId,
      page: 1,
      pageSize: 20,
    });
    const entry = log.items.find((e) => e.action === 'users.unlock');
    expect(entry).toMatchObject({ actorLabel: 'admin@unlock.test', targetId: user.id });
    expect(entry?.changes).toMatchObject({ lockedUntil: { to: null } });
  });

  it('forgets the failures too: the next wrong password does not lock again', async () => {
    const user = await lockedOut('forgiven@unlock.test');
    await h.ok(h.admin(), 'users.unlock', { id: user.id });
    const wrong = await h.call({}, 'auth.signIn', {
      email: 'forgiven@unlock.test',
      password: 'still wrong',
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('changes nothing and writes no audit row for a user who is not locked', async () => {
    const user = await h.user(h.homeId, 'user', 'calm@unlock.test');
    await h.ok(h.admin(), 'users.unlock', { id: user.id });
    const rows = await h.db.sql<{ n: string }>(
      `select count(*) as n from audit_events where action = 'users.unlock' and target_id = '${user.id}'`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });
});

describe('confirming users in bulk', () => {
  it('tells the ones already confirmed from the ones it confirmed', async () => {
    const fresh = await h.ok(h.admin(), 'users.create', {
      organizationId: h.homeId,
      email: 'fresh@unlock.test',
      role: 'user',
      password: PASSWORD,
    });
    const confirmed = await h.user(h.homeId, 'user', 'old@unlock.test');
    const result = await h.ok(h.admin(), 'users.confirmMany', { ids: [fresh.id, confirmed.id] });
    expect(result.results.map((r) => [r.label, r.outcome, r.alreadyConfirmed])).toEqual([
      ['fresh@unlock.test', 'done', false],
      ['old@unlock.test', 'done', true],
    ]);
  });
});

describe('the users list', () => {
  it('shows the lock of each user of a page it lists, none on the others', async () => {
    const locked = await lockedOut('one-locked@paged.test');
    const free = await h.user(h.homeId, 'user', 'one-free@paged.test');
    const page = await h.ok(h.admin(), 'users.list', {
      organizationId: h.homeId,
      search: '@paged.test',
      page: 1,
      pageSize: 10,
    });
    const lockOf = new Map(page.items.map((u) => [u.id, u.lockedUntil]));
    expect(lockOf.size).toBe(2);
    expect(Date.parse(lockOf.get(locked.id) ?? '')).toBeGreaterThan(Date.now());
    expect(lockOf.get(free.id)).toBeNull();
  });

  it('answers a page that lists no user', async () => {
    const page = await h.ok(h.admin(), 'users.list', {
      organizationId: h.homeId,
      search: 'nobody-is-called-this',
      page: 1,
      pageSize: 10,
    });
    expect(page.items).toEqual([]);
  });
});
