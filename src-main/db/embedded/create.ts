import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PostgresBinaries } from './binaries.ts';
import { EmbeddedStartError, USE_A_SERVER } from './errors.ts';
import { runToEnd, type RunAs } from './process.ts';
import { readTemplate, takeTemplate, templatePlace, templatesRoot } from './template.ts';
import type { EmbeddedLog, EmbeddedOptions } from './types.ts';
import { SUPERUSER } from './urls.ts';

/*
 * Making a new cluster: the template prepared at install taken when there
 * is one (template.ts), initdb otherwise.
 */

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
export async function initialise(
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

/**
 * Makes a new cluster at `clusterDir` whose superuser password is to be
 * `password`: the template's password when one was taken (the caller
 * replaces it once the server runs), null when initdb set `password` itself.
 */
export async function createCluster(
  clusterDir: string,
  password: string,
  binaries: PostgresBinaries,
  as: RunAs,
  options: EmbeddedOptions,
  log: EmbeddedLog,
): Promise<string | null> {
  // the folder holding clusters must let the server's user through to its own
  await mkdir(dirname(clusterDir), { recursive: true, mode: 0o755 }).catch((error: unknown) => {
    throw explainInitdb(clusterDir, error);
  });
  const templatePassword = await fromTemplate(clusterDir, binaries, as, templatesOf(options), log);
  if (templatePassword !== null) return templatePassword;
  log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
  await initialise(binaries, clusterDir, password, as);
  return null;
}
