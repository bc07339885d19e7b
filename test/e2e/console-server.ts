import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createScratchDatabase } from '../support/scratch-database.ts';

export interface ConsoleServer {
  /** The announced URL, token in its fragment. */
  url: string;
  base: string;
  token: string;
  home: string;
  /** The database it uses when not the embedded one. */
  databaseUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * `start:headless` on a fresh database: embedded in a new data directory, or
 * a new database on FLEETPROMPT_TEST_DATABASE_URL's server. With `joining`,
 * a second console on another console's database (a second operator).
 */
export async function startConsoleServer(
  joining?: Pick<ConsoleServer, 'home' | 'databaseUrl'>,
): Promise<ConsoleServer> {
  const home = joining?.home ?? (await mkdtemp(join(tmpdir(), 'fleetprompt-e2e-')));
  if (!joining) await chmod(home, 0o755);
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const childEnv: NodeJS.ProcessEnv = { ...env, FLEETPROMPT_HOME: home };
  const server = process.env.FLEETPROMPT_TEST_DATABASE_URL;
  const database = server && !joining ? await createScratchDatabase(server, 'fp_e2e') : null;
  if (database) childEnv.DATABASE_URL = database.url;
  if (joining?.databaseUrl) childEnv.DATABASE_URL = joining.databaseUrl;

  const child = spawn(process.execPath, ['src-main/cli/headless.ts'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`start:headless exited with ${code}`)));
  });
  const announced = JSON.parse(line) as { url: string; port: number; token: string };
  return {
    url: announced.url,
    base: `http://127.0.0.1:${announced.port}`,
    token: announced.token,
    home,
    databaseUrl: childEnv.DATABASE_URL,
    stop: async () => {
      // a console that has ended already (it failed) emits no second 'exit' to wait for
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await database?.drop();
      if (!joining) await rm(home, { recursive: true, force: true });
    },
  };
}
