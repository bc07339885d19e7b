import { createServer } from 'node:net';
import type { PostgresBinaries } from './binaries.ts';
import { EmbeddedStartError, USE_A_SERVER } from './errors.ts';
import { pause } from './lock.ts';
import { startServer, type RunAs, type RunningServer } from './process.ts';
import type { EmbeddedLog } from './types.ts';

/*
 * Running the cluster's server: on a free port that is not 5432, loopback
 * only, started again if it dies under us, stopped when asked.
 */

function tryListen(port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}

/** `preferred` when it is free (and not 5432), else any free port but 5432. */
export async function freePort(preferred?: number): Promise<number> {
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

/** The server on loopback only, no Unix socket (its folder may not be the server user's). */
export function serverArgs(clusterDir: string, port: number): string[] {
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
export async function halt(running: RunningServer): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(late);
}

export interface Launch {
  binaries: PostgresBinaries;
  clusterDir: string;
  port: number;
  as: RunAs;
}

function explainStart(clusterDir: string, output: string, error: unknown): EmbeddedStartError {
  if (/No space left on device/i.test(output)) {
    return new EmbeddedStartError(
      `The embedded PostgreSQL in ${clusterDir} did not start:`,
      'the disk is full.',
      `Free some space and start again. ${USE_A_SERVER}`,
      { cause: error },
    );
  }
  return new EmbeddedStartError(
    `The embedded PostgreSQL in ${clusterDir} did not start:`,
    `it said "${output.trim().split('\n').slice(-2).join(' ')}".`,
    `Check the folder's permissions and the disk, and start again. ${USE_A_SERVER}`,
    { cause: error },
  );
}

const start = (launch: Launch) =>
  startServer(launch.binaries.postgres, serverArgs(launch.clusterDir, launch.port), launch.as);

/**
 * Starts the server; a port taken between choosing and binding is chosen
 * again once (`launch.port` then names the one it listens on).
 */
export async function launchServer(launch: Launch): Promise<RunningServer> {
  try {
    return await start(launch);
  } catch (error) {
    const output = String((error as { output?: string }).output ?? (error as Error).message);
    if (!/could not bind|Address already in use/i.test(output))
      throw explainStart(launch.clusterDir, output, error);
    launch.port = await freePort();
    return start(launch).catch((again: unknown) => {
      throw new EmbeddedStartError(
        'The embedded PostgreSQL did not start:',
        `the port it was given (${launch.port}) was taken by another program.`,
        `Start again; if this repeats, stop what holds the ports. ${USE_A_SERVER}`,
        { cause: again },
      );
    });
  }
}

/**
 * Keeps a started server up: if PostgreSQL dies under us (killed, crashed),
 * it is started again on the same port, so the ORM's pool reconnects; calls
 * in between get UNAVAILABLE. `stop` ends it for good.
 */
export function supervise(
  launch: Launch,
  first: RunningServer,
  log: EmbeddedLog,
): { stop(): Promise<void> } {
  let running = first;
  let stopped = false;
  let restarting: Promise<void> = Promise.resolve();
  const restart = async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        running = await start(launch);
        if (stopped) return halt(running);
        watch();
        log(`embedded PostgreSQL restarted on 127.0.0.1:${launch.port}`);
        return;
      } catch {
        // the old server's processes may still hold its shared memory for a moment
        await pause(Math.min(2_000, 100 * attempt));
      }
    }
  };
  const watch = () => {
    running.child.once('exit', (code, signal) => {
      if (stopped) return;
      log(`embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); restarting`);
      restarting = restart();
    });
  };
  watch();
  return {
    stop: async () => {
      stopped = true;
      // a restart under way would otherwise leave a server behind for the next start to trip on
      await restarting;
      await halt(running);
    },
  };
}
