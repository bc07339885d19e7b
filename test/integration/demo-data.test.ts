import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../seeds/demo-data.ts';
import { runElectronApp } from '../../src-main/electron/app-main.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { fakeElectron } from '../support/fake-electron.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
let home: string;
beforeAll(async () => {
  h = await createHarness();
  home = await mkdtemp(join(tmpdir(), 'fleetprompt-seed-flag-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await h.close();
});

/** Runs the app entry with `--seed` against a stand-in Electron; resolves with the exit code. */
async function runSeedFlag(env: NodeJS.ProcessEnv) {
  const electron = fakeElectron();
  electron.app.whenReady = () => Promise.resolve();
  const printed: string[] = [];
  const exited = once(electron.app, 'exit');
  runElectronApp(electron as never, {
    mainDir: '/app/out/main',
    argv: ['/opt/FleetPrompt/fleetprompt', '--seed'],
    env: { FLEETPROMPT_HOME: home, ...env },
    print: (line) => printed.push(line),
  });
  const [code] = (await exited) as [number];
  return { code, printed: printed.join('\n'), windows: electron.BrowserWindow.instances.length };
}

describe('demo data from the console', () => {
  it('loads on the first-run screen, signed out, and the demo admin can then sign in', async () => {
    const result = await h.ok({}, 'demo.load', {});
    expect(result.created).toEqual(expect.arrayContaining([`admin user ${DEMO_ADMIN.email}`]));
    expect(result.signInAs).toEqual({ email: DEMO_ADMIN.email, password: DEMO_ADMIN.password });
    const slot = {};
    expect((await h.ok(slot, 'auth.signIn', result.signInAs)).email).toBe(DEMO_ADMIN.email);
  });

  it('makes the demo administrator choose a new password before anything else', async () => {
    const slot = {};
    const me = await h.ok(slot, 'auth.signIn', {
      email: DEMO_ADMIN.email,
      password: DEMO_ADMIN.password,
    });
    expect(me.mustChangePassword).toBe(true);
    expect(await h.call(slot, 'organizations.list', {})).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_CHANGE_REQUIRED' },
    });
    await h.ok(slot, 'auth.changePassword', {
      currentPassword: DEMO_ADMIN.password,
      newPassword: 'a password of my own',
    });
    expect((await h.ok(slot, 'auth.me', {}))?.mustChangePassword).toBe(false);
    expect((await h.ok(slot, 'organizations.list', {})).total).toBe(1);
  });

  it('changes nothing when loaded again by an administrator, and says so', async () => {
    const slot = {};
    await h.ok(slot, 'auth.signIn', { email: DEMO_ADMIN.email, password: 'a password of my own' });
    const again = await h.ok(slot, 'demo.load', {});
    expect(again.created).toEqual([]);
    expect(again.present).toHaveLength(6);
  });

  it('refuses a signed-out load once an account exists', async () => {
    expect(await h.call({}, 'demo.load', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('the packaged app with --seed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('loads the demo data without opening a window and exits 0', async () => {
    const run = await runSeedFlag({ DATABASE_URL: db.url });
    expect(run).toMatchObject({ code: 0, windows: 0 });
    expect(run.printed).toContain('Seed data created successfully.');
    const [counts] = await db.sql<{ skills: string; agents: string }>(
      'select (select count(*) from public.skills) as skills, (select count(*) from "org_demo".agents) as agents',
    );
    expect(counts).toEqual({ skills: '3', agents: '1' });
  });

  it('is idempotent: a second run creates nothing', async () => {
    const run = await runSeedFlag({ DATABASE_URL: db.url });
    expect(run.code).toBe(0);
    expect(run.printed).toContain('Nothing to do: the demo data was already loaded.');
  });

  it('exits 1 with the reason when the database cannot be reached', async () => {
    const run = await runSeedFlag({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect(run.code).toBe(1);
    expect(run.printed).toMatch(/^Seeding failed: /);
  });
});
