import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../seeds/demo-data.ts';
import { isCommonPassword } from '../../src-main/services/common-passwords.ts';
import { adminHarness, PASSWORD } from '../support/harness.ts';

/*
 * ASVS 6.2.4: every new password is checked against the most common ones,
 * whoever sets it and through whichever channel; the demo data's published
 * password is allowed only as what the seed sets and the first sign-in
 * must replace.
 */

const h = adminHarness('common');
const COMMON = ['password123', 'Password123', 'qwertyuiop', '123456789', 'iloveyou'];

const refusedOn = (field: string) => ({
  ok: false,
  error: { code: 'VALIDATION', fields: { [field]: expect.stringMatching(/most common/) } },
});

describe('common passwords', () => {
  it('are known from the shipped list, at least its ten thousand most common, in any case', () => {
    for (const password of COMMON) expect(isCommonPassword(password)).toBe(true);
    expect(isCommonPassword(PASSWORD)).toBe(false);
  });

  it.each(COMMON)('are refused for a new user: %s', async (password) => {
    const result = await h.call(h.admin(), 'users.create', {
      organizationId: h.homeId,
      email: `new-${password.toLowerCase()}@common.test`,
      role: 'user',
      password,
    });
    expect(result).toMatchObject(refusedOn('password'));
  });

  it("are refused when an administrator sets someone's password", async () => {
    const user = await h.user(h.homeId, 'user', 'set@common.test');
    const result = await h.call(h.admin(), 'users.setPassword', {
      id: user.id,
      password: 'password123',
    });
    expect(result).toMatchObject(refusedOn('password'));
  });

  it("are refused as a new password of one's own, and the old one still works", async () => {
    const user = await h.user(h.homeId, 'developer', 'own@common.test');
    const slot = h.slotFor(user.id);
    const result = await h.call(slot, 'auth.changePassword', {
      currentPassword: PASSWORD,
      newPassword: 'letmein123',
    });
    expect(result).toMatchObject(refusedOn('newPassword'));
    expect(
      (await h.call({}, 'auth.signIn', { email: 'own@common.test', password: PASSWORD })).ok,
    ).toBe(true);
  });

  it("are refused as the demo administrator's forced new password, the demo one included", async () => {
    await h.ok(h.admin(), 'demo.load', {});
    const slot = {};
    await h.ok(slot, 'auth.signIn', { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password });
    const result = await h.call(slot, 'auth.changePassword', {
      currentPassword: DEMO_ADMIN.password,
      newPassword: DEMO_ADMIN.password,
    });
    expect(result).toMatchObject(refusedOn('newPassword'));
  });

  it('leave an uncommon passphrase alone', async () => {
    const created = await h.call(h.admin(), 'users.create', {
      organizationId: h.homeId,
      email: 'fine@common.test',
      role: 'user',
      password: 'tangerine orbit ladder',
    });
    expect(created.ok).toBe(true);
  });
});
