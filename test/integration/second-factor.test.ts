import { createHash, randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Channel } from '../../src-shared/contract.ts';
import type { SessionDto } from '../../src-shared/dto.ts';
import { startHeadless, type HeadlessServer } from '../../src-main/headless/server.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { PENDING_SECOND_FACTOR_LIFETIME_MS } from '../../src-main/identity/sessions.ts';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';

/*
 * Two-step sign-in (issue 29, part 3), over both transports: the router as
 * the Electron window calls it, and the headless HTTP server. Codes are
 * computed from the secret with otpauth at the clock the console's
 * sessions are timed by, which each code moves on by one 30-second step.
 */

// the middle of a 30-second step: no code computed here falls on a boundary
let clock = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;
let h: Harness;
let server: HeadlessServer;
let orgId: string;
beforeAll(async () => {
  h = await createHarness({ now: () => clock });
  orgId = (await h.org('totp-co')).id;
  server = await startHeadless({ router: h.router, rendererDir: h.filesDir });
});
afterAll(async () => {
  await server.close();
  await h.close();
});

type Answer = { ok: boolean; data?: unknown; error?: { code: string; fields?: object } };
type Call = (channel: Channel, input?: Record<string, unknown>) => Promise<Answer>;
const codeOf = (r: Answer) => (r.ok ? 'ok' : r.error?.code);

/** A window of each transport: calls share its session. */
const TRANSPORTS: Record<string, () => Call> = {
  router: () => {
    const slot: SessionSlot = {};
    return (channel, input = {}) => h.call(slot, channel, input);
  },
  http: () => {
    const window = randomUUID();
    return async (channel, input = {}) => {
      const response = await fetch(`http://127.0.0.1:${server.port}/rpc/${channel}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${server.token}`,
          'X-Fleet-Window': window,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(input),
      });
      return (await response.json()) as Answer;
    };
  },
};

const totp = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) });
/** The code of the next 30-second step (the clock moves there): each is new to the console. */
const nextCode = (secret: string) => {
  clock += 30_000;
  return totp(secret).generate({ timestamp: clock });
};

