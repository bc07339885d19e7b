import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openEmbedded } from '../../src-main/db/embedded/open.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server URL whose user may create databases; each test file makes its own. */
    serverUrl: string;
  }
}

/**
 * Clusters that live outside their data directory (root's, for a data
 * directory the postgres user cannot enter) go to a folder of this run's
 * own, removed with it: a test run leaves no orphan in /var/lib. Workers and
 * the commands tests spawn inherit the variable.
 */
async function privateClustersFolder(): Promise<() => Promise<void>> {
  const clusters = await mkdtemp(join(tmpdir(), 'fleetprompt-test-clusters-'));
  await chmod(clusters, 0o755);
  process.env.FLEETPROMPT_CLUSTERS = clusters;
  return () => rm(clusters, { recursive: true, force: true });
}

/**
 * FLEETPROMPT_TEST_DATABASE_URL when set (CI's PostgreSQL 15 leg); otherwise
 * one embedded PostgreSQL for the whole run, in a throwaway data directory.
 */
export default async function setup(project: TestProject) {
  const removeClusters = await privateClustersFolder();
  const external = process.env.FLEETPROMPT_TEST_DATABASE_URL;
  if (external) {
    project.provide('serverUrl', external);
    return removeClusters;
  }
  const home = await mkdtemp(join(tmpdir(), 'fleetprompt-test-'));
  // the server runs as the postgres user, which must be able to enter the directory
  await chmod(home, 0o755);
  const server = await openEmbedded(home);
  project.provide('serverUrl', server.adminUrl);
  return async () => {
    await server.stop();
    await rm(home, { recursive: true, force: true });
    await removeClusters();
  };
}
