import { randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { startHeadless } from '../../src-main/headless/server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABSOLUTE_LIFETIME_MS, IDLE_TIMEOUT_MS } from '../../src-main/identity/sessions.ts';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';
import { secondConsole } from '../support/second-console.ts';
import { passwords, testEnvironment } from '../support/services.ts';

let clock = Date.now();
let h: Harness;
let orgId: string;
beforeAll(async () => {
  h = await createHarness({ now: () => clock });
  orgId = (await h.org('signin-co')).id;
  await h.user(orgId, 'developer', 'dev@signin.test');
});
afterAll(() => h.close());

const signIn = (email: string, password: string, slot = {}) =>
  h.call(slot, 'auth.signIn', { email, password });
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);

describe('sign-in', () => {
  it('signs in with the right password and answers auth.me with the user', async () => {
    const slot = {};
    const result = await signIn('dev@signin.test', PASSWORD, slot);
    expect(result).toMatchObject({
      ok: true,
      data: { email: 'dev@signin.test', role: 'developer', organizationName: 'Org signin-co' },
    });
    expect(await h.call(slot, 'auth.me', {})).toMatchObject({
      ok: true,
      data: { email: 'dev@signin.test' },
    });
  });

  it('matches emails case-insensitively', async () => {
    expect(codeOf(await signIn('DEV@Signin.Test', PASSWORD))).toBe('ok');
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const unknown = await signIn('nobody@signin.test', 'whatever-password');
    const wrong = await signIn('dev@signin.test', 'wrong-password');
    expect(unknown).toEqual(wrong);
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'Email or password is incorrect' },
    });
  });

  it('does the same bcrypt work for an unknown email as for a wrong password', async () => {
    const hasher = passwords();
    let compares = 0;
    const original = hasher.compare;
    hasher.compare = async (password, hash) => {
      compares += 1;
      return original(password, hash);
    };
    try {
      await signIn('ghost@signin.test', 'whatever-password');
      expect(compares).toBe(1);
      await signIn('dev@signin.test', 'wrong-password');
      expect(compares).toBe(2);
    } finally {
      hasher.compare = original;
    }
  });

  it('refuses an unconfirmed user', async () => {
    const user = await h.user(orgId, 'user', 'fresh@signin.test');
    await h.db.sql('update users set confirmed_at = null where id = $1', [user.id]);
    expect(await signIn('fresh@signin.test', PASSWORD)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/not confirmed/) },
    });
  });

  it('refuses users of a canceled organization', async () => {
    const canceled = await h.org('canceled-co');
    await h.user(canceled.id, 'user', 'gone@canceled.test');
    await h.db.sql("update organizations set billing_status = 'canceled' where id = $1", [
      canceled.id,
    ]);
    expect(await signIn('gone@canceled.test', PASSWORD)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/canceled/) },
    });
  });

  it('locks the email after five failures, even for the right password, and says so', async () => {
    await h.user(orgId, 'user', 'lock@signin.test');
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(codeOf(await signIn('lock@signin.test', `wrong-${i}-password`)));
    expect(codes).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'LOCKED',
    ]);
    const locked = await signIn('lock@signin.test', PASSWORD);
    expect(locked).toMatchObject({
      ok: false,
      error: { code: 'LOCKED', message: expect.stringMatching(/try again in 15 minutes/) },
    });
    const [audit] = await h.db.sql(
      "select count(*)::int as n from audit_events where action = 'auth.lockout' and target_id = 'lock@signin.test'",
    );
    expect(audit).toEqual({ n: 1 });
  });

  it('keeps the lock in the database, so a new router (a restart) still refuses', async () => {
    const restarted = await createHarnessOnSameDb();
    expect(
      codeOf(
        await restarted.dispatch({}, 'auth.signIn', {
          email: 'lock@signin.test',
          password: PASSWORD,
        }),
      ),
    ).toBe('LOCKED');
  });

  it('lets the email sign in again once the lock has expired', async () => {
    await h.db.sql(
      "update sign_in_throttle set locked_until = now() - interval '1 second' where email = 'lock@signin.test'",
    );
    expect(codeOf(await signIn('lock@signin.test', PASSWORD))).toBe('ok');
  });

  it('says how many minutes are left of a lock, one minute as one', async () => {
    await h.db.sql(
      `insert into sign_in_throttle (email, failures, locked_until) values
         ('one-minute@signin.test', 5, now() + interval '30 seconds'),
         ('two-minutes@signin.test', 5, now() + interval '90 seconds')`,
    );
    const messages = await Promise.all(
      ['one-minute@signin.test', 'two-minutes@signin.test'].map(async (email) => {
        const result = await signIn(email, PASSWORD);
        return !result.ok && result.error.message;
      }),
    );
    expect(messages).toEqual([
      'Too many failed sign-ins for this email; try again in 1 minute',
      'Too many failed sign-ins for this email; try again in 2 minutes',
    ]);
  });

  it('forgets failures older than 15 minutes, and counts those within them', async () => {
    await h.db.sql(
      `insert into sign_in_throttle (email, failures, window_started_at) values
         ('old-failures@signin.test', 4, now() - interval '16 minutes'),
         ('recent-failures@signin.test', 4, now() - interval '14 minutes')`,
    );
    expect(codeOf(await signIn('old-failures@signin.test', 'wrong-password'))).toBe(
      'UNAUTHENTICATED',
    );
    expect(codeOf(await signIn('recent-failures@signin.test', 'wrong-password'))).toBe('LOCKED');
    expect(
      await h.db.sql(
        "select email::text, failures from sign_in_throttle where email like '%-failures@signin.test' order by email",
      ),
    ).toEqual([
      { email: 'old-failures@signin.test', failures: 1 },
      { email: 'recent-failures@signin.test', failures: 5 },
    ]);
  });

  it('records a failure and a lockout against the email, the lockout in no organization', async () => {
    await h.db.sql(
      "insert into sign_in_throttle (email, failures) values ('audited@signin.test', 4)",
    );
    expect(codeOf(await signIn('audited@signin.test', 'wrong-password'))).toBe('LOCKED');
    const rows = await h.db.sql(
      `select action, target_type, organization_id from audit_events
        where target_id = 'audited@signin.test' order by id`,
    );
    expect(rows).toEqual([
      { action: 'auth.signInFailed', target_type: 'email', organization_id: null },
      { action: 'auth.lockout', target_type: 'email', organization_id: null },
    ]);
  });

  it('ends a session after 30 minutes idle', async () => {
    const slot = {};
    await signIn('dev@signin.test', PASSWORD, slot);
    clock += IDLE_TIMEOUT_MS - 1_000;
    expect(codeOf(await h.call(slot, 'organizations.list', { page: 1, pageSize: 5 }))).toBe('ok');
    clock += IDLE_TIMEOUT_MS + 1_000;
    expect(codeOf(await h.call(slot, 'organizations.list', { page: 1, pageSize: 5 }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('ends a session after 12 hours however busy, and says why', async () => {
    const slot = {};
    await signIn('dev@signin.test', PASSWORD, slot);
    for (let elapsed = 0; elapsed < ABSOLUTE_LIFETIME_MS; elapsed += IDLE_TIMEOUT_MS - 60_000) {
      expect(codeOf(await h.call(slot, 'organizations.list', { page: 1, pageSize: 5 }))).toBe('ok');
      clock += IDLE_TIMEOUT_MS - 60_000;
    }
    expect(await h.call(slot, 'organizations.list', { page: 1, pageSize: 5 })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/after 12 hours/) },
    });
  });

  it('ends a session at sign-out', async () => {
    const slot = {};
    await signIn('dev@signin.test', PASSWORD, slot);
    await h.call(slot, 'auth.signOut', {});
    expect(codeOf(await h.call(slot, 'organizations.list', { page: 1, pageSize: 5 }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('rehashes a hash below cost 12 at sign-in', async () => {
    const user = await h.user(orgId, 'user', 'old@signin.test');
    await h.db.sql('update users set hashed_password = $1 where id = $2', [
      bcrypt.hashSync(PASSWORD, 4),
      user.id,
    ]);
    expect(codeOf(await signIn('old@signin.test', PASSWORD))).toBe('ok');
    const [row] = await h.db.sql<{ hashed_password: string }>(
      'select hashed_password from users where id = $1',
      [user.id],
    );
    expect(row?.hashed_password).toMatch(/^\$2[aby]\$12\$/);
  });

  it('refuses a password over 72 bytes with the same answer as a wrong one, instead of truncating it', async () => {
    await h.user(orgId, 'user', 'long@signin.test');
    const longer = `${PASSWORD}${'x'.repeat(80)}`;
    expect(await signIn('long@signin.test', longer)).toEqual(
      await signIn('long@signin.test', 'wrong-password'),
    );
    expect(codeOf(await signIn('long@signin.test', PASSWORD))).toBe('ok');
  });

  it('ends the session and locks after five wrong current passwords at a password change', async () => {
    await h.user(orgId, 'user', 'change@signin.test');
    const slot = {};
    await signIn('change@signin.test', PASSWORD, slot);
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        codeOf(
          await h.call(slot, 'auth.changePassword', {
            currentPassword: `not it ${i}`,
            newPassword: 'something new here',
          }),
        ),
      );
    }
    expect(codes).toEqual(['VALIDATION', 'VALIDATION', 'VALIDATION', 'VALIDATION', 'LOCKED']);
    expect(await h.call(slot, 'auth.me', {})).toEqual({ ok: true, data: null });
    expect(codeOf(await signIn('change@signin.test', PASSWORD))).toBe('LOCKED');
  });

  it('answers firstRun false once a user exists', async () => {
    expect(await h.call({}, 'auth.firstRun', {})).toEqual({ ok: true, data: false });
  });
});

describe('a burst of sign-ins for one email', () => {
  it('refuses one more while five are counted and unsettled, saying to wait a moment', async () => {
    await h.db.sql(
      "insert into sign_in_throttle (email, failures) values ('in-flight@signin.test', 5)",
    );
    expect(await signIn('in-flight@signin.test', PASSWORD)).toEqual({
      ok: false,
      error: {
        code: 'LOCKED',
        message: 'Too many sign-in attempts for this email at once; wait a moment and try again',
      },
    });
  });

  /** Counts the password comparisons the hasher makes while `work` runs. */
  async function comparesDuring(work: () => Promise<unknown>): Promise<number> {
    const hasher = passwords();
    const original = hasher.compare;
    let compares = 0;
    hasher.compare = async (password, hash) => {
      compares += 1;
      return original(password, hash);
    };
    try {
      await work();
    } finally {
      hasher.compare = original;
    }
    return compares;
  }

  const burst = (send: (password: string) => Promise<{ ok: boolean; error?: { code: string } }>) =>
    Promise.all(
      Array.from({ length: 25 }, (_, i) => send(i === 24 ? PASSWORD : `wrong guess ${i}`)),
    );

  it('compares at most five passwords through the router, and the right one is then LOCKED', async () => {
    await h.user(orgId, 'user', 'burst@signin.test');
    let results: { ok: boolean; error?: { code: string } }[] = [];
    const compares = await comparesDuring(async () => {
      results = await burst((password) => signIn('burst@signin.test', password));
    });
    expect(compares).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.ok)).toHaveLength(0);
    expect(codeOf(await signIn('burst@signin.test', PASSWORD))).toBe('LOCKED');
  });

  it('compares at most five passwords through the headless transport', async () => {
    await h.user(orgId, 'user', 'http-burst@signin.test');
    const server = await startHeadless({ router: h.router, rendererDir: h.filesDir });
    try {
      let results: { ok: boolean; error?: { code: string } }[] = [];
      const compares = await comparesDuring(async () => {
        results = await burst(async (password) => {
          const response = await fetch(`http://127.0.0.1:${server.port}/rpc/auth.signIn`, {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${server.token}`,
              'X-Fleet-Window': `burst-${randomUUID()}`,
              'Content-Type': 'application/json',
            },
            body: JSON.stringify({ email: 'http-burst@signin.test', password }),
          });
          return (await response.json()) as { ok: boolean; error?: { code: string } };
        });
      });
      expect(compares).toBeLessThanOrEqual(5);
      expect(results.filter((r) => r.ok)).toHaveLength(0);
      expect(results.filter((r) => r.error?.code === 'LOCKED').length).toBeGreaterThanOrEqual(20);
    } finally {
      await server.close();
    }
  });

  it('never locks an email over right passwords: after a burst of them the next sign-in works', async () => {
    await h.user(orgId, 'user', 'eager@signin.test');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => signIn('eager@signin.test', PASSWORD)),
    );
    expect(results.some((r) => r.ok)).toBe(true);
    expect(results.every((r) => r.ok || r.error?.code === 'LOCKED')).toBe(true);
    expect(codeOf(await signIn('eager@signin.test', PASSWORD))).toBe('ok');
  });

  it('holds across two consoles hit at once: a burst split between them compares at most five passwords', async () => {
    await h.user(orgId, 'user', 'split@signin.test');
    const other = await secondConsole(h.db);
    try {
      let results: { ok: boolean; error?: { code: string } }[] = [];
      let sent = 0;
      const compares = await comparesDuring(async () => {
        results = await burst((password) =>
          (sent++ % 2 === 0 ? h.router : other.router).dispatch({}, 'auth.signIn', {
            email: 'split@signin.test',
            password,
          }),
        );
      });
      expect(compares).toBeLessThanOrEqual(5);
      expect(results.filter((r) => r.ok)).toHaveLength(0);
      for (const router of [h.router, other.router]) {
        const right = await router.dispatch({}, 'auth.signIn', {
          email: 'split@signin.test',
          password: PASSWORD,
        });
        expect(codeOf(right)).toBe('LOCKED');
      }
    } finally {
      await other.close();
    }
  });

  it('is shared by two consoles on one database: failures through either count for both', async () => {
    await h.user(orgId, 'user', 'shared@signin.test');
    const second = await createHarnessOnSameDb();
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const router = i % 2 === 0 ? h.router : second;
      codes.push(
        codeOf(
          await router.dispatch({}, 'auth.signIn', {
            email: 'shared@signin.test',
            password: `no ${i}`,
          }),
        ),
      );
    }
    expect(codes.at(-1)).toBe('LOCKED');
    expect(
      codeOf(
        await second.dispatch({}, 'auth.signIn', {
          email: 'shared@signin.test',
          password: PASSWORD,
        }),
      ),
    ).toBe('LOCKED');
  });
});

async function createHarnessOnSameDb() {
  const { createRouter } = await import('../../src-main/ipc/router.ts');
  return createRouter({
    em: h.db.orm.em,
    passwords: passwords(),
    logError: () => undefined,
    environment: testEnvironment(h.db.url),
  });
}

describe('a lock that outlasts its window of failures', () => {
  it('still refuses the right password once the window is over but the lock is not', async () => {
    await h.user(orgId, 'user', 'outlasting@signin.test');
    await h.db.sql(
      `insert into sign_in_throttle (email, failures, window_started_at, locked_until)
       values ('outlasting@signin.test', 5, now() - interval '16 minutes', now() + interval '5 minutes')`,
    );
    expect(codeOf(await signIn('outlasting@signin.test', PASSWORD))).toBe('LOCKED');
  });
});
