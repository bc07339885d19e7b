import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, ChannelInput, ChannelOutput, Result } from '../../src-shared/contract.ts';
import type { Role } from '../../src-shared/domain/enums.ts';
import { directoryTarget } from '../../src-main/files/file-target.ts';
import { randomUUID } from 'node:crypto';
import { CHANGE_CHANNEL, listenForChanges } from '../../src-main/db/change-listener.ts';
import { createRouter, type Router } from '../../src-main/ipc/router.ts';
import { SignedInCache } from '../../src-main/ipc/signed-in-cache.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { SessionStore } from '../../src-main/services/sessions.ts';
import { insertUser } from '../../src-main/services/users.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { passwords, testEnvironment } from './services.ts';

export const PASSWORD = 'correct horse battery';

export interface Harness {
  db: TestDatabase;
  router: Router;
  /** Who is signed in, kept while this console hears the database's changes, as in the app. */
  signedIn: SignedInCache;
  /** Settles once this console has heard every change committed before the call. */
  settled(): Promise<void>;
  sessions: SessionStore;
  errors: unknown[];
  /** Where signed-in slots save files (CSV exports). */
  filesDir: string;
  call<C extends Channel>(
    slot: SessionSlot,
    channel: C,
    raw: ChannelInput<C> | Record<string, unknown>,
  ): Promise<Result<ChannelOutput<C>>>;
  /** Calls and unwraps, failing the test on an error result. */
  ok<C extends Channel>(
    slot: SessionSlot,
    channel: C,
    raw: ChannelInput<C>,
  ): Promise<ChannelOutput<C>>;
  /** A confirmed user with PASSWORD, created as the system. */
  user(organizationId: string, role: Role, email: string): Promise<{ id: string; email: string }>;
  org(slug: string, tier?: 'free' | 'pro' | 'enterprise'): Promise<{ id: string; slug: string }>;
  /** A slot already signed in as the user (no bcrypt work), saving files into filesDir. */
  slotFor(userId: string): SessionSlot;
  close(): Promise<void>;
}

export async function createHarness(options: { now?: () => number } = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const sessions = new SessionStore(options.now);
  const errors: unknown[] = [];
  const signedIn = new SignedInCache();
  const heardIds = new Set<string | null>();
  const listener = listenForChanges(db.url, {
    onChange: (change) => heardIds.add(change.id),
    onReconnect: () => undefined,
    ...signedIn.listening,
    log: () => undefined,
  });
  await signedIn.heard();
  const router = createRouter({
    em: db.orm.em,
    passwords: passwords(),
    sessions,
    logError: (_message, error) => errors.push(error),
    environment: testEnvironment(db.url),
    signedIn,
  });
  const filesDir = await mkdtemp(join(tmpdir(), 'fleetprompt-files-'));
  /** The role of each user the harness created, for the sessions it opens for them. */
  const roles = new Map<string, { role: Role; organizationId: string }>();
  const call = (async (slot: SessionSlot, channel: string, raw: unknown) =>
    router.dispatch(slot, channel, raw)) as Harness['call'];
  return {
    db,
    router,
    signedIn,
    settled: async () => {
      // notifications arrive in commit order: once this one is heard, so is every earlier one
      const marker = randomUUID();
      // a well-formed change nobody's screen shows: a malformed one would be dropped unheard
      const change = {
        kind: 'demo',
        id: marker,
        organizationId: null,
        version: null,
        action: 'demo.load',
      };
      await db.sql(`select pg_notify('${CHANGE_CHANNEL}', $1)`, [JSON.stringify(change)]);
      for (let waited = 0; !heardIds.has(marker); waited += 10) {
        if (waited > 5_000) throw new Error('The console did not hear its own database for 5 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      heardIds.delete(marker);
    },
    sessions,
    errors,
    filesDir,
    call,
    ok: async (slot, channel, raw) => {
      const result = await router.dispatch(slot, channel, raw);
      if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
      return result.data as never;
    },
    user: async (organizationId, role, email) => {
      const user = await db.orm.em.fork().transactional((tx) =>
        insertUser(tx, passwords(), {
          organizationId,
          email,
          name: `${role} user`,
          role,
          password: PASSWORD,
          confirmed: true,
        }),
      );
      roles.set(user.id, { role, organizationId });
      return { id: user.id, email: user.email };
    },
    org: async (slug, tier = 'pro') => {
      const org = await router.system('organizations.create', {
        name: `Org ${slug}`,
        slug,
        tier,
      });
      return { id: org.id, slug: org.slug };
    },
    slotFor: (userId) => ({
      sessionId: sessions.create({
        id: userId,
        ...(roles.get(userId) ?? { role: 'user', organizationId: '' }),
      }),
      files: directoryTarget(filesDir),
    }),
    close: async () => {
      await listener.close();
      await rm(filesDir, { recursive: true, force: true });
      await db.drop();
    },
  };
}

/**
 * A digest of every table the console can write, to prove that a refused
 * call wrote nothing: row counts catch deletes, the newest row version
 * (xmin) catches inserts and updates. One query, whatever the table sizes.
 */
export async function fingerprint(db: TestDatabase): Promise<string> {
  const schemas = await db.sql<{ nspname: string }>(
    "select nspname from pg_namespace where nspname like 'org\\_%' order by 1",
  );
  const tables = [
    'public.organizations',
    'public.users',
    'public.skills',
    'public.audit_events',
    'public.skill_usage',
    ...schemas.flatMap((s) =>
      ['agents', 'agent_transitions', 'agent_skills'].map((t) => `"${s.nspname}".${t}`),
    ),
  ];
  const rows = await db.sql<{ t: string; n: string; x: string | null }>(
    tables
      .map(
        (table) =>
          `select '${table}' as t, count(*) as n, max(xmin::text::bigint) as x from ${table}`,
      )
      .join(' union all '),
  );
  return [schemas.map((s) => s.nspname).join(','), ...rows.map((r) => `${r.t}:${r.n}:${r.x}`)].join(
    '\n',
  );
}

/** A harness with an organization and its administrator: what most test files start from. */
export type AdminHarness = Harness & {
  /** A new session of the administrator (some calls end the others). */
  admin(): SessionSlot;
  homeId: string;
};

/**
 * One harness for a test file, built before its tests and dropped after:
 * a fresh database, the organization `home` (default `<prefix>-home`) and
 * its administrator `admin@<prefix>.test`.
 */
export function adminHarness(prefix: string, home = `${prefix}-home`): AdminHarness {
  let current: AdminHarness | null = null;
  beforeAll(async () => {
    const h = await createHarness();
    const homeId = (await h.org(home)).id;
    const adminId = (await h.user(homeId, 'admin', `admin@${prefix}.test`)).id;
    current = { ...h, homeId, admin: () => h.slotFor(adminId) };
  });
  afterAll(() => current?.close());
  return new Proxy({} as AdminHarness, {
    get: (_target, key) => {
      if (!current) throw new Error('The harness is used before its beforeAll has run');
      return current[key as keyof AdminHarness];
    },
  });
}
