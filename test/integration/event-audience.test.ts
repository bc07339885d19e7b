import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src-shared/channels.ts';
import { CHANGE_CHANNEL } from '../../src-main/db/change-listener.ts';
import { startHeadless, type HeadlessServer } from '../../src-main/headless/server.ts';
import { openRuntime, type Runtime } from '../../src-main/runtime.ts';
import { adminHarness, PASSWORD } from '../support/harness.ts';

/*
 * What reaches a window's event stream, through the real runtime (its change
 * listener) and the headless transport, when other connections NOTIFY: any
 * role that may connect to the database can, so what they send is data.
 */

const h = adminHarness('audience', 'demo-co');
let home: string;
let runtime: Runtime;
let server: HeadlessServer;
let rendererDir: string;
let betaId: string;
let betaDeveloper: { id: string; email: string };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'fleetprompt-audience-'));
  rendererDir = await mkdtemp(join(tmpdir(), 'fleetprompt-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<html></html>');
  let broadcast: (event: FleetEvent) => void = () => undefined;
  runtime = await openRuntime({
    dataDir: home,
    env: { DATABASE_URL: h.db.url },
    onEvent: (event) => broadcast(event),
  });
  server = await startHeadless({ router: runtime.router, rendererDir });
  broadcast = server.broadcast;
  await h.user(h.homeId, 'user', 'user@demo.test');
  betaId = (await h.org('beta-co')).id;
  betaDeveloper = await h.user(betaId, 'developer', 'dev@beta.test');
  await h.user(betaId, 'user', 'user@beta.test');
});
afterAll(async () => {
  await server?.close();
  await runtime?.close();
  await rm(home, { recursive: true, force: true });
  await rm(rendererDir, { recursive: true, force: true });
});

const headers = (windowId: string) => ({
  Authorization: `Bearer ${server.token}`,
  'X-Fleet-Window': windowId,
  'Content-Type': 'application/json',
});

const rpc = async (windowId: string, channel: string, input: unknown) =>
  (await (
    await fetch(`http://127.0.0.1:${server.port}/rpc/${channel}`, {
      method: 'POST',
      headers: headers(windowId),
      body: JSON.stringify(input),
    })
  ).json()) as { ok: boolean; data?: unknown; error?: { code: string } };

/** A window signed in as `email`, collecting what its /events stream receives. */
async function window(windowId: string, email: string) {
  const signedIn = await rpc(windowId, 'auth.signIn', { email, password: PASSWORD });
  expect(signedIn.ok).toBe(true);
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${server.port}/events`, {
    headers: headers(windowId),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  await reader.read();
  let text = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += new TextDecoder().decode(value);
    }
  })().catch(() => undefined);
  return {
    received: () => text,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

const notify = (payload: string) =>
  h.db.sql(`select pg_notify('${CHANGE_CHANNEL}', $1)`, [payload]);

describe('events heard from the database', () => {
  it('never puts a forged notification on a screen: bad type, bad kind, oversize, extra fields', async () => {
    const screen = await window('window-forged01', 'user@demo.test');
    try {
      const demo = h.homeId;
      const valid = {
        kind: 'organization',
        id: demo,
        organizationId: demo,
        version: 1,
        action: 'organizations.update',
      };
      await notify(
        JSON.stringify({ type: 'startup-failed', message: 'Update at http://evil.example' }),
      );
      await notify(JSON.stringify({ ...valid, type: 'startup-failed', message: 'evil.example' }));
      await notify(JSON.stringify({ ...valid, kind: 'evil-kind' }));
      await notify(JSON.stringify({ ...valid, id: 'evil-id' }));
      await notify(JSON.stringify({ ...valid, action: 'evil.action' }));
      await notify(JSON.stringify({ ...valid, version: 'evil' }));
      await notify(JSON.stringify({ ...valid, organizationId: null }));
      await notify(JSON.stringify({ ...valid, padding: 'evil'.repeat(1_500) }));
      await notify(JSON.stringify({ ...valid, id: null, version: 666 }) + ' '.repeat(600));
      await notify('not json: evil');
      // the real change comes last: notifications arrive in order, so once it is heard all were
      await notify(JSON.stringify(valid));
      await expect.poll(() => screen.received(), { timeout: 5_000 }).toContain(demo);
      expect(screen.received()).not.toMatch(/evil|startup-failed|666/);
      expect(screen.received().match(/"type":"change"/g)).toHaveLength(1);
      const log = await readFile(join(home, 'logs', 'fleetprompt.log'), 'utf8');
      expect(log).toMatch(/dropped \d+ change notification/);
      expect(log).not.toContain('evil');
    } finally {
      await screen.close();
    }
  });

  it('sends a change without an organization to administrators only', async () => {
    const user = await window('window-nullorg1', 'user@demo.test');
    const admin = await window('window-nullorg2', 'admin@audience.test');
    try {
      await h.ok(h.admin(), 'skills.create', {
        name: 'Announced skill',
        slug: 'announced-skill',
        systemPromptEnhancement: 'Be brief.',
      });
      await expect.poll(() => admin.received(), { timeout: 5_000 }).toContain('"kind":"skill"');
      await h.settled();
      expect(user.received()).not.toContain('"kind":"skill"');
    } finally {
      await Promise.all([user.close(), admin.close()]);
    }
  });
});

describe('every change names its organization', () => {
  it("sends a developer's password change to their organization, not to another's users", async () => {
    const demoUser = await window('window-passwd01', 'user@demo.test');
    const betaUser = await window('window-passwd02', 'user@beta.test');
    try {
      const changed = await rpc('window-passwd03', 'auth.signIn', {
        email: betaDeveloper.email,
        password: PASSWORD,
      });
      expect(changed.ok).toBe(true);
      const result = await rpc('window-passwd03', 'auth.changePassword', {
        currentPassword: PASSWORD,
        newPassword: 'a brand new passphrase',
      });
      expect(result.ok).toBe(true);
      await expect.poll(() => betaUser.received(), { timeout: 5_000 }).toContain(betaDeveloper.id);
      await h.settled();
      expect(demoUser.received()).not.toContain(betaDeveloper.id);
    } finally {
      await Promise.all([demoUser.close(), betaUser.close()]);
    }
  });

  it("keeps a password change in its organization's audit view", async () => {
    const audit = await h.ok(h.admin(), 'audit.list', { organizationId: betaId });
    expect(audit.items).toContainEqual(
      expect.objectContaining({ action: 'auth.changePassword', targetId: betaDeveloper.id }),
    );
  });

  it("sends an organization's deletion to administrators only, and keeps it in its audit view", async () => {
    const doomed = await h.org('doomed-co');
    await h.user(doomed.id, 'user', 'user@doomed.test');
    const member = await window('window-deleted1', 'user@doomed.test');
    const demoUser = await window('window-deleted2', 'user@demo.test');
    const admin = await window('window-deleted3', 'admin@audience.test');
    try {
      await h.ok(h.admin(), 'organizations.delete', { id: doomed.id, confirmSlug: 'doomed-co' });
      await expect
        .poll(() => admin.received(), { timeout: 5_000 })
        .toContain('"action":"organizations.delete"');
      await h.settled();
      expect(member.received()).not.toContain('organizations.delete');
      expect(demoUser.received()).not.toContain(doomed.id);
      const audit = await h.ok(h.admin(), 'audit.list', { organizationId: doomed.id });
      expect(audit.items).toContainEqual(
        expect.objectContaining({ action: 'organizations.delete', targetId: doomed.id }),
      );
    } finally {
      await Promise.all([member.close(), demoUser.close(), admin.close()]);
    }
  });
});
