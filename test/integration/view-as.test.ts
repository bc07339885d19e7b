import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src-shared/channels.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { adminHarness } from '../support/harness.ts';
import { secondConsole, type SecondConsole } from '../support/second-console.ts';

/*
 * View as (issue 29): an administrator sees the console as another user
 * does, read-only, for a reason, until they end it, sign out, lose the
 * role, or 30 minutes of the database's clock have passed. Every write
 * refused while viewing is the policy matrix's (its "viewing as" column);
 * here, what the view is and how it ends. Console B is a second console on
 * the same database, serving the same session.
 */

const h = adminHarness('viewas');
let b: SecondConsole;
let other: { id: string; slug: string };
let developer: { id: string; email: string };
beforeAll(async () => {
  b = await secondConsole(h.db);
  other = await h.org('viewas-other');
  developer = await h.user(other.id, 'developer', 'dev@viewas-other.test');
});
afterAll(() => b?.close());

type Answer = { ok: boolean; error?: { code: string; message: string } };
const codeOf = (r: Answer) => (r.ok ? 'ok' : r.error?.code);
const REASON = 'Ticket 7: they cannot find their agents';

/** A new administrator session, viewing as `userId`. */
async function viewing(userId = developer.id): Promise<SessionSlot> {
  const slot = h.admin();
  await h.ok(slot, 'auth.viewAs', { userId, reason: REASON });
  return slot;
}

const organizationsSeen = async (slot: SessionSlot) =>
  (await h.ok(slot, 'organizations.list', { page: 1, pageSize: 50 })).items.map((o) => o.id);

const auditOf = (action: string, targetId: string | null) =>
  h.db.sql<{ actor_label: string; organization_id: string | null; changes: object }>(
    `select actor_label, organization_id, changes from audit_events
      where action = $1 and target_id is not distinct from $2 order by id`,
    [action, targetId],
  );

/** Ends the view's 30 minutes now, by the database's clock (the column's change is announced). */
const expireView = (slot: SessionSlot) =>
  h.db.sql(
    `update sessions set viewing_as = viewing_as, viewing_as_until = now() - interval '1 second'
      where secret_hash = sha256(convert_to($1, 'utf8'))`,
    [slot.sessionId],
  );

describe('viewing as a user', () => {
  it("answers every call as that user: their role, their organization's records only", async () => {
    const slot = await viewing();
    expect(await organizationsSeen(slot)).toEqual([other.id]);
    const users = await h.call(slot, 'users.list', {
      organizationId: h.homeId,
      page: 1,
      pageSize: 5,
    });
    expect(codeOf(users)).toBe('NOT_FOUND');
    expect(codeOf(await h.call(slot, 'tenancy.status', {}))).toBe('FORBIDDEN');
  });

  it('says in auth.me who is signed in and whom they view as', async () => {
    const slot = await viewing();
    const me = await h.ok(slot, 'auth.me', {});
    expect(me).toMatchObject({ email: 'admin@viewas.test', role: 'admin' });
    expect(me?.viewingAs).toMatchObject({ id: developer.id, role: 'developer' });
  });

  it('records the start with the reason, the administrator as actor and the user as target', async () => {
    await viewing();
    const [start] = await auditOf('auth.viewAs', developer.id);
    expect(start).toMatchObject({ actor_label: 'admin@viewas.test', organization_id: other.id });
    expect(JSON.stringify(start?.changes)).toContain(REASON);
  });

  it('refuses a write with READ_ONLY_VIEW naming the user, the way back included', async () => {
    const slot = await viewing();
    const write = await h.call(slot, 'agents.create', {
      organizationId: other.id,
      name: 'Not made',
      systemPrompt: 'p',
    });
    expect(write).toMatchObject({ ok: false, error: { code: 'READ_ONLY_VIEW' } });
    expect(write.ok || write.error.message).toContain(developer.email);
  });

  it('sends the window only the events the user would hear', async () => {
    const slot = await viewing();
    const change = (organizationId: string): FleetEvent => ({
      type: 'change',
      kind: 'agent',
      id: null,
      organizationId,
      version: null,
      action: 'agents.create',
    });
    expect(await h.router.mayReceive(slot, change(other.id))).toBe(true);
    expect(await h.router.mayReceive(slot, change(h.homeId))).toBe(false);
    await h.ok(slot, 'auth.endViewAs', {});
    expect(await h.router.mayReceive(slot, change(h.homeId))).toBe(true);
  });
});

describe('whom an administrator may view as', () => {
  it('refuses another administrator, and oneself: they see what the administrator sees', async () => {
    const admin2 = await h.user(h.homeId, 'admin', 'admin2@viewas.test');
    const slot = h.admin();
    for (const userId of [admin2.id, (await h.ok(slot, 'auth.me', {}))?.id ?? '']) {
      const refused = await h.call(slot, 'auth.viewAs', { userId, reason: REASON });
      expect(codeOf(refused)).toBe('FORBIDDEN');
    }
    expect((await h.ok(slot, 'auth.me', {}))?.viewingAs).toBeNull();
  });

  it('refuses a view within a view', async () => {
    const slot = await viewing();
    const user = await h.user(other.id, 'user', 'nested@viewas-other.test');
    const nested = await h.call(slot, 'auth.viewAs', { userId: user.id, reason: REASON });
    expect(codeOf(nested)).toBe('READ_ONLY_VIEW');
  });
});

