import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, ChannelInput, ChannelOutput, Result } from '../../src-shared/contract.ts';
import type { Role } from '../../src-shared/domain/enums.ts';
import { directoryTarget } from '../../src-main/files/file-target.ts';
import { randomUUID } from 'node:crypto';
import { CHANGE_CHANNEL, listenForChanges } from '../../src-main/db/change-listener.ts';
import { createRouter, type Router } from '../../src-main/ipc/router.ts';
import { SignedInCache } from '../../src-main/identity/signed-in-cache.ts';
import type { SessionStore } from '../../src-main/identity/sessions.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { insertUser } from '../../src-main/services/users.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { liveScratchDatabases } from './scratch-database.ts';
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
  /**
   * A slot already signed in as the user (no bcrypt work), saving files into
   * filesDir; its password counts as just entered unless `reauthenticated`
   * is false. The session's row is written before the next call, query or
   * fingerprint of this harness.
   */
  slotFor(userId: string, options?: { reauthenticated?: boolean }): SessionSlot;
  close(): Promise<void>;
  /** Closes every connection the harness holds and keeps its database, whose name it answers. */
  detach(): Promise<string>;
}

export async function createHarness(options: { now?: () => number } = {}): Promise<Harness> {
  const db = await createTestDatabase();
  /** Sessions slotFor is still writing: every way in to the database waits for them. */
  // every caller waits for every session still being written, not only the first caller
  const opening = new Set<Promise<unknown>>();
  const opened = async () => void (await Promise.all(opening));
  const query = db.sql.bind(db);
  db.sql = (async (text: string, params?: unknown[]) => {
    await opened();
    return query(text, params);
  }) as TestDatabase['sql'];
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
  const environment = testEnvironment(db.url);
  const inner = createRouter({
    em: db.orm.em,
    passwords: passwords(),
    logError: (_message, error) => errors.push(error),
    environment,
    signedIn,
    ...(options.now ? { now: options.now } : {}),
  });
  const router: Router = {
    ...inner,
    dispatch: async (...args) => (await opened(), inner.dispatch(...args)),
    mayReceive: async (...args) => (await opened(), inner.mayReceive(...args)),
  };
  const { sessions } = inner;
  const filesDir = await mkdtemp(join(tmpdir(), 'fleetprompt-files-'));
  watchedDirs.set(db, [environment.dataDir, filesDir]);
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
    slotFor: (userId, { reauthenticated = true } = {}) => {
      const slot: SessionSlot = { files: directoryTarget(filesDir) };
      const written = openSession(sessions, db, userId, reauthenticated).then((secret) => {
        slot.sessionId = secret;
      });
      opening.add(written);
      void written.finally(() => opening.delete(written));
      return slot;
    },
    close: async () => {
      await listener.close();
      await rm(filesDir, { recursive: true, force: true });
      await db.drop();
    },
    detach: async () => {
      await listener.close();
      await rm(filesDir, { recursive: true, force: true });
      await db.disconnect();
      return db.name;
    },
  };
}

/** A session of the user's, as if they had just signed in (or earlier, when not `reauthenticated`). */
async function openSession(
  sessions: SessionStore,
  db: TestDatabase,
  userId: string,
  reauthenticated: boolean,
): Promise<string> {
  // the session starts when asked for, not when its row is written (a test may move the clock between)
  const now = sessions.now();
  return db.orm.em.fork().transactional((tx) =>
    sessions.open(tx, userId, 'headless', {
      startedAt: now,
      reauthenticatedAt: reauthenticated ? now : null,
    }),
  );
}

/**
 * A digest of everything a call could write, to prove that a refused call
 * wrote nothing: every table of public and of each tenant schema (row
 * counts catch deletes, the newest row version, xmin, catches inserts and
 * updates; of sessions, only the ended ones), the console's files (settings, backups, saved exports: path,
 * size and time) and every other scratch database still open in this test
 * file (a move's target).
 */
export async function fingerprint(db: TestDatabase): Promise<string> {
  const targets = liveScratchDatabases().filter((url) => url !== db.url);
  return [
    await tablesDigest((text) => db.sql(text)),
    ...(await Promise.all((watchedDirs.get(db) ?? []).map(filesDigest))),
    ...(await Promise.all(targets.map(targetDigest))),
  ].join('\n');
}

type Query = <T extends Record<string, unknown>>(text: string) => Promise<T[]>;

async function tablesDigest(sql: Query): Promise<string> {
  const tables = await sql<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and (n.nspname = 'public' or n.nspname like 'org\\_%')
      order by 1`,
  );
  if (tables.length === 0) return 'no tables';
  const rows = await sql<{ t: string; n: string; x: string | null }>(
    tables
      .map(({ name }) =>
        name === 'public.sessions'
          ? // a test's slots open sessions when first used and every call marks its own used:
            // neither is the call's write; ending one is
            `select ${pgLiteral(name)} as t, count(ended_at) as n, max(ended_at)::text as x from ${name}`
          : `select ${pgLiteral(name)} as t, count(*) as n, max(xmin::text::bigint)::text as x from ${name}`,
      )
      .join(' union all '),
  );
  return rows.map((r) => `${r.t}:${r.n}:${r.x}`).join('\n');
}

const pgLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

async function targetDigest(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sql: Query = async (text) => (await client.query(text)).rows as never;
    return `${new URL(url).pathname}\n${await tablesDigest(sql)}`;
  } finally {
    await client.end();
  }
}

async function filesDigest(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => {
        const path = join(e.parentPath, e.name);
        const info = await stat(path);
        return `${path}:${info.size}:${info.mtimeMs}`;
      }),
  );
  return [dir, ...files.sort()].join('\n');
}

/** The directories each harness's console writes files into, watched by fingerprint. */
const watchedDirs = new WeakMap<TestDatabase, string[]>();

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
