import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reachableByOthers } from './binaries.ts';
import { EmbeddedStartError, USE_A_SERVER } from './errors.ts';
import { readIdentity, type ClusterIdentity } from './identity.ts';
import { clusterIdOf, STATE_FILE, type EmbeddedState } from './state.ts';

/*
 * Finding a data directory's cluster: by the id its state names, wherever
 * the folder has moved; a state from before ids adopts the cluster it names.
 * A data directory that names none gets a new cluster in a new place, so it
 * never meets a cluster whose passwords it does not hold.
 */

export type ClusterPlace =
  /** The data directory's own cluster: its state's passwords open it. */
  | { kind: 'own'; dir: string; id: string }
  /** No cluster yet: one is made here, with this id. */
  | { kind: 'new'; dir: string; id: string }
  /** A cluster inside the data directory that its state does not name: its passwords are lost. */
  | { kind: 'unclaimed'; dir: string };

/** A place a start can use: its own cluster, or one to make. */
export type UsablePlace = Exclude<ClusterPlace, { kind: 'unclaimed' }>;

/** The major version a cluster was made by (its PG_VERSION), or null when no cluster is there. */
export async function clusterMajor(clusterDir: string): Promise<number | null> {
  try {
    return Number.parseInt(await readFile(join(clusterDir, 'PG_VERSION'), 'utf8'), 10);
  } catch {
    return null;
  }
}

export const insideDir = (home: string) => join(home, 'postgres');

/**
 * Where a new cluster goes: in the data directory, unless the server's user
 * (root runs it as `postgres`) cannot enter it; then in the clusters folder,
 * named by its id.
 */
async function newClusterDir(home: string, id: string, clustersRoot: string): Promise<string> {
  if (process.getuid?.() !== 0 || (await reachableByOthers(home))) return insideDir(home);
  return join(clustersRoot, id);
}

function copyError(home: string, dir: string, owner: string): EmbeddedStartError {
  return new EmbeddedStartError(
    `The data directory ${home} names the PostgreSQL cluster ${dir}, which belongs to ${owner}:`,
    'this folder looks like a copy of that one, and two data directories cannot share a cluster.',
    `Move a data directory rather than copy it (copy its data with npm run db:backup and db:restore), or delete ${join(home, STATE_FILE)} to start this one with a new, empty database. ${USE_A_SERVER}`,
  );
}

/**
 * Refuses a cluster outside the data directory that another data directory
 * still names by its id: this one is then a copy of that one.
 */
async function refuseIfCopied(home: string, dir: string, identity: ClusterIdentity | null) {
  if (!identity || identity.dataDir === home || dir === insideDir(home)) return;
  if ((await clusterIdOf(identity.dataDir)) === identity.id)
    throw copyError(home, dir, identity.dataDir);
}

/** The cluster holding `id` among the places a data directory's cluster can be. */
async function byId(home: string, id: string, places: string[]): Promise<string | null> {
  for (const dir of new Set(places)) {
    const identity = await readIdentity(dir);
    if (identity?.id !== id) continue;
    await refuseIfCopied(home, dir, identity);
    return dir;
  }
  return null;
}

/** A state from before ids: the cluster it names (or the one inside), with the id it gets now. */
async function fromBeforeIds(home: string, places: string[]): Promise<ClusterPlace | null> {
  for (const dir of new Set(places)) {
    if ((await clusterMajor(dir)) === null) continue;
    const identity = await readIdentity(dir);
    await refuseIfCopied(home, dir, identity);
    return { kind: 'own', dir, id: identity?.id ?? randomUUID() };
  }
  return null;
}

/** The data directory's cluster, or where its new one goes. */
export async function findCluster(
  home: string,
  state: EmbeddedState | null,
  clustersRoot: string,
): Promise<ClusterPlace> {
  const inside = insideDir(home);
  if (state?.clusterId) {
    const id = state.clusterId;
    const dir = await byId(home, id, [inside, state.clusterDir, join(clustersRoot, id)]);
    if (dir) return { kind: 'own', dir, id };
  } else if (state) {
    const adopted = await fromBeforeIds(home, [inside, state.clusterDir]);
    if (adopted) return adopted;
  }
  if ((await clusterMajor(inside)) !== null) return { kind: 'unclaimed', dir: inside };
  const id = randomUUID();
  return { kind: 'new', dir: await newClusterDir(home, id, clustersRoot), id };
}
