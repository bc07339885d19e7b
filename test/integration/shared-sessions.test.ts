import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src-shared/channels.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { openRuntime } from '../../src-main/runtime.ts';
import { adminHarness, PASSWORD } from '../support/harness.ts';
import { secondConsole, type SecondConsole } from '../support/second-console.ts';

/*
 * Sessions are rows every console on the database shares (issue 29): what
 * ends one on a console ends it on the other within a second, and what a
 * session may hear is decided by who its user is now. Console A is the
 * harness, console B a second router with its own pool and cache, both
 * listening to the database as the app does.
 */

const h = adminHarness('shared');
let b: SecondConsole;
beforeAll(async () => {
  b = await secondConsole(h.db);
});
afterAll(() => b?.close());

type Answer = { ok: boolean; error?: { code: string; message: string } };
const codeOf = (r: Answer) => (r.ok ? 'ok' : r.error?.code);
const onB = async (slot: SessionSlot) =>
  codeOf(await b.router.dispatch(slot, 'organizations.list', { page: 1, pageSize: 5 }));

/** A user signed in on console B, answered there once (so that B keeps their session). */
async function signedInOnB(role: 'admin' | 'developer' | 'user', email: string) {
  const user = await h.user(h.homeId, role, email);
  const slot = await b.slotFor(user);
  expect(await onB(slot)).toBe('ok');
  return { user, slot };
}

const WITHIN_A_SECOND = { timeout: 1_000, interval: 20 };

describe('a change on one console ends the sessions on the other', () => {
  it.each([
    ['password', { password: 'an entirely new one' }, /password was changed/],
    ['email', { email: 'elsewhere@shared.test' }, /email address was changed/],
    ['role', { role: 'user' }, /role was changed/],
  ] as const)('within 1 s when their %s is changed', async (what, change, reason) => {
    const { user, slot } = await signedInOnB('developer', `${what}@shared.test`);
    if ('password' in change)
      await h.ok(h.admin(), 'users.setPassword', { id: user.id, ...change });
    else await h.ok(h.admin(), 'users.update', { id: user.id, ...change });
    await expect.poll(() => onB(slot), WITHIN_A_SECOND).toBe('UNAUTHENTICATED');
    const [row] = await h.db.sql<{ ended_reason: string }>(
      'select ended_reason from sessions where user_id = $1',
      [user.id],
    );
    expect(row?.ended_reason).toMatch(reason);
  });

  it('when the user is unconfirmed, or their organization suspended', async () => {
    const unconfirmed = await signedInOnB('developer', 'unconfirmed@shared.test');
    await h.db.sql('update users set confirmed_at = null where id = $1', [unconfirmed.user.id]);
    await expect.poll(() => onB(unconfirmed.slot), WITHIN_A_SECOND).toBe('UNAUTHENTICATED');

    const org = await h.org('suspended-co');
    const member = await h.user(org.id, 'developer', 'member@suspended.test');
    const slot = await b.slotFor(member);
    expect(await onB(slot)).toBe('ok');
    const { version } = await h.ok(h.admin(), 'organizations.get', { id: org.id });
    await h.ok(h.admin(), 'organizations.update', {
      id: org.id,
      version,
      billingStatus: 'suspended',
    });
    await expect.poll(() => onB(slot), WITHIN_A_SECOND).toBe('UNAUTHENTICATED');
  });

  it('when an administrator ends them all, and says so', async () => {
    const { user, slot } = await signedInOnB('user', 'ended@shared.test');
    expect(await h.ok(h.admin(), 'users.endSessions', { id: user.id })).toEqual({ ended: 1 });
    await expect.poll(() => onB(slot), WITHIN_A_SECOND).toBe('UNAUTHENTICATED');
    const [audit] = await h.db.sql<{ action: string }>(
      "select action from audit_events where target_id = $1 and action = 'users.endSessions'",
      [user.id],
    );
    expect(audit?.action).toBe('users.endSessions');
  });

  it("stops a demoted administrator's event stream at once", async () => {
    const { user, slot } = await signedInOnB('admin', 'demoted@shared.test');
    const progress: FleetEvent = {
      type: 'migration-progress',
      done: 1,
      total: 2,
      slug: 'secret-tenant',
      failed: false,
    };
    expect(await b.router.mayReceive(slot, progress)).toBe(true);
    await h.ok(h.admin(), 'users.update', { id: user.id, role: 'user' });
    await expect.poll(() => b.router.mayReceive(slot, progress), WITHIN_A_SECOND).toBe(false);
  });
});

