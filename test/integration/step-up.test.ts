import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Channel } from '../../src-shared/contract.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { ABSOLUTE_LIFETIME_MS, IDLE_TIMEOUT_MS } from '../../src-main/identity/sessions.ts';
import { REAUTH_WINDOW_MS } from '../../src-main/identity/step-up.ts';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

/*
 * Step-up (issue 29): what cannot be undone, or hands every tenant's data
 * elsewhere, needs the password entered in this session within 5 minutes.
 * Sessions here are timed by a clock the tests move.
 */

let clock = Date.now();
let h: Harness;
let homeId: string;
let adminId: string;
const scratch: ScratchDatabase[] = [];
beforeAll(async () => {
  h = await createHarness({ now: () => clock });
  homeId = (await h.org('stepup-home')).id;
  adminId = (await h.user(homeId, 'admin', 'admin@stepup.test')).id;
});
afterAll(async () => {
  for (const db of scratch) await db.drop();
  await h.close();
});

type Answer = { ok: boolean; error?: { code: string; message: string } };
const codeOf = (r: Answer) => (r.ok ? 'ok' : r.error?.code);
/** An administrator's session whose password was entered longer ago than 5 minutes. */
const staleAdmin = () => h.slotFor(adminId, { reauthenticated: false });

/** Each guarded channel, with a fresh input it may succeed with. */
const GUARDED: [Channel, () => Promise<Record<string, unknown>>][] = [
  [
    'organizations.delete',
    async () => {
      const doomed = await h.org(`doomed-${Math.random().toString(36).slice(2, 8)}`);
      return { id: doomed.id, confirmSlug: doomed.slug };
    },
  ],
  [
    'database.move',
    async () => {
      const target = await createScratchDatabase(inject('serverUrl'), 'fp_stepup_move');
      scratch.push(target);
      return { url: target.url };
    },
  ],
  [
    'users.setPassword',
    async () => ({
      id: (await h.user(homeId, 'user', `reset-${Math.random()}@stepup.test`)).id,
      password: 'chosen for them',
    }),
  ],
  [
    'users.create',
    async () => ({
      organizationId: homeId,
      email: `new-admin-${Math.random()}@stepup.test`,
      role: 'admin',
      password: 'chosen for them',
    }),
  ],
  [
    'users.update',
    async () => ({
      id: (await h.user(homeId, 'developer', `promoted-${Math.random()}@stepup.test`)).id,
      role: 'admin',
    }),
  ],
  // every user of an organization, password hashes included, into a file
  ['organizations.export', async () => ({ id: homeId })],
  // a whole organization written (restored with its ids, or cloned): guarded at `finish`
  [
    'organizations.import',
    async () => {
      const fresh = h.slotFor(adminId);
      const { file } = await h.ok(fresh, 'organizations.export', { id: homeId });
      const upload = randomUUID();
      await h.ok(fresh, 'organizations.import', {
        step: 'chunk',
        upload,
        index: 0,
        data: (await readFile(join(h.filesDir, file?.name ?? ''))).toString('base64'),
      });
      return { step: 'finish', upload, chunks: 1, as: `stepup-copy-${randomUUID().slice(0, 8)}` };
    },
  ],
  // the console pointed at another database from its next start
  ['settings.saveDatabase', async () => ({ mode: 'url', url: h.db.url })],
];

describe('step-up', () => {
  it.each(GUARDED)(
    '%s answers REAUTH_REQUIRED without a recent password, and succeeds right after one',
    async (channel, input) => {
      const slot = staleAdmin();
      const raw = await input();
      expect(codeOf(await h.call(slot, channel, raw))).toBe('REAUTH_REQUIRED');
      await h.ok(slot, 'auth.reauthenticate', { password: PASSWORD });
      expect(codeOf(await h.call(slot, channel, raw))).toBe('ok');
    },
  );

  it('asks again once the 5 minutes are over', async () => {
    const slot = staleAdmin();
    await h.ok(slot, 'auth.reauthenticate', { password: PASSWORD });
    clock += REAUTH_WINDOW_MS + 1_000;
    const [, input] = GUARDED[2]!;
    expect(codeOf(await h.call(slot, 'users.setPassword', await input()))).toBe('REAUTH_REQUIRED');
  });

  it('counts signing in as entering the password', async () => {
    const slot: SessionSlot = {};
    await h.ok(slot, 'auth.signIn', { email: 'admin@stepup.test', password: PASSWORD });
    const [, input] = GUARDED[2]!;
    expect(codeOf(await h.call(slot, 'users.setPassword', await input()))).toBe('ok');
  });

  it('does not ask for what the caller may not do at all: a refusal stays a refusal', async () => {
    const developer = await h.user(homeId, 'developer', 'nosy@stepup.test');
    const slot = h.slotFor(developer.id, { reauthenticated: false });
    const other = await h.org('not-theirs');
    const result = await h.call(slot, 'organizations.delete', {
      id: other.id,
      confirmSlug: other.slug,
    });
    expect(codeOf(result)).toBe('FORBIDDEN');
  });

  it('does not guard a rename: only making someone an administrator', async () => {
    const user = await h.user(homeId, 'user', 'renamed@stepup.test');
    const result = await h.call(staleAdmin(), 'users.update', { id: user.id, name: 'New Name' });
    expect(codeOf(result)).toBe('ok');
  });

  it('refuses a wrong password as a field error, counted like a failed sign-in', async () => {
    const slot = staleAdmin();
    const result = await h.call(slot, 'auth.reauthenticate', { password: 'not the password' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { password: 'The password is not correct.' } },
    });
    const [row] = await h.db.sql<{ failures: number }>(
      "select failures from sign_in_throttle where email = 'admin@stepup.test'",
    );
    expect(row?.failures).toBeGreaterThan(0);
    await h.ok(slot, 'auth.reauthenticate', { password: PASSWORD });
  });
});

describe("users.setPassword on one's own account", () => {
  it('is refused, pointing to changing it with the current one', async () => {
    const result = await h.call(h.slotFor(adminId), 'users.setPassword', {
      id: adminId,
      password: 'no current one needed?',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/Change password/) },
    });
  });
});

describe("a session replaced by its user's own change", () => {
  it('keeps its start: a session that changes its own email at 11 hours still ends at 12 hours', async () => {
    const self = await h.user(homeId, 'admin', 'renewer@stepup.test');
    const slot = h.slotFor(self.id);
    const start = clock;
    const emails = ['renewer-2@stepup.test', 'renewer@stepup.test'];
    let changes = 0;
    const step = IDLE_TIMEOUT_MS - 60_000;
    while (clock + step - start <= ABSOLUTE_LIFETIME_MS) {
      clock += step;
      if (clock - start >= 11 * 60 * 60 * 1000 && changes === 0) {
        await h.ok(slot, 'users.update', { id: self.id, email: emails[changes++ % 2]! });
      }
      expect(codeOf(await h.call(slot, 'users.list', { page: 1, pageSize: 5 }))).toBe('ok');
    }
    expect(changes).toBe(1);
    clock = start + ABSOLUTE_LIFETIME_MS + 1_000;
    expect(await h.call(slot, 'users.list', { page: 1, pageSize: 5 })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/after 12 hours/) },
    });
  });
});
