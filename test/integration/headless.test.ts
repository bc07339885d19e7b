import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src-shared/channels.ts';
import { startHeadless, type HeadlessServer } from '../../src-main/headless/server.ts';
import { LINK_REFUSED } from '../../src-main/headless/session-claim.ts';
import { createRouter } from '../../src-main/ipc/router.ts';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';
import { passwords, testEnvironment } from '../support/services.ts';

let h: Harness;
let server: HeadlessServer;
let rendererDir: string;
let base: string;

beforeAll(async () => {
  h = await createHarness();
  const org = await h.org('headless-co');
  await h.user(org.id, 'admin', 'admin@headless.test');
  await h.user(org.id, 'developer', 'dev@headless.test');
  rendererDir = await mkdtemp(join(tmpdir(), 'fleetprompt-renderer-'));
  await writeFile(
    join(rendererDir, 'index.html'),
    '<html><head><script type="module" src="/assets/app.js"></script></head></html>',
  );
  let broadcast: (event: FleetEvent) => void = () => undefined;
  const router = createRouter({
    em: h.db.orm.em,
    passwords: passwords(),
    logError: () => undefined,
    emit: (event) => broadcast(event),
    environment: testEnvironment(h.db.url),
  });
  server = await startHeadless({ router, rendererDir });
  broadcast = server.broadcast;
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await rm(rendererDir, { recursive: true, force: true });
  await h.close();
});

