import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive, pause } from './lock.ts';
import { isClusterPostgres } from './process.ts';
import type { EmbeddedState } from './state.ts';
import type { EmbeddedLog, EmbeddedServer } from './types.ts';
import { answers, APP_ROLE, SUPERUSER, urlOf } from './urls.ts';

/*
 * What already runs on a cluster, from its postmaster.pid: a server another
 * live process started (joined), one whose starter died (stopped), or a
 * file left by a crash (removed). A pid is only signalled when it is a
 * postgres serving this very cluster, never a process that reused the number.
 */

async function postmasterPid(clusterDir: string): Promise<number | null> {
  try {
    const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8');
    const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** The pid of the live postgres serving `clusterDir`, or null when none runs. */
export async function runningServerPid(clusterDir: string): Promise<number | null> {
  const pid = await postmasterPid(clusterDir);
  if (pid === null || !isAlive(pid)) return null;
  return (await isClusterPostgres(pid, clusterDir)) ? pid : null;
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await pause(50);
  }
  return !isAlive(pid);
}

/** The server another live process started for this data directory, joined; null when there is none. */
export async function joinRunning(
  state: EmbeddedState,
  clusterDir: string,
  log: EmbeddedLog,
): Promise<EmbeddedServer | null> {
  const owner = state.ownerPid;
  if (owner === undefined || owner === process.pid || !isAlive(owner)) return null;
  if (!state.appPassword || !state.appDatabase) return null;
  if ((await runningServerPid(clusterDir)) === null) return null;
  const adminUrl = urlOf(SUPERUSER, state.password, state.port, 'postgres');
  if (!(await answers(adminUrl))) return null;
  log(`joining the embedded PostgreSQL started by pid ${owner}`);
  return {
    url: urlOf(APP_ROLE, state.appPassword, state.port, state.appDatabase),
    adminUrl,
    owned: false,
    stop: async () => undefined,
  };
}

/** Leaves the cluster ready to start: a server nobody joined is stopped, a stale postmaster.pid removed. */
export async function clearStaleServer(clusterDir: string, log: EmbeddedLog): Promise<void> {
  const pid = await runningServerPid(clusterDir);
  if (pid !== null) {
    log(`stopping an orphaned embedded PostgreSQL (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    if (!(await waitUntilGone(pid, 15_000))) {
      process.kill(pid, 'SIGKILL');
      await waitUntilGone(pid, 5_000);
    }
    if (isAlive(pid)) return;
  }
  if ((await postmasterPid(clusterDir)) !== null) {
    // left by a crash, or naming a process that merely reused the number: never signalled
    log('removing a stale postmaster.pid left by a crash');
    await rm(join(clusterDir, 'postmaster.pid'), { force: true });
  }
}
