import { createHash, randomBytes } from 'node:crypto';
import { chown, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import {
  reachableBinaries,
  reachableByOthers,
  shippedBinaries,
  type PostgresBinaries,
} from './embedded-binaries.ts';
import {
  isClusterPostgres,
  runToEnd,
  serverUser,
  startServer,
  type RunAs,
  type RunningServer,
} from './embedded-process.ts';
import {
  prepareTemplatesRoot,
  publishTemplate,
  readTemplate,
  takeTemplate,
  templatePlace,
  templatesRoot,
} from './embedded-template.ts';
import { quoteIdent } from './identifiers.ts';

/*
 * The console's own PostgreSQL, in its data directory, for when no server
 * is configured. One process starts it; others (npm run seed while the app
 * runs) find it and join. The app connects as a role without superuser that
 * owns its database; the superuser only bootstraps.
 */

/** What a process needs to reach the embedded server, kept in the data directory (mode 0600). */
interface EmbeddedState {
  port: number;
  /** The bootstrap superuser's password. */
  password: string;
  clusterDir: string;
  /** pid of the process that started the running server; absent when none is running. */
  ownerPid?: number;
  /** The app's own role: owns its database, nothing more. */
  appPassword?: string;
  appDatabase?: string;
}

export interface EmbeddedServer {
  /** The app's connection: its least-privilege role, its database. */
  url: string;
  /** The bootstrap superuser's connection (tests make scratch databases with it). */
  adminUrl: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export type EmbeddedLog = (message: string) => void;

export interface EmbeddedOptions {
  /** The binaries to run; the shipped ones by default (tests place them elsewhere). */
  binaries?: PostgresBinaries;
  /** Where unreachable binaries are copied to (tests use a folder of their own). */
  runtimeRoot?: string;
  /**
   * Where prepared empty clusters are kept (embedded-template.ts); by default
   * templatesRoot() for the shipped binaries and none for others, null for none.
   */
  templates?: string | null;
}

/** A start-up failure explained in one paragraph: what happened, why, what to do. */
export class EmbeddedStartError extends Error {
  constructor(what: string, why: string, todo: string, options?: ErrorOptions) {
    super(`${what} ${why} ${todo}`, options);
    this.name = 'EmbeddedStartError';
  }
}

const STATE_FILE = 'embedded-postgres.json';
const LOCK_FILE = 'embedded-postgres.lock';
const SUPERUSER = 'postgres';
export const APP_ROLE = 'fleetprompt';
const APP_DATABASE = 'fleetprompt';
const USE_A_SERVER = 'Or set DATABASE_URL to a PostgreSQL 14+ server and start again.';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : port;
        server.close(() => resolve(chosen));
      });
    });
  if (preferred && preferred !== 5432) {
    try {
      return await tryListen(preferred);
    } catch {
      // taken by something else: any free port will do
    }
  }
  for (;;) {
    const port = await tryListen(0);
    if (port !== 5432) return port;
  }
}

/**
 * Where the cluster lives: in the data directory, unless the server's user
 * (root runs it as `postgres`) cannot enter it; then under /var/lib,
 * keyed by the data directory so that each FLEETPROMPT_HOME keeps its own.
 */
async function clusterDirFor(home: string): Promise<string> {
  const inside = join(home, 'postgres');
  if (process.getuid?.() !== 0) return inside;
  if (await reachableByOthers(home)) return inside;
  const key = createHash('sha256').update(home).digest('hex').slice(0, 16);
  return join('/var/lib/fleetprompt/clusters', key);
}

async function readState(home: string): Promise<EmbeddedState | null> {
  try {
    return JSON.parse(await readFile(join(home, STATE_FILE), 'utf8')) as EmbeddedState;
  } catch {
    return null;
  }
}

async function writeState(home: string, state: EmbeddedState): Promise<void> {
  await writeFile(join(home, STATE_FILE), JSON.stringify(state, null, 2), { mode: 0o600 });
}