describe.each(Object.keys(TRANSPORTS))('two-step sign-in through the %s', (transport) => {
  const open = TRANSPORTS[transport]!;
  const email = (name: string) => `${name}-${transport}@totp.test`;
  /** A window signed in with the password alone (`SECOND_FACTOR_REQUIRED` answered where enrolled). */
  const signedIn = async (address: string) => {
    const call = open();
    const answer = await call('auth.signIn', { email: address, password: PASSWORD });
    return { call, answer };
  };

  let secret = '';
  let lastCode = '';
  let recoveryCodes: string[] = [];

  it('sets up with a first code from the app, and answers ten recovery codes once', async () => {
    await h.user(orgId, 'developer', email('ada'));
    const { call } = await signedIn(email('ada'));
    const enrollment = (await call('auth.enrollSecondFactor')).data as {
      secret: string;
      otpauthUrl: string;
    };
    secret = enrollment.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrollment.otpauthUrl).toMatch(
      /^otpauth:\/\/totp\/FleetPrompt:.+\?issuer=FleetPrompt&secret=[A-Z2-7]+&algorithm=SHA1&digits=6&period=30$/,
    );
    const wrong = await call('auth.confirmSecondFactor', { code: '000000' });
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { code: expect.any(String) } },
    });
    const confirmed = await call('auth.confirmSecondFactor', { code: nextCode(secret) });
    recoveryCodes = (confirmed.data as { recoveryCodes: string[] }).recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await call('auth.me')).data).toMatchObject({ secondFactor: true });
    const stored = await h.db.sql<{ code_hash: Buffer }>(
      'select code_hash from recovery_codes r join users u on u.id = r.user_id where u.email = $1',
      [email('ada')],
    );
    expect(stored).toHaveLength(10);
    expect(stored.map((r) => r.code_hash.toString())).not.toContain(recoveryCodes[0]);
  });

  it('answers SECOND_FACTOR_REQUIRED after the right password, and signs in with the code alone', async () => {
    const { call, answer } = await signedIn(email('ada'));
    expect(codeOf(answer)).toBe('SECOND_FACTOR_REQUIRED');
    expect(codeOf(await call('auth.me'))).toBe('SECOND_FACTOR_REQUIRED');
    expect(codeOf(await call('users.list', { page: 1, pageSize: 5 }))).toBe(
      'SECOND_FACTOR_REQUIRED',
    );
    lastCode = nextCode(secret);
    expect(await call('auth.verifySecondFactor', { code: lastCode })).toMatchObject({
      ok: true,
      data: { email: email('ada'), secondFactor: true },
    });
    expect(codeOf(await call('users.list', { page: 1, pageSize: 5 }))).toBe('ok');
  });

  it('refuses a code that was used already, on any window', async () => {
    const { call } = await signedIn(email('ada'));
    expect(await call('auth.verifySecondFactor', { code: lastCode })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { code: expect.stringMatching(/used already/) } },
    });
    expect(codeOf(await call('users.list', { page: 1, pageSize: 5 }))).toBe(
      'SECOND_FACTOR_REQUIRED',
    );
  });

  it('says a refused code in a whole sentence, under the field too', async () => {
    const { call } = await signedIn(email('ada'));
    const sentence =
      'This code is not correct, or it was used already. Enter the newest code from your authenticator app.';
    // the field said "is not correct, or was used already" before: half a sentence
    expect(await call('auth.verifySecondFactor', { code: lastCode })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: sentence, fields: { code: sentence } },
    });
  });

  it('takes each recovery code once', async () => {
    const first = await signedIn(email('ada'));
    const recoveryCode = recoveryCodes[0]!.toUpperCase();
    expect(codeOf(await first.call('auth.verifySecondFactor', { recoveryCode }))).toBe('ok');
    const second = await signedIn(email('ada'));
    expect(codeOf(await second.call('auth.verifySecondFactor', { recoveryCode }))).toBe(
      'VALIDATION',
    );
  });

  it('still takes the code of a sign-in that has waited almost five minutes', async () => {
    const { call } = await signedIn(email('ada'));
    clock += PENDING_SECOND_FACTOR_LIFETIME_MS - 60_000;
    expect(codeOf(await call('auth.verifySecondFactor', { code: nextCode(secret) }))).toBe('ok');
  });

  it('ends a sign-in that waited more than five minutes for its code, and says why', async () => {
    const { call } = await signedIn(email('ada'));
    clock += PENDING_SECOND_FACTOR_LIFETIME_MS;
    expect(await call('auth.verifySecondFactor', { code: nextCode(secret) })).toMatchObject({
      ok: false,
      error: {
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(/waited more than 5 minutes/),
      },
    });
  });

  it('lists a sign-in still waiting for its code as such, and its user can end it', async () => {
    const user = await h.user(orgId, 'developer', email('known'));
    const known = new Secret({ size: 20 }).base32;
    await h.db.sql(
      'insert into second_factors (user_id, secret, confirmed_at) values ($1, $2, now())',
      [user.id, known],
    );
    const mine = await signedIn(email('known'));
    expect(codeOf(await mine.call('auth.verifySecondFactor', { code: nextCode(known) }))).toBe(
      'ok',
    );
    // someone else who knows the password, without the phone
    const stranger = await signedIn(email('known'));
    expect(codeOf(stranger.answer)).toBe('SECOND_FACTOR_REQUIRED');
    const listed = (await mine.call('sessions.list')).data as SessionDto[];
    expect(listed).toHaveLength(2);
    expect(listed.find((s) => s.current)).toMatchObject({ pendingSecondFactor: false });
    const waiting = listed.find((s) => !s.current);
    expect(waiting).toMatchObject({ pendingSecondFactor: true });
    expect(codeOf(await mine.call('sessions.end', { id: waiting?.id }))).toBe('ok');
    expect(codeOf(await stranger.call('auth.verifySecondFactor', { code: nextCode(known) }))).toBe(
      'UNAUTHENTICATED',
    );
    expect((await mine.call('sessions.list')).data).toEqual([
      expect.objectContaining({ current: true, pendingSecondFactor: false }),
    ]);
  });

  it('compares at most five of 25 wrong codes sent at once, and then the email is locked', async () => {
    const burst = await h.user(orgId, 'user', email('burst'));
    await h.db.sql(
      'insert into second_factors (user_id, secret, confirmed_at) values ($1, $2, now())',
      [burst.id, new Secret({ size: 20 }).base32],
    );
    const { call } = await signedIn(email('burst'));
    const validate = vi.spyOn(TOTP.prototype, 'validate');
    try {
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          call('auth.verifySecondFactor', { code: String(100_000 + i) }),
        ),
      );
      expect(validate.mock.calls.length).toBeLessThanOrEqual(5);
      expect(answers.filter((a) => a.ok)).toHaveLength(0);
    } finally {
      validate.mockRestore();
    }
    expect(codeOf((await signedIn(email('burst'))).answer)).toBe('LOCKED');
  });

  it("lets an administrator reset a user's second factor: their sessions end and they sign in with the password", async () => {
    await h.user(orgId, 'admin', email('admin'));
    const admin = await signedIn(email('admin'));
    const ada = await signedIn(email('ada'));
    const [{ id } = { id: '' }] = await h.db.sql<{ id: string }>(
      'select id from users where email = $1',
      [email('ada')],
    );
    expect(codeOf(await admin.call('users.resetSecondFactor', { id }))).toBe('ok');
    expect(codeOf(await ada.call('auth.verifySecondFactor', { code: nextCode(secret) }))).toBe(
      'UNAUTHENTICATED',
    );
    const again = await signedIn(email('ada'));
    expect(again.answer).toMatchObject({ ok: true, data: { secondFactor: false } });
    const [audited] = await h.db.sql<{ n: string }>(
      "select count(*) as n from audit_events where action = 'users.resetSecondFactor' and target_id = $1",
      [id],
    );
    expect(Number(audited?.n)).toBe(1);
  });
});

