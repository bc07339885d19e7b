import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from '@playwright/test';
import pg from 'pg';

/**
 * Builds the app, starts `start:headless` on a fresh database (embedded, or a
 * new database on FLEETPROMPT_TEST_DATABASE_URL's server), and hands the
 * tests its URL through the environment. Returns the teardown.
 */
export default async function globalSetup() {
  if (!existsSync('/usr/bin/chromium') && !existsSync(chromium.executablePath())) {
    throw new Error(
      'No Chromium for the end-to-end tests: install one with `apt-get install -y chromium`.',
    );
  }
  const build = spawnSync(
    process.execPath,
    ['node_modules/electron-vite/bin/electron-vite.js', 'build'],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error('electron-vite build failed');

  const home = await mkdtemp(join(tmpdir(), 'fleetprompt-e2e-'));
  await chmod(home, 0o755);
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const childEnv: NodeJS.ProcessEnv = { ...env, FLEETPROMPT_HOME: home };
  let dropDatabase = async () => undefined;
  const server = process.env.FLEETPROMPT_TEST_DATABASE_URL;
  if (server) {
    const name = `fp_e2e_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    childEnv.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }

  const child = spawn(process.execPath, ['src-main/cli/headless.ts'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`start:headless exited with ${code}`)));
  });
  const announced = JSON.parse(line) as { url: string; port: number; token: string };
  process.env.E2E_URL = announced.url;
  process.env.E2E_BASE = `http://127.0.0.1:${announced.port}`;
  process.env.E2E_TOKEN = announced.token;
  process.env.E2E_HOME = home;
  process.env.E2E_DATABASE_URL = childEnv.DATABASE_URL ?? '';

  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await dropDatabase();
    await rm(home, { recursive: true, force: true });
  };
}
