import { existsSync } from 'node:fs';
import { lstat, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EmbeddedStartError } from './errors.ts';
import { clusterMajor, findCluster } from './find.ts';
import { readIdentity, type ClusterIdentity } from './identity.ts';
import { runningServerPid } from './postmaster.ts';
import { clusterIdOf, readState } from './state.ts';

/*
 * What `npm run db:where` reports: the data directory's cluster, and the
 * orphans in the clusters folder (clusters whose data directory is gone or
 * no longer names them), with their size and last use. Read only, but for
 * the one explicit removal of an orphan.
 */

export interface ClusterReport {
  path: string;
  /** Its id (identity.ts); null for a cluster from before ids, not started since. */
  id: string | null;
  bytes: number;
  running: boolean;
  /** When a console last started it (ISO 8601); null when nothing says. */
  lastUsed: string | null;
}

export interface OrphanReport extends ClusterReport {
  /** The data directory it last served; null when it was never recorded. */
  dataDir: string | null;
  reason: string;
}

export interface EmbeddedReport {
  cluster: ClusterReport | null;
  orphans: OrphanReport[];
}

async function folderBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let bytes = 0;
  for (const entry of entries) {
    if (entry.isFile()) bytes += (await lstat(join(entry.parentPath, entry.name))).size;
  }
  return bytes;
}

/** The identity's last use, else when its server was last started (PostgreSQL rewrites postmaster.opts then). */
async function lastUse(dir: string, identity: ClusterIdentity | null): Promise<string | null> {
  if (identity) return identity.lastUsedAt;
  const opts = await stat(join(dir, 'postmaster.opts')).catch(() => null);
  return opts ? opts.mtime.toISOString() : null;
}

async function describe(dir: string, identity: ClusterIdentity | null): Promise<ClusterReport> {
  return {
    path: dir,
    id: identity?.id ?? null,
    bytes: await folderBytes(dir),
    running: (await runningServerPid(dir)) !== null,
    lastUsed: await lastUse(dir, identity),
  };
}

/** The data directory's cluster, when it has one (a copy's is the original's, so none). */
async function clusterOf(home: string, clustersRoot: string): Promise<string | null> {
  const state = await readState(home);
  if (!state) return null;
  try {
    const place = await findCluster(home, state, clustersRoot);
    return place.kind === 'own' ? place.dir : null;
  } catch (error) {
    if (error instanceof EmbeddedStartError) return null;
    throw error;
  }
}

/** Why a cluster is an orphan; null when its data directory still names it. */
async function orphanReason(identity: ClusterIdentity | null): Promise<string | null> {
  if (!identity) return 'its data directory was never recorded (made by an earlier version)';
  const named = await clusterIdOf(identity.dataDir);
  if (named === identity.id) return null;
  if (named) return 'its data directory holds another cluster';
  return existsSync(identity.dataDir)
    ? 'its data directory no longer names it'
    : 'its data directory is gone';
}

async function orphans(clustersRoot: string, own: string | null): Promise<OrphanReport[]> {
  const entries = await readdir(clustersRoot, { withFileTypes: true }).catch(() => []);
  const found: OrphanReport[] = [];
  for (const entry of entries) {
    const dir = join(clustersRoot, entry.name);
    if (!entry.isDirectory() || dir === own) continue;
    const identity = await readIdentity(dir);
    if (!identity && (await clusterMajor(dir)) === null) continue;
    const reason = await orphanReason(identity);
    if (reason === null) continue;
    found.push({ ...(await describe(dir, identity)), dataDir: identity?.dataDir ?? null, reason });
  }
  return found.sort((a, b) => (a.lastUsed ?? '').localeCompare(b.lastUsed ?? ''));
}

/** The data directory's cluster and the orphans beside it. */
export async function describeEmbedded(
  home: string,
  clustersRoot: string,
): Promise<EmbeddedReport> {
  const own = await clusterOf(home, clustersRoot);
  return {
    cluster: own ? await describe(own, await readIdentity(own)) : null,
    orphans: await orphans(clustersRoot, own),
  };
}

/**
 * Removes one orphan, named by its path: refused for anything that is not
 * a cluster in the clusters folder, not an orphan, or running.
 */
export async function removeOrphan(
  path: string,
  home: string,
  clustersRoot: string,
): Promise<OrphanReport> {
  const target = resolve(path);
  const report = await describeEmbedded(home, clustersRoot);
  if (report.cluster?.path === target)
    throw new Error(`${target} is not an orphan: it is the cluster of ${home}.`);
  const orphan = report.orphans.find((o) => o.path === target);
  if (!orphan) {
    const identity = dirname(target) === resolve(clustersRoot) && (await readIdentity(target));
    throw new Error(
      identity
        ? `${target} is not an orphan: it is the cluster of ${identity.dataDir}.`
        : `${target} is not a cluster in ${clustersRoot}: nothing was removed.`,
    );
  }
  if (orphan.running)
    throw new Error(
      `${target} is running (pid ${await runningServerPid(target)}): stop its server first.`,
    );
  await rm(target, { recursive: true, force: true });
  return orphan;
}
