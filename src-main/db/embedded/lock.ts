import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddedStartError, USE_A_SERVER } from './errors.ts';

const LOCK_FILE = 'embedded-postgres.lock';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the lock file, or names the live process that holds it. */
async function tryLock(lockPath: string): Promise<number | null> {
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    await handle.writeFile(String(process.pid));
    await handle.close();
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (Number.isFinite(holder) && isAlive(holder)) return holder;
    await rm(lockPath, { force: true });
    return tryLock(lockPath);
  }
}

/** Serialises start-up between processes sharing one data directory (app and `npm run seed`). */
export async function withLock<T>(home: string, work: () => Promise<T>): Promise<T> {
  const lockPath = join(home, LOCK_FILE);
  const deadline = Date.now() + 30_000;
  for (let holder = await tryLock(lockPath); holder !== null; holder = await tryLock(lockPath)) {
    if (Date.now() > deadline) {
      throw new EmbeddedStartError(
        'The embedded PostgreSQL did not start:',
        `another FleetPrompt process (pid ${holder}) has been starting it for 30 seconds.`,
        `Wait for it, or stop it and start again. ${USE_A_SERVER}`,
      );
    }
    await pause(100);
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
