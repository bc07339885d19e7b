import { randomBytes } from 'node:crypto';
import { expect, test as base, type Browser, type Page } from '@playwright/test';
import pg from 'pg';
import { readState } from '../../src-main/db/embedded/state.ts';
import { APP_DATABASE, SUPERUSER, urlOf } from '../../src-main/db/embedded/urls.ts';
import type { Channel, ChannelInput, ChannelOutput } from '../../src-shared/contract.ts';
import type { ConsoleServer } from './console-server.ts';
import { openConsole, signIn } from './support.ts';

/*
 * What each end-to-end test starts from, made through the console's own
 * HTTP transport so that no test depends on another: the shared console's
 * administrator (created by the global setup, with the demo data), and
 * whatever records a test needs, under names of its own.
 */

/**
 * Playwright's test, closing every window a test opened when it ends: the
 * browser lives as long as the worker, and a window left open keeps its
 * live-update stream and refetches on every later test's writes.
 */
export const test = base.extend<{ closeWindows: undefined }>({
  closeWindows: [
    async ({ browser }, use) => {
      await use(undefined);
      await Promise.all(browser.contexts().map((context) => context.close()));
    },
    { auto: true },
  ],
});

export const ADMIN = { email: 'olive@acme.test', password: 'correct horse battery' };

/** A slug-safe name no other test uses. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/**
 * A channel call as `window` (an id of the caller's own), on the shared
 * console or on `on`, a console of the test's own.
 */
export async function rpc<C extends Channel>(
  window: string,
  channel: C,
  input: ChannelInput<C>,
  on: Pick<ConsoleServer, 'base' | 'token'> = {
    base: process.env.E2E_BASE ?? '',
    token: process.env.E2E_TOKEN ?? '',
  },
): Promise<ChannelOutput<C>> {
  const response = await fetch(`${on.base}/rpc/${channel}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${on.token}`,
      'X-Fleet-Window': window,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(input),
  });
  const result = (await response.json()) as
    { ok: true; data: ChannelOutput<C> } | { ok: false; error: { message: string } };
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.data;
}

let apiWindow: Promise<string> | null = null;

/** A channel call as the shared console's administrator. */
export async function api<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  apiWindow ??= (async () => {
    const window = `e2e-api-${randomBytes(6).toString('hex')}`;
    await rpc(window, 'auth.signIn', ADMIN);
    return window;
  })();
  return rpc(await apiWindow, channel, input);
}

/** An organization of the test's own, with `agents` of its own in it. */
export async function organizationWith(
  prefix: string,
  tier: 'free' | 'pro' | 'enterprise',
  agents: string[] = [],
) {
  const slug = unique(prefix);
  const organization = await api('organizations.create', { name: `Org ${slug}`, slug, tier });
  const created = [];
  for (const name of agents) {
    created.push(
      await api('agents.create', { organizationId: organization.id, name, systemPrompt: 'p' }),
    );
  }
  return { organization, agents: created };
}

/** A confirmed user whose password an administrator set (so they must choose their own). */
export async function userIn(organizationId: string, role: 'user' | 'developer', password: string) {
  const email = `${unique(role)}@e2e.test`;
  const user = await api('users.create', { organizationId, email, name: role, role, password });
  await api('users.confirm', { id: user.id });
  return { ...user, email };
}

/** A new window signed in as the shared console's administrator, on the Fleet screen. */
export async function adminPage(browser: Browser): Promise<Page> {
  const page = await openConsole(browser);
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
  return page;
}

/** Opens a path of the shared console in a window that already has its token. */
export async function visit(page: Page, path: string): Promise<void> {
  await page.goto(new URL(path, process.env.E2E_BASE).toString());
}

/** The shared console's database, as its superuser: a server's, or the embedded one's. */
export async function consoleDatabase(): Promise<string> {
  if (process.env.E2E_DATABASE_URL) return process.env.E2E_DATABASE_URL;
  const state = await readState(process.env.E2E_HOME ?? '');
  if (!state) throw new Error('The console has neither a DATABASE_URL nor an embedded server');
  return urlOf(SUPERUSER, state.password, state.port, state.appDatabase ?? APP_DATABASE);
}

/** SQL on the shared console's database as its superuser, as an operator's hand would run it. */
export async function asSuperuser(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: await consoleDatabase() });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/**
 * Moves the last password entry of `email`'s sessions on the shared console
 * 10 minutes back, as if time had passed: step-up asks for it again.
 */
export function passwordEnteredLongAgo(email: string): Promise<void> {
  return asSuperuser(
    `update sessions set reauthenticated_at = now() - interval '10 minutes'
      where user_id = (select id from users where email = $1) and ended_at is null`,
    [email],
  );
}
