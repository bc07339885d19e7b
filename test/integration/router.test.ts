import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
let admin: () => ReturnType<Harness['slotFor']>;
beforeAll(async () => {
  h = await createHarness();
  const home = await h.org('router-home');
  const adminId = (await h.user(home.id, 'admin', 'admin@router.test')).id;
  admin = () => h.slotFor(adminId);
});
afterAll(() => h.close());

describe('router', () => {
  it('rejects an unknown channel', async () => {
    expect(await h.router.dispatch(admin(), 'organizations.drop', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('asks signed-out callers to sign in before anything else', async () => {
    expect(await h.call({}, 'organizations.list', { page: 1, pageSize: 5 })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('treats a missing input as empty', async () => {
    expect(await h.router.dispatch({}, 'auth.firstRun', undefined)).toEqual({
      ok: true,
      data: false,
    });
  });

  it('reports an unexpected failure as INTERNAL with a reference, and logs the detail', async () => {
    await h.db.sql('alter table skills rename to skills_moved');
    try {
      const result = await h.call(admin(), 'skills.list', { page: 1, pageSize: 5 });
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'INTERNAL', message: expect.stringMatching(/reference/) },
      });
      const text = JSON.stringify(result);
      expect(text).not.toMatch(/select|skills|relation|at .*\.ts/i);
      expect(h.errors.length).toBeGreaterThan(0);
    } finally {
      await h.db.sql('alter table skills_moved rename to skills');
    }
  });

  it('never sends a password hash in a user', async () => {
    const users = await h.ok(admin(), 'users.list', { page: 1, pageSize: 50 });
    expect(JSON.stringify(users)).not.toMatch(/\$2[aby]\$|hashed/i);
  });
});