const urlOf = (user: string, password: string, port: number, database: string) =>
  `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** Whether a server takes a connection and a query at `url` (within 2 s to connect). */
export async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function postmasterPid(clusterDir: string): Promise<number | null> {
  try {
    const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8');
    const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    return null;
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

/** Serialises start-up between processes sharing one data directory (app and `npm run seed`). */
async function withLock<T>(home: string, work: () => Promise<T>): Promise<T> {
  const lockPath = join(home, LOCK_FILE);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (!Number.isFinite(holder) || !isAlive(holder)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new EmbeddedStartError(
          'The embedded PostgreSQL did not start:',
          `another FleetPrompt process (pid ${holder}) has been starting it for 30 seconds.`,
          `Wait for it, or stop it and start again. ${USE_A_SERVER}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/** A folder (and what it holds) handed to the server's user, private to it. */
async function privateTo(path: string, as: RunAs): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  if (as.uid !== undefined && as.gid !== undefined) await chown(path, as.uid, as.gid);
}

function explainInitdb(clusterDir: string, error: unknown): EmbeddedStartError {
  const output = String((error as { output?: string }).output ?? (error as Error).message ?? error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new EmbeddedStartError(
      `PostgreSQL's setup program could not be run for ${clusterDir}:`,
      'permission was denied to the user PostgreSQL runs as.',
      `Run the console from a folder that user can enter, or as a user other than root. ${USE_A_SERVER}`,
      { cause: error },
    );
  }
  if (code === 'ENOSPC' || /No space left on device/i.test(output)) {
    return new EmbeddedStartError(
      `A new PostgreSQL cluster could not be created in ${clusterDir}:`,
      'the disk is full.',
      `Free some space (a new cluster needs about 40 MB) and start again, or set FLEETPROMPT_HOME to a folder on another disk. ${USE_A_SERVER}`,
      { cause: error },
    );
  }
  return new EmbeddedStartError(
    `A new PostgreSQL cluster could not be created in ${clusterDir}:`,
    `initdb failed (${output.trim().split('\n').slice(-3).join(' ') || 'no output'}).`,
    `Remove the folder ${clusterDir} if it is left half made, check the disk and its permissions, and start again. ${USE_A_SERVER}`,
    { cause: error },
  );
}

/**
 * initdb with the superuser's password in a file only the server's user can
 * read, inside a private folder beside the cluster, removed afterwards
 * whether initdb worked or not.
 */