describe("one's own sessions", () => {
  it('lists them, newest use first, marking the one asking', async () => {
    const user = await h.user(h.homeId, 'developer', 'lister@shared.test');
    const here = h.slotFor(user.id);
    const there = await b.slotFor(user);
    expect(await onB(there)).toBe('ok');
    const sessions = await h.ok(here, 'sessions.list', {});
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.every((s) => s.kind === 'headless')).toBe(true);
  });

  it('ends one on every console; ending this one signs out', async () => {
    const user = await h.user(h.homeId, 'developer', 'ender@shared.test');
    const here = h.slotFor(user.id);
    const there = await b.slotFor(user);
    expect(await onB(there)).toBe('ok');
    const other = (await h.ok(here, 'sessions.list', {})).find((s) => !s.current)!;
    await h.ok(here, 'sessions.end', { id: other.id });
    await expect.poll(() => onB(there), WITHIN_A_SECOND).toBe('UNAUTHENTICATED');
    const mine = (await h.ok(here, 'sessions.list', {}))[0]!;
    await h.ok(here, 'sessions.end', { id: mine.id });
    expect(await h.call(here, 'auth.me', {})).toEqual({ ok: true, data: null });
  });

  it('ends all the others and keeps this one', async () => {
    const user = await h.user(h.homeId, 'user', 'others@shared.test');
    const here = h.slotFor(user.id);
    const there = [await b.slotFor(user), await b.slotFor(user)];
    expect(await h.ok(here, 'sessions.endOthers', {})).toEqual({ ended: 2 });
    for (const slot of there)
      await expect.poll(() => onB(slot), WITHIN_A_SECOND).toBe('UNAUTHENTICATED');
    expect(codeOf(await h.call(here, 'users.list', { page: 1, pageSize: 5 }))).toBe('ok');
  });
});

describe('a session that changes its own user', () => {
  it('continues in a replacement, and the other sessions of that user end', async () => {
    const { user, slot: there } = await signedInOnB('admin', 'self@shared.test');
    const here = h.slotFor(user.id);
    await h.ok(here, 'users.update', { id: user.id, email: 'self-again@shared.test' });
    expect(codeOf(await h.call(here, 'users.list', { page: 1, pageSize: 5 }))).toBe('ok');
    await expect.poll(() => onB(there), WITHIN_A_SECOND).toBe('UNAUTHENTICATED');
  });
});

describe('a restart of the console', () => {
  it('keeps the sessions: the same secret is still signed in', async () => {
    await h.user(h.homeId, 'developer', 'restart@shared.test');
    const home = await mkdtemp(join(tmpdir(), 'fleetprompt-restart-'));
    const slot: SessionSlot = { kind: 'electron' };
    try {
      const first = await openRuntime({ dataDir: home, env: { DATABASE_URL: h.db.url } });
      try {
        const signedIn = await first.router.dispatch(slot, 'auth.signIn', {
          email: 'restart@shared.test',
          password: PASSWORD,
        });
        expect(signedIn.ok).toBe(true);
      } finally {
        await first.close();
      }
      const second = await openRuntime({ dataDir: home, env: { DATABASE_URL: h.db.url } });
      try {
        expect(await second.router.dispatch(slot, 'auth.me', {})).toMatchObject({
          ok: true,
          data: { email: 'restart@shared.test' },
        });
      } finally {
        await second.close();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
