import { chown, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunAs } from './process.ts';

/*
 * A cluster and its data directory know each other: the data directory's
 * state names the cluster's id (state.ts), and the cluster keeps its id and
 * the data directory it last served in a file of its own. A data directory
 * finds its cluster by that id wherever the folder is moved, a new one never
 * takes a cluster whose id it does not hold, and a cluster whose data
 * directory is gone or holds another id is an orphan (inventory.ts).
 */

export interface ClusterIdentity {
  id: string;
  /** The data directory it last served. */
  dataDir: string;
  createdAt: string;
  /** When a console last started it. */
  lastUsedAt: string;
}

const IDENTITY_FILE = 'fleetprompt-cluster.json';

/**
 * Where clusters outside their data directory live (root's, when the
 * `postgres` user cannot enter the data directory): FLEETPROMPT_CLUSTERS
 * when set, else under /var/lib.
 */
export function clustersRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETPROMPT_CLUSTERS ?? '/var/lib/fleetprompt/clusters';
}

export async function readIdentity(clusterDir: string): Promise<ClusterIdentity | null> {
  try {
    const found = JSON.parse(
      await readFile(join(clusterDir, IDENTITY_FILE), 'utf8'),
    ) as Partial<ClusterIdentity>;
    if (typeof found.id !== 'string' || typeof found.dataDir !== 'string') return null;
    const at = found.createdAt ?? found.lastUsedAt ?? new Date(0).toISOString();
    return {
      id: found.id,
      dataDir: found.dataDir,
      createdAt: at,
      lastUsedAt: found.lastUsedAt ?? at,
    };
  } catch {
    return null;
  }
}

/** Written inside the cluster, as the server's user (like every file there), readable by it alone. */
export async function writeIdentity(
  clusterDir: string,
  identity: ClusterIdentity,
  as: RunAs,
): Promise<void> {
  const file = join(clusterDir, IDENTITY_FILE);
  await writeFile(file, JSON.stringify(identity, null, 2), { mode: 0o600 });
  if (as.uid !== undefined && as.gid !== undefined) await chown(file, as.uid, as.gid);
}

/** Stamps the cluster as this data directory's, used now; its id and birth are kept. */
export async function claimCluster(
  clusterDir: string,
  id: string,
  dataDir: string,
  as: RunAs,
): Promise<void> {
  const now = new Date().toISOString();
  const createdAt = (await readIdentity(clusterDir))?.createdAt ?? now;
  await writeIdentity(clusterDir, { id, dataDir, createdAt, lastUsedAt: now }, as);
}