async function initialise(
  binaries: PostgresBinaries,
  clusterDir: string,
  password: string,
  as: RunAs,
): Promise<void> {
  const secrets = `${clusterDir}.init`;
  try {
    await privateTo(clusterDir, as);
    await rm(secrets, { recursive: true, force: true });
    await privateTo(secrets, as);
    const pwfile = join(secrets, 'pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (as.uid !== undefined && as.gid !== undefined) await chown(pwfile, as.uid, as.gid);
    await runToEnd(
      binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      as,
    );
  } catch (error) {
    throw explainInitdb(clusterDir, error);
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

/** The cluster's major version, from the PG_VERSION file initdb wrote; null when there is none. */
async function clusterMajor(clusterDir: string): Promise<number | null> {
  try {
    return Number.parseInt(await readFile(join(clusterDir, 'PG_VERSION'), 'utf8'), 10);
  } catch {
    return null;
  }
}

/**
 * The app's role and database, made (or checked) by the superuser at every
 * start. A cluster from before this role existed kept the app's tables in
 * the `postgres` database, owned by the superuser: it is converted in place,
 * every schema and table of the app handed to the role.
 */
async function bootstrapAppRole(adminUrl: string, state: EmbeddedState, log: EmbeddedLog) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const password = state.appPassword ?? randomBytes(18).toString('base64url');
    const exists = await admin.query('select 1 from pg_roles where rolname = $1', [APP_ROLE]);
    const verb = exists.rowCount ? 'alter' : 'create';
    await admin.query(
      `${verb} role ${quoteIdent(APP_ROLE)} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${admin.escapeLiteral(password)}`,
    );
    let database = state.appDatabase;
    if (!database) {
      const legacy = await admin.query(
        "select to_regclass('public.organizations') is not null as present",
      );
      if (legacy.rows[0]?.present) {
        log('converting the embedded database to the least-privilege role');
        database = SUPERUSER;
        await admin.query(`
          do $$
          declare item record;
          begin
            execute format('alter database %I owner to %I', current_database(), '${APP_ROLE}');
            for item in select nspname from pg_namespace where nspname = 'public' or nspname like 'org\\_%' loop
              execute format('alter schema %I owner to %I', item.nspname, '${APP_ROLE}');
            end loop;
            for item in
              select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where (n.nspname = 'public' or n.nspname like 'org\\_%') and c.relkind in ('r', 'p', 'v', 'm')
            loop
              execute format('alter table %I.%I owner to %I', item.nspname, item.relname, '${APP_ROLE}');
            end loop;
            for item in
              select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where (n.nspname = 'public' or n.nspname like 'org\\_%') and c.relkind = 'S'
                 and pg_get_userbyid(c.relowner) <> '${APP_ROLE}'
                 and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'i')
            loop
              execute format('alter sequence %I.%I owner to %I', item.nspname, item.relname, '${APP_ROLE}');
            end loop;
          end $$`);
      } else {
        database = APP_DATABASE;
        const made = await admin.query('select 1 from pg_database where datname = $1', [database]);
        if (!made.rowCount) {
          await admin.query(
            `create database ${quoteIdent(database)} owner ${quoteIdent(APP_ROLE)} encoding 'UTF8' template template0`,
          );
        }
      }
    }
    return { appPassword: password, appDatabase: database };
  } finally {
    await admin.end();
  }
}

/** The server on loopback only, no Unix socket (its folder may not be the server user's). */
function serverArgs(clusterDir: string, port: number): string[] {
  return [
    '-D',
    clusterDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
  ];
}

/** Stops a server this process started: a fast shutdown, or SIGKILL if it hangs. */
async function halt(running: RunningServer): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(late);
}

/**
 * Makes the prepared empty cluster new data directories start from (see
 * embedded-template.ts): initdb, the app's role and database, a clean
 * shutdown, then published at once. Does nothing when one is there.
 */
export async function prepareClusterTemplate(
  log: EmbeddedLog = () => undefined,
  options: EmbeddedOptions = {},
): Promise<'made' | 'present'> {
  const binaries = await reachableBinaries(
    options.binaries ?? (await shippedBinaries()),
    options.runtimeRoot,
  );
  const root = options.templates ?? templatesRoot();
  const place = templatePlace(root, binaries.major);
  if (await readTemplate(place, binaries)) return 'present';
  await prepareTemplatesRoot(root);
  const as = await serverUser();
  const madeIn = `${place.dir}.making-${randomBytes(6).toString('hex')}`;
  await rm(madeIn, { recursive: true, force: true });
  const superuserPassword = randomBytes(18).toString('base64url');
  try {
    log(`preparing an empty PostgreSQL ${binaries.major} cluster in ${place.dir}`);
    await initialise(binaries, madeIn, superuserPassword, as);
    const port = await freePort();
    const running = await startServer(binaries.postgres, serverArgs(madeIn, port), as);
    try {
      await bootstrapAppRole(
        urlOf(SUPERUSER, superuserPassword, port, 'postgres'),
        { clusterDir: madeIn, password: superuserPassword, port },
        log,
      );
    } finally {
      await halt(running);
    }
    const published = await publishTemplate(place, madeIn, { superuserPassword }, as);
    return published ? 'made' : 'present';
  } catch (error) {
    await rm(madeIn, { recursive: true, force: true });
    throw error;
  }
}

/** Where a first start looks for a template: none for binaries other than the shipped ones, unless told. */
function templatesOf(options: EmbeddedOptions): string | null {
  if (options.templates !== undefined) return options.templates;
  return options.binaries ? null : templatesRoot();
}

/**
 * A first start's cluster taken from the prepared template, when there is
 * one: its superuser password (the template's, until replaced), or null
 * when initdb must make the cluster instead.
 */
