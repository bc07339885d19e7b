import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { usableBinaries, type PostgresBinaries } from './binaries.ts';
import { bootstrapAppRole, replaceSuperuserPassword } from './bootstrap.ts';
import { createCluster } from './create.ts';
import { EmbeddedStartError, USE_A_SERVER } from './errors.ts';
import { clusterMajor, findCluster, type ClusterPlace, type UsablePlace } from './find.ts';
import { claimCluster, clustersRoot } from './identity.ts';
import { withLock } from './lock.ts';
import { clearStaleServer, joinRunning } from './postmaster.ts';
import { serverUser, type RunAs } from './process.ts';
import { freePort, halt, launchServer, supervise, type Launch } from './server.ts';
import { readState, STATE_FILE, writeState, type EmbeddedState } from './state.ts';
import type { EmbeddedLog, EmbeddedOptions, EmbeddedServer } from './types.ts';
import { APP_DATABASE, APP_ROLE, SUPERUSER, urlOf } from './urls.ts';

/*
 * The console's own PostgreSQL, in its data directory, for when no server
 * is configured. One process starts it; others (npm run seed while the app
 * runs) find it and join. The steps: find the data directory's cluster
 * (find.ts), join a server already running on it (postmaster.ts), adopt it
 * or create a new one (create.ts), start it (server.ts), bootstrap the
 * app's role (bootstrap.ts).
 */

const newSecret = () => randomBytes(18).toString('base64url');

/** Refuses a cluster these binaries cannot open. */
async function refuseOtherMajor(clusterDir: string, major: number): Promise<void> {
  const made = await clusterMajor(clusterDir);
  if (made === null || made === major) return;
  throw new EmbeddedStartError(
    `The embedded database in ${clusterDir} was made by PostgreSQL ${made};`,
    `this console runs PostgreSQL ${major}, which cannot open it.`,
    `Start the version of the console that made it and move the data to a server (npm run db:move), or set FLEETPROMPT_HOME to a new folder. ${USE_A_SERVER}`,
  );
}

/** Refuses a cluster in the data directory whose passwords are lost. */
function refuseUnclaimed(place: ClusterPlace, home: string): asserts place is UsablePlace {
  if (place.kind !== 'unclaimed') return;
  throw new EmbeddedStartError(
    `The data directory ${home} holds a PostgreSQL cluster (${place.dir}) but not the file with its passwords (${STATE_FILE}):`,
    'that file was deleted, or the cluster was put there by hand.',
    `Put the file back from a copy of the folder, or move ${place.dir} elsewhere to start with a new, empty database. ${USE_A_SERVER}`,
  );
}

/** The state a start works from: the previous one's passwords for its own cluster, new ones for a new cluster. */
async function stateFor(
  place: UsablePlace,
  previous: EmbeddedState | null,
): Promise<EmbeddedState> {
  const port = await freePort(previous?.port);
  const base = { clusterId: place.id, clusterDir: place.dir, port };
  if (place.kind === 'new' || !previous) return { ...base, password: newSecret() };
  const { password, appPassword, appDatabase } = previous;
  return {
    ...base,
    password,
    ...(appPassword ? { appPassword } : {}),
    ...(appDatabase ? { appDatabase } : {}),
  };
}

interface Started {
  home: string;
  state: EmbeddedState;
  launch: Launch;
  /** The template's superuser password, to replace first, when the cluster was taken from one. */
  templatePassword: string | null;
  log: EmbeddedLog;
}

/** Starts the server, bootstraps the app's role, records the state, and keeps it up until stopped. */
async function startOwned({ home, state, launch, templatePassword, log }: Started) {
  const running = await launchServer(launch);
  state.port = launch.port;
  const adminUrl = urlOf(SUPERUSER, state.password, state.port, 'postgres');
  try {
    if (templatePassword !== null) {
      await replaceSuperuserPassword(
        urlOf(SUPERUSER, templatePassword, state.port, 'postgres'),
        state.password,
      );
    }
    Object.assign(state, await bootstrapAppRole(adminUrl, state, log));
  } catch (error) {
    await halt(running);
    throw error;
  }
  await writeState(home, { ...state, ownerPid: process.pid });
  log(`embedded PostgreSQL listening on 127.0.0.1:${state.port}`);
  const supervisor = supervise(launch, running, log);
  let stopped = false;
  return {
    url: urlOf(APP_ROLE, state.appPassword ?? '', state.port, state.appDatabase ?? APP_DATABASE),
    adminUrl,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await supervisor.stop();
      // a data directory deleted while its server ran has no state left to update
      await writeState(home, state).catch(() => undefined);
    },
  };
}

interface Tools {
  binaries: PostgresBinaries;
  as: RunAs;
  options: EmbeddedOptions;
  log: EmbeddedLog;
}

/** The cluster made when new, stamped as this data directory's, started. */
async function adoptOrCreate(
  home: string,
  place: UsablePlace,
  previous: EmbeddedState | null,
  { binaries, as, options, log }: Tools,
): Promise<EmbeddedServer> {
  const state = await stateFor(place, previous);
  const templatePassword =
    place.kind === 'new'
      ? await createCluster(place.dir, state.password, binaries, as, options, log)
      : null;
  await claimCluster(place.dir, place.id, home, as);
  const launch = { binaries, clusterDir: place.dir, port: state.port, as };
  return startOwned({ home, state, launch, templatePassword, log });
}

/**
 * Opens the embedded PostgreSQL of a data directory: joins a server another
 * live process started, recovers one orphaned by a crash, reuses the data
 * directory's own cluster (found by its id wherever the folder moved) and
 * makes a new one when it has none. Every failure is an EmbeddedStartError
 * that says what to do.
 */
export async function openEmbedded(
  dataDir: string,
  log: EmbeddedLog = () => undefined,
  options: EmbeddedOptions = {},
): Promise<EmbeddedServer> {
  // the cluster records its data directory: by one absolute name
  const home = resolve(dataDir);
  await mkdir(home, { recursive: true, mode: 0o700 });
  return withLock(home, async () => {
    const previous = await readState(home);
    const place = await findCluster(home, previous, options.clustersRoot ?? clustersRoot());
    if (place.kind === 'new' && previous?.clusterId)
      log(`the cluster ${previous.clusterId} this data directory named is gone: making a new one`);
    if (place.kind === 'own' && previous) {
      const joined = await joinRunning(previous, place.dir, log);
      if (joined) return joined;
      await clearStaleServer(place.dir, log);
    }
    const binaries = await usableBinaries(options.binaries, options.runtimeRoot);
    const as = await serverUser();
    await refuseOtherMajor(place.dir, binaries.major);
    refuseUnclaimed(place, home);
    return adoptOrCreate(home, place, previous, { binaries, as, options, log });
  });
}
