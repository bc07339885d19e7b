import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { systemChromium } from './chromium.ts';
import { startConsoleServer } from './console-server.ts';
import { ADMIN } from './fixtures.ts';

/**
 * Builds the app, starts `start:headless` on a fresh database, and hands the
 * tests its URL through the environment. Returns the teardown.
 */
export default async function globalSetup() {
  if (!systemChromium && !existsSync(chromium.executablePath())) {
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

  const server = await startConsoleServer();
  // the shared console's administrator and the demo data every test may read
  const call = async (channel: string, input: unknown) => {
    const response = await fetch(`${server.base}/rpc/${channel}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${server.token}`,
        'X-Fleet-Window': 'e2e-global-setup',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(input),
    });
    const result = (await response.json()) as { ok: boolean };
    if (!result.ok)
      throw new Error(`${channel} failed in the global setup: ${JSON.stringify(result)}`);
  };
  await call('auth.createFirstAdmin', {
    organizationName: 'Acme Operations',
    slug: 'acme-operations',
    email: ADMIN.email,
    name: 'Olive Operator',
    password: ADMIN.password,
  });
  await call('demo.load', {});
  process.env.E2E_URL = server.url;
  process.env.E2E_BASE = server.base;
  process.env.E2E_TOKEN = server.token;
  process.env.E2E_HOME = server.home;
  process.env.E2E_DATABASE_URL = server.databaseUrl ?? '';
  return server.stop;
}