async function fromTemplate(
  clusterDir: string,
  binaries: PostgresBinaries,
  as: RunAs,
  root: string | null,
  log: EmbeddedLog,
): Promise<string | null> {
  if (root === null) return null;
  const place = templatePlace(root, binaries.major);
  const template = await readTemplate(place, binaries);
  if (!template) return null;
  try {
    if (!(await takeTemplate(place, clusterDir, binaries, as))) return null;
    log(`took the PostgreSQL cluster prepared at install into ${clusterDir}`);
    return template.superuserPassword;
  } catch (error) {
    log(
      `could not take the prepared cluster (${(error as Error).message}); running initdb instead`,
    );
    await rm(clusterDir, { recursive: true, force: true });
    return null;
  }
}

async function replaceSuperuserPassword(adminUrl: string, password: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(
      `alter role ${quoteIdent(SUPERUSER)} with password ${admin.escapeLiteral(password)}`,
    );
  } finally {
    await admin.end();
  }
}

/**
 * Opens the embedded PostgreSQL of a data directory: joins a server another
 * live process started, recovers one orphaned by a crash, reuses an existing
 * cluster and initialises a new one only when none exists. Every failure is
 * an EmbeddedStartError that says what to do.
 */
export async function openEmbedded(
  home: string,
  log: EmbeddedLog = () => undefined,
  options: EmbeddedOptions = {},
): Promise<EmbeddedServer> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  return withLock(home, async () => {
    const previous = await readState(home);
    const clusterDir = previous?.clusterDir ?? (await clusterDirFor(home));
    const runningPid = await postmasterPid(clusterDir);
    const ours = runningPid !== null && (await isClusterPostgres(runningPid, clusterDir));

    if (previous && ours && runningPid !== null) {
      const ownerAlive = previous.ownerPid !== undefined && isAlive(previous.ownerPid);
      const adminUrl = urlOf(SUPERUSER, previous.password, previous.port, 'postgres');
      if (
        ownerAlive &&
        previous.ownerPid !== process.pid &&
        previous.appPassword &&
        previous.appDatabase &&
        (await answers(adminUrl))
      ) {
        log(`joining the embedded PostgreSQL started by pid ${previous.ownerPid}`);
        return {
          url: urlOf(APP_ROLE, previous.appPassword, previous.port, previous.appDatabase),
          adminUrl,
          owned: false,
          stop: async () => undefined,
        };
      }
      log(`stopping an orphaned embedded PostgreSQL (pid ${runningPid})`);
      process.kill(runningPid, 'SIGINT');
      if (!(await waitUntilGone(runningPid, 15_000))) {
        process.kill(runningPid, 'SIGKILL');
        await waitUntilGone(runningPid, 5_000);
      }
    }
    if (runningPid !== null && !(ours && isAlive(runningPid))) {
      // left by a crash, or naming a process that merely reused the number: never signalled
      log('removing a stale postmaster.pid left by a crash');
      await rm(join(clusterDir, 'postmaster.pid'), { force: true });
    }

    let binaries: PostgresBinaries;
    try {
      binaries = await reachableBinaries(
        options.binaries ?? (await shippedBinaries()),
        options.runtimeRoot,
      );
    } catch (error) {
      if (error instanceof EmbeddedStartError) throw error;
      throw new EmbeddedStartError(
        'The embedded PostgreSQL cannot start:',
        `its programs are where the user it runs as cannot reach them, and copying them to /var/lib/fleetprompt/runtime failed (${(error as Error).message}).`,
        `Run the console from a folder others can enter, or make /var/lib/fleetprompt writable. ${USE_A_SERVER}`,
        { cause: error },
      );
    }
    const as = await serverUser();

    const major = await clusterMajor(clusterDir);
    if (major !== null && major !== binaries.major) {
      throw new EmbeddedStartError(
        `The embedded database in ${clusterDir} was made by PostgreSQL ${major};`,
        `this console runs PostgreSQL ${binaries.major}, which cannot open it.`,
        `Start the version of the console that made it and move the data to a server (npm run db:move), or set FLEETPROMPT_HOME to a new folder. ${USE_A_SERVER}`,
      );
    }
    const state: EmbeddedState = {
      clusterDir,
      password:
        major !== null && previous ? previous.password : randomBytes(18).toString('base64url'),
      port: await freePort(previous?.port),
      ...(major !== null && previous?.appPassword ? { appPassword: previous.appPassword } : {}),
      ...(major !== null && previous?.appDatabase ? { appDatabase: previous.appDatabase } : {}),
    };
    let templatePassword: string | null = null;
    if (major === null) {
      await mkdir(join(clusterDir, '..'), { recursive: true, mode: 0o755 }).catch(
        (error: unknown) => {
          throw explainInitdb(clusterDir, error);
        },
      );
      templatePassword = await fromTemplate(clusterDir, binaries, as, templatesOf(options), log);
      if (templatePassword === null) {
        log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
        await initialise(binaries, clusterDir, state.password, as);
      }
    }

    const args = () => serverArgs(clusterDir, state.port);
    const launch = async (): Promise<RunningServer> => {
      try {
        return await startServer(binaries.postgres, args(), as);
      } catch (error) {
        const output = String((error as { output?: string }).output ?? (error as Error).message);
        if (/could not bind|Address already in use/i.test(output)) {
          // taken between choosing and binding: once more on another port
          state.port = await freePort();
          return startServer(binaries.postgres, args(), as).catch((again: unknown) => {
            throw new EmbeddedStartError(
              'The embedded PostgreSQL did not start:',
              `the port it was given (${state.port}) was taken by another program.`,
              `Start again; if this repeats, stop what holds the ports. ${USE_A_SERVER}`,
              { cause: again },
            );
          });
        }
        if (/No space left on device/i.test(output)) {
          throw new EmbeddedStartError(
            `The embedded PostgreSQL in ${clusterDir} did not start:`,
            'the disk is full.',
            `Free some space and start again. ${USE_A_SERVER}`,
            { cause: error },
          );
        }
        throw new EmbeddedStartError(
          `The embedded PostgreSQL in ${clusterDir} did not start:`,
          `it said "${output.trim().split('\n').slice(-2).join(' ')}".`,
          `Check the folder's permissions and the disk, and start again. ${USE_A_SERVER}`,
          { cause: error },
        );
      }
    };
    let running = await launch();
    let stopped = false;
    try {
      if (templatePassword !== null) {
        // the new cluster's own superuser password replaces the template's before anything else
        await replaceSuperuserPassword(
          urlOf(SUPERUSER, templatePassword, state.port, 'postgres'),
          state.password,
        );
      }
      Object.assign(
        state,
        await bootstrapAppRole(
          urlOf(SUPERUSER, state.password, state.port, 'postgres'),
          state,
          log,
        ),
      );
    } catch (error) {
      stopped = true;
      await halt(running);
      throw error;
    }
    const adminUrl = urlOf(SUPERUSER, state.password, state.port, 'postgres');
    await writeState(home, { ...state, ownerPid: process.pid });
    log(`embedded PostgreSQL listening on 127.0.0.1:${state.port}`);

    // If PostgreSQL dies under us (killed, crashed), start it again on the
    // same port, so the ORM's pool reconnects; calls in between get UNAVAILABLE.
    const supervise = () => {
      running.child.once('exit', (code, signal) => {
        if (stopped) return;
        log(`embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); restarting`);
        void restart();
      });
    };
    const restart = async () => {
      for (let attempt = 1; !stopped; attempt++) {
        try {
          running = await startServer(binaries.postgres, args(), as);
          supervise();
          log(`embedded PostgreSQL restarted on 127.0.0.1:${state.port}`);
          return;
        } catch {
          // the old server's processes may still hold its shared memory for a moment
          await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * attempt)));
        }
      }
    };
    supervise();
    return {
      url: urlOf(APP_ROLE, state.appPassword ?? '', state.port, state.appDatabase ?? APP_DATABASE),
      adminUrl,
      owned: true,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await halt(running);
        await writeState(home, state);
      },
    };
  });
}