const headers = (windowId = 'window-aaaaaaaa', extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${server.token}`,
  'X-Fleet-Window': windowId,
  'Content-Type': 'application/json',
  ...extra,
});

/** The one-time code in a launch link's fragment. */
const codeOf = (link: string) => new URL(link).hash.slice('#code='.length);

const claim = (code: string, extra: Record<string, string> = {}) =>
  fetch(`${base}/session/claim`, {
    method: 'POST',
    headers: { Origin: base, 'Content-Type': 'application/json', ...extra },
    body: JSON.stringify({ code }),
  });

const rpc = (channel: string, body: unknown, init: { headers?: Record<string, string> } = {}) =>
  fetch(`${base}/rpc/${channel}`, {
    method: 'POST',
    headers: init.headers ?? headers(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('headless transport', () => {
  it('announces a loopback URL carrying a 128-bit token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(16);
  });

  it('opens browsers on a launch link that carries a one-time code, never the token', () => {
    const link = server.launchUrl();
    expect(link).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#code=[A-Za-z0-9_-]{22}$`),
    );
    expect(link).not.toContain(server.token);
  });

  it("exchanges a launch link's code for the token once", async () => {
    const code = codeOf(server.launchUrl());
    const first = await claim(code);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, data: { token: server.token } });
    const again = await claim(code);
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: LINK_REFUSED },
    });
  });

  it('refuses a wrong code with the same answer, and no token', async () => {
    const code = codeOf(server.launchUrl());
    const wrong = await claim(code.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: LINK_REFUSED },
    });
  });

  it('accepts only the newest launch link: one valid code at a time', async () => {
    const older = codeOf(server.launchUrl());
    const newer = codeOf(server.launchUrl());
    expect((await claim(older)).status).toBe(401);
    expect((await claim(newer)).status).toBe(200);
  });

  it('refuses a claim from a foreign Origin before spending the code', async () => {
    const code = codeOf(server.launchUrl());
    const foreign = await claim(code, { Origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).not.toContain(server.token);
    expect((await claim(code)).status).toBe(200);
  });

  it('refuses a claim naming a Host that is not loopback', async () => {
    const code = codeOf(server.launchUrl());
    const { request } = await import('node:http');
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/session/claim',
          method: 'POST',
          headers: { Host: `rebound.example:${server.port}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ code }));
    });
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain(server.token);
  });

  it('answers a claim without a code with a VALIDATION error', async () => {
    const response = await fetch(`${base}/session/claim`, { method: 'POST', body: '{"oops":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('serves the renderer with the bridge script and a strict CSP', async () => {
    const response = await fetch(`${base}/organizations`);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await response.text();
    expect(html).toContain('<script src="/bridge.js"></script>');
    expect(await (await fetch(`${base}/bridge.js`)).text()).toContain('window.fleet');
  });

  it('serves no file from a sibling folder whose name starts like the renderer folder', async () => {
    const sibling = `${rendererDir}-old`;
    await mkdir(sibling);
    try {
      await writeFile(join(sibling, 'secret.js'), 'sibling secret');
      const escaped = encodeURIComponent(`../${basename(sibling)}/secret.js`);
      const response = await fetch(`${base}/${escaped}`);
      expect(await response.text()).not.toContain('sibling secret');
    } finally {
      await rm(sibling, { recursive: true, force: true });
    }
  });

  it('answers 400 to a path with a malformed percent escape', async () => {
    const response = await fetch(`${base}/assets/%E0%A4%A.js`);
    expect(response.status).toBe(400);
  });

  it('answers 401 without the token and with a wrong one', async () => {
    expect(
      (await rpc('auth.firstRun', {}, { headers: { 'X-Fleet-Window': 'window-aaaaaaaa' } })).status,
    ).toBe(401);
    expect(
      (
        await rpc(
          'auth.firstRun',
          {},
          { headers: headers('window-aaaaaaaa', { Authorization: 'Bearer wrong' }) },
        )
      ).status,
    ).toBe(401);
  });

  it('answers 403 to a Host that is not loopback and to a foreign Origin', async () => {
    expect(
      (
        await rpc(
          'auth.firstRun',
          {},
          { headers: headers('window-aaaaaaaa', { Origin: 'http://evil.example' }) },
        )
      ).status,
    ).toBe(403);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/rpc/auth.firstRun',
          method: 'POST',
          headers: { ...headers(), Host: 'evil.example' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const response = await rpc(
      'auth.signIn',
      JSON.stringify({ email: 'x', password: 'y'.repeat(1024 * 1024) }),
    );
    expect(response.status).toBe(413);
  });

  it('answers malformed JSON with a VALIDATION error', async () => {
    const response = await rpc('auth.firstRun', '{"oops":');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('rejects a __proto__ key in the body as an unknown field', async () => {
    const response = await rpc('auth.firstRun', '{"__proto__": {"polluted": true}}');
    expect(await response.json()).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { __proto__: 'is not a known field' } },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps one session per window: two windows signed in as two users at once', async () => {
    await rpc(
      'auth.signIn',
      { email: 'admin@headless.test', password: PASSWORD },
      { headers: headers('window-admin01') },
    );
    await rpc(
      'auth.signIn',
      { email: 'dev@headless.test', password: PASSWORD },
      { headers: headers('window-dev0001') },
    );
    const me = async (id: string) =>
      (
        (await (await rpc('auth.me', {}, { headers: headers(id) })).json()) as {
          data: { email: string } | null;
        }
      ).data;
    expect((await me('window-admin01'))?.email).toBe('admin@headless.test');
    expect((await me('window-dev0001'))?.email).toBe('dev@headless.test');
    expect(await me('window-nobody1')).toBeNull();
  });

  it('streams progress events over /events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/events`, {
      headers: headers('window-admin01'),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    await reader.read();
    await h.db.sql("update organizations set tenant_schema_version = 0 where slug = 'headless-co'");
    const migrated = await (
      await rpc('tenancy.migrateAll', {}, { headers: headers('window-admin01') })
    ).json();
    expect(migrated).toMatchObject({ ok: true, data: { total: 1, migrated: 1 } });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain(
      '"type":"migration-progress","done":1,"total":1,"slug":"headless-co"',
    );
    controller.abort();
  });

  it('sends tenant progress to administrators only, and nothing to a window before sign-in', async () => {
    /** What a window's stream received while an administrator migrated every tenant. */
    const received = async (windowId: string) => {
      const controller = new AbortController();
      const response = await fetch(`${base}/events`, {
        headers: headers(windowId),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      const chunks: string[] = [];
      const reading = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          chunks.push(new TextDecoder().decode(value));
        }
      })().catch(() => undefined);
      return {
        stop: async () => {
          controller.abort();
          await reading;
          return chunks.join('');
        },
      };
    };
    const admin = await received('window-admin01');
    const developer = await received('window-dev0001');
    const nobody = await received('window-nobody1');
    await h.db.sql("update organizations set tenant_schema_version = 0 where slug = 'headless-co'");
    await rpc('tenancy.migrateAll', {}, { headers: headers('window-admin01') });
    // the admin's stream proves the event went out before the others are read
    await expect.poll(async () => (await rpc('auth.me', {})).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await admin.stop()).toContain('"slug":"headless-co"');
    expect(await developer.stop()).not.toContain('migration-progress');
    expect(await nobody.stop()).not.toContain('migration-progress');
  });

  it('offers a saved CSV once as a download, named as an attachment', async () => {
    await rpc(
      'auth.signIn',
      { email: 'admin@headless.test', password: PASSWORD },
      { headers: headers('window-export1') },
    );
    const exported = (await (
      await rpc('csv.export', { table: 'organizations' }, { headers: headers('window-export1') })
    ).json()) as { ok: true; data: { rows: number; file: { name: string; downloadUrl: string } } };
    expect(exported.data.rows).toBe(1);
    const download = await fetch(`${base}${exported.data.file.downloadUrl}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="organizations-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const body = Buffer.from(await download.arrayBuffer()).toString('utf8');
    expect(body).toMatch(/^\uFEFFname,slug,schema,.*\r\nOrg headless-co,headless-co,/s);
    expect((await fetch(`${base}${exported.data.file.downloadUrl}`)).status).toBe(404);
  });

  it('answers 404 for a download id it never offered', async () => {
    const response = await fetch(`${base}/download/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(response.status).toBe(404);
  });
});