describe('two-step sign-in beside the password', () => {
  /** An administrator of their own, signed in, with a second factor set up; its secret. */
  async function enrolledAdmin(address: string) {
    const user = await h.user(orgId, 'admin', address);
    const slot = h.slotFor(user.id);
    const { secret } = await h.ok(slot, 'auth.enrollSecondFactor', {});
    await h.ok(slot, 'auth.confirmSecondFactor', { code: nextCode(secret) });
    return { user, slot, secret };
  }

  it('asks step-up for the code too where one is set up', async () => {
    const { user, secret } = await enrolledAdmin('stepper@totp.test');
    const slot = h.slotFor(user.id, { reauthenticated: false });
    expect(codeOf(await h.call(slot, 'auth.disableSecondFactor', {}))).toBe('REAUTH_REQUIRED');
    expect(await h.call(slot, 'auth.reauthenticate', { password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { code: 'is required' } },
    });
    await h.ok(slot, 'auth.reauthenticate', { password: PASSWORD, code: nextCode(secret) });
    expect(codeOf(await h.call(slot, 'auth.disableSecondFactor', {}))).toBe('ok');
    expect(await h.ok(slot, 'auth.me', {})).toMatchObject({ secondFactor: false });
  });

  it('confirms a setup once when two windows send codes at once, and keeps it from being set up again', async () => {
    const user = await h.user(orgId, 'user', 'twice@totp.test');
    const [first, second] = [h.slotFor(user.id), h.slotFor(user.id)];
    const { secret } = await h.ok(first, 'auth.enrollSecondFactor', {});
    const earlier = nextCode(secret);
    const later = nextCode(secret);
    const answers = await Promise.all([
      h.call(first, 'auth.confirmSecondFactor', { code: earlier }),
      h.call(second, 'auth.confirmSecondFactor', { code: later }),
    ]);
    const confirmed = answers.filter((a) => a.ok);
    expect(confirmed).toHaveLength(1);
    const shown = (confirmed[0]?.data as { recoveryCodes: string[] }).recoveryCodes;
    const kept = await h.db.sql<{ n: string }>(
      `select count(*) as n from recovery_codes
        where user_id = $1 and code_hash = any($2::bytea[])`,
      [user.id, shown.map((c) => createHash('sha256').update(c.replace(/-/g, '')).digest())],
    );
    expect(kept[0]?.n).toBe('10');
    expect(codeOf(await h.call(first, 'auth.enrollSecondFactor', {}))).toBe('CONFLICT');
  });

  it("refuses an administrator's reset of their own: it is turned off with step-up", async () => {
    const { user, slot } = await enrolledAdmin('self-reset@totp.test');
    expect(codeOf(await h.call(slot, 'users.resetSecondFactor', { id: user.id }))).toBe(
      'FORBIDDEN',
    );
  });

  it('takes administrators without one to set it up once it is required; turning it off needs step-up', async () => {
    const plain = await h.user(orgId, 'admin', 'plain-admin@totp.test');
    const admin = h.slotFor(plain.id);
    const stale = h.slotFor(plain.id, { reauthenticated: false });
    await h.ok(admin, 'settings.requireSecondFactor', { required: true });
    try {
      expect(await h.ok(admin, 'auth.me', {})).toMatchObject({ mustEnrollSecondFactor: true });
      expect(codeOf(await h.call(admin, 'users.list', { page: 1, pageSize: 5 }))).toBe(
        'SECOND_FACTOR_REQUIRED',
      );
      const { secret } = await h.ok(admin, 'auth.enrollSecondFactor', {});
      await h.ok(admin, 'auth.confirmSecondFactor', { code: nextCode(secret) });
      expect(codeOf(await h.call(admin, 'users.list', { page: 1, pageSize: 5 }))).toBe('ok');
      const fleet = await h.ok(admin, 'fleet.overview', {});
      expect(fleet.secondFactor).toMatchObject({ required: true });
      expect(codeOf(await h.call(stale, 'settings.requireSecondFactor', { required: false }))).toBe(
        'REAUTH_REQUIRED',
      );
    } finally {
      await h.ok(admin, 'settings.requireSecondFactor', { required: false });
    }
  });
});
