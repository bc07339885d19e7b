import { chmod, chown, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PostgresBinaries } from './binaries.ts';
import { runToEnd, type RunAs } from './process.ts';

/*
 * initdb is most of a first start: 0.8-1.5 s here, CPU and ~1,300 new
 * files. `npm install` prepares an empty cluster with the app's role and
 * database once per machine user, and the first start after it takes that
 * cluster: moved into the data directory (one rename; copied, then synced
 * to disk, only when it is on another disk). The next new data directory
 * runs initdb, until an install prepares another. Its passwords are the
 * template's only until the first start replaces both; the superuser's is
 * kept in a file inside it that only the server's user can read (the app
 * role's is not kept: the first start sets a new one). No template
 * (another platform, none prepared, another major version) means initdb.
 */

/** What a first start needs to know of the template it took. */
export interface TemplateSecrets {
  superuserPassword: string;
}

export interface TemplatePlace {
  /** The cluster to take. */
  dir: string;
  /** Its superuser password, inside it (mode 0600): published with it by one rename, removed when taken. */
  secrets: string;
}

const SECRETS_FILE = 'fleetprompt-template.json';

/**
 * Where templates are kept: FLEETPROMPT_TEMPLATES when set, else beside the
 * clusters when root, in the user's cache otherwise.
 */
export function templatesRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLEETPROMPT_TEMPLATES) return env.FLEETPROMPT_TEMPLATES;
  if (process.getuid?.() === 0) return '/var/lib/fleetprompt/templates';
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fleetprompt', 'templates');
}

export function templatePlace(root: string, major: number): TemplatePlace {
  const dir = join(root, `postgres-${major}`);
  return { dir, secrets: join(dir, SECRETS_FILE) };
}

/** The template for these binaries, when a finished one of their major version is there. */
export async function readTemplate(
  place: TemplatePlace,
  binaries: PostgresBinaries,
): Promise<TemplateSecrets | null> {
  if (process.platform === 'win32') return null;
  try {
    const major = Number.parseInt(await readFile(join(place.dir, 'PG_VERSION'), 'utf8'), 10);
    const secrets = JSON.parse(await readFile(place.secrets, 'utf8')) as Partial<TemplateSecrets>;
    if (major !== binaries.major || !secrets.superuserPassword) return null;
    return { superuserPassword: secrets.superuserPassword };
  } catch {
    return null;
  }
}

/**
 * Takes the template as the new cluster at `clusterDir` (absent or empty):
 * renamed into place, then the rename made durable; across disks, copied
 * as the user the server runs as (so the files are that user's) and synced
 * with initdb's own --sync-only. The template's secrets are removed from
 * the new cluster. False when another start took it first.
 */
export async function takeTemplate(
  place: TemplatePlace,
  clusterDir: string,
  binaries: PostgresBinaries,
  as: RunAs,
): Promise<boolean> {
  try {
    await rename(place.dir, clusterDir);
    await syncFolder(dirname(clusterDir));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code !== 'EXDEV') throw error;
    await mkdir(clusterDir, { mode: 0o700 });
    if (as.uid !== undefined && as.gid !== undefined) await chown(clusterDir, as.uid, as.gid);
    await runToEnd('cp', ['-pR', `${place.dir}/.`, clusterDir], as);
    await runToEnd(binaries.initdb, ['--sync-only', `--pgdata=${clusterDir}`], as);
  }
  await rm(join(clusterDir, SECRETS_FILE), { force: true });
  return true;
}

async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/**
 * Publishes a template made in `madeIn` with its secrets, both by one
 * rename; a template another process published first is kept and this one
 * dropped. The secrets belong to the server's user, who must copy them.
 */
export async function publishTemplate(
  place: TemplatePlace,
  madeIn: string,
  secrets: TemplateSecrets,
  as: RunAs,
): Promise<boolean> {
  const file = join(madeIn, SECRETS_FILE);
  await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  if (as.uid !== undefined && as.gid !== undefined) await chown(file, as.uid, as.gid);
  try {
    await rename(madeIn, place.dir);
  } catch {
    await rm(madeIn, { recursive: true, force: true });
    return false;
  }
  return true;
}

/** The folder templates are made in, enterable by the server's user. */
export async function prepareTemplatesRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o755 });
  await chmod(root, 0o755);
}
