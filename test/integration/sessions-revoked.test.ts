import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';

let h: Harness;
let orgId: string;
let admin: () => ReturnType<Harness['slotFor']>;
beforeAll(async () => {
  h = await createHarness();
  orgId = (await h.org('revoke-co')).id;
  const adminId = (await h.user(orgId, 'admin', 'admin@revoke.test')).id;
  admin = () => h.slotFor(adminId);
});
afterAll(() => h.close());

const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
const stillIn = async (slot: object) =>
  codeOf(await h.call(slot, 'organizations.list', { page: 1, pageSize: 5 }));

describe('sessions end when the account changes', () => {
  it('when the user is deleted', async () => {
    const user = await h.user(orgId, 'developer', 'deleted@revoke.test');
    const slot = h.slotFor(user.id);
    await h.ok(admin(), 'users.delete', { id: user.id });
    expect(await stillIn(slot)).toBe('UNAUTHENTICATED');
  });

  it('when the user is demoted', async () => {
    const user = await h.user(orgId, 'admin', 'demoted@revoke.test');
    const slot = h.slotFor(user.id);
    await h.ok(admin(), 'users.update', { id: user.id, role: 'user' });
    expect(await stillIn(slot)).toBe('UNAUTHENTICATED');
  });

  it('when an administrator changes their email', async () => {
    const user = await h.user(orgId, 'developer', 'moved@revoke.test');
    const slot = h.slotFor(user.id);
    await h.ok(admin(), 'users.update', { id: user.id, email: 'moved-again@revoke.test' });
    expect(await stillIn(slot)).toBe('UNAUTHENTICATED');
  });

  it('when an administrator sets their password', async () => {
    const user = await h.user(orgId, 'user', 'reset@revoke.test');
    const slot = h.slotFor(user.id);
    await h.ok(admin(), 'users.setPassword', { id: user.id, password: 'a whole new one' });
    expect(await stillIn(slot)).toBe('UNAUTHENTICATED');
  });

  it('keeps the session that changed its own password, and ends the others', async () => {
    const user = await h.user(orgId, 'user', 'self@revoke.test');
    const here = h.slotFor(user.id);
    const elsewhere = h.slotFor(user.id);
    await h.ok(here, 'auth.changePassword', {
      currentPassword: PASSWORD,
      newPassword: 'changed by me',
    });
    expect(await stillIn(here)).toBe('ok');
    expect(await stillIn(elsewhere)).toBe('UNAUTHENTICATED');
  });

  it('refuses a password change with the wrong current password, naming the field', async () => {
    const user = await h.user(orgId, 'user', 'wrongcurrent@revoke.test');
    const result = await h.call(h.slotFor(user.id), 'auth.changePassword', {
      currentPassword: 'not it at all',
      newPassword: 'whatever new',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: { currentPassword: 'The current password is not correct.' },
      },
    });
  });
});

describe('the last administrator', () => {
  it('cannot delete themself', async () => {
    const solo = await h.org('solo-co');
    const only = await h.user(solo.id, 'admin', 'only@solo.test');
    await h.db.sql(
      "update users set role = 'user' where email <> 'only@solo.test' and role = 'admin'",
    );
    const result = await h.call(h.slotFor(only.id), 'users.delete', { id: only.id });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/last administrator/) },
    });
  });

  it('cannot demote themself', async () => {
    const [only] = await h.db.sql<{ id: string }>(
      "select id from users where email = 'only@solo.test'",
    );
    const result = await h.call(h.slotFor(only!.id), 'users.update', {
      id: only!.id,
      role: 'developer',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const [row] = await h.db.sql("select role from users where email = 'only@solo.test'");
    expect(row).toEqual({ role: 'admin' });
  });
});