describe('the end of a view', () => {
  it('comes with auth.endViewAs: recorded with the reason, the console the administrator’s again', async () => {
    const user = await h.user(other.id, 'user', 'ended@viewas-other.test');
    const slot = await viewing(user.id);
    await h.ok(slot, 'auth.endViewAs', {});
    expect((await h.ok(slot, 'auth.me', {}))?.viewingAs).toBeNull();
    expect(await organizationsSeen(slot)).toContain(h.homeId);
    const [end] = await auditOf('auth.endViewAs', user.id);
    expect(end).toMatchObject({ actor_label: 'admin@viewas.test', organization_id: other.id });
    expect(JSON.stringify(end?.changes)).toContain('ended by the administrator');
  });

  it('comes after 30 minutes of the database’s clock, on every console serving the session', async () => {
    const user = await h.user(other.id, 'user', 'expired@viewas-other.test');
    const slot = await viewing(user.id);
    expect((await b.router.dispatch(slot, 'auth.me', {})).ok).toBe(true);
    await expireView(slot);
    await h.settled();
    // the first write after the end is refused still: the window may show the view
    const late = await b.router.dispatch(slot, 'agents.create', {
      organizationId: other.id,
      name: 'Not made either',
      systemPrompt: 'p',
    });
    expect(late).toMatchObject({ ok: false, error: { code: 'READ_ONLY_VIEW' } });
    expect(late.ok || late.error.message).toMatch(/30 minutes/);
    expect((await h.ok(slot, 'auth.me', {}))?.viewingAs).toBeNull();
    const ends = await auditOf('auth.endViewAs', user.id);
    expect(ends).toHaveLength(1);
    expect(JSON.stringify(ends[0]?.changes)).toContain('30 minutes');
  });

  it('comes when the user is deleted meanwhile, recorded without a target', async () => {
    const user = await h.user(other.id, 'user', 'deleted@viewas-other.test');
    const slot = await viewing(user.id);
    await h.ok(h.admin(), 'users.delete', { id: user.id });
    const me = await h.ok(slot, 'auth.me', {});
    expect(me?.viewingAs).toBeNull();
    const [end] = await h.db.sql<{ changes: object }>(
      `select changes from audit_events where action = 'auth.endViewAs' and target_id is null`,
    );
    expect(JSON.stringify(end?.changes)).toContain('the user was deleted');
  });

  it('comes with signing out, recorded', async () => {
    const user = await h.user(other.id, 'user', 'signout@viewas-other.test');
    const slot = await viewing(user.id);
    await h.ok(slot, 'auth.signOut', {});
    const [end] = await auditOf('auth.endViewAs', user.id);
    expect(JSON.stringify(end?.changes)).toContain('signed out');
  });

  it('comes with the session when the administrator loses the role', async () => {
    const demoted = await h.user(h.homeId, 'admin', 'demoted@viewas.test');
    const slot = h.slotFor(demoted.id);
    await h.ok(slot, 'auth.viewAs', { userId: developer.id, reason: REASON });
    await h.ok(h.admin(), 'users.update', { id: demoted.id, role: 'user' });
    expect(codeOf(await h.call(slot, 'organizations.list', { page: 1, pageSize: 5 }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('is recorded when the session ends first, in the statement that ends it, saying why', async () => {
    const demoted = await h.user(h.homeId, 'admin', 'cut-short@viewas.test');
    const user = await h.user(other.id, 'user', 'cut-short@viewas-other.test');
    await h.ok(h.slotFor(demoted.id), 'auth.viewAs', { userId: user.id, reason: REASON });
    await h.ok(h.admin(), 'users.update', { id: demoted.id, role: 'user' });
    const ends = await auditOf('auth.endViewAs', user.id);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({
      actor_label: 'cut-short@viewas.test',
      organization_id: other.id,
    });
    expect(JSON.stringify(ends[0]?.changes)).toContain(REASON);
    expect(JSON.stringify(ends[0]?.changes)).toContain('the session ended (Your role was changed');
  });

  it('is recorded when the row of a session never ended is swept, over by its 30 minutes', async () => {
    const user = await h.user(other.id, 'user', 'swept@viewas-other.test');
    const slot = await viewing(user.id);
    await h.db.sql(`delete from sessions where secret_hash = sha256(convert_to($1, 'utf8'))`, [
      slot.sessionId,
    ]);
    const ends = await auditOf('auth.endViewAs', user.id);
    expect(ends).toHaveLength(1);
    expect(JSON.stringify(ends[0]?.changes)).toContain('30 minutes');
  });
});
