import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openEmbedded } from '../../src-main/db/embedded/open.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server URL whose user may create databases; each test file makes its own. */
    serverUrl: string;
    /** Names this run's template databases begin with (template-database.ts), dropped after the run. */
    templatePrefix: string;
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

/** Drops the template databases test files built during this run. */
async function dropTemplates(serverUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'select datname as name from pg_database where starts_with(datname, $1)',
      [prefix],
    );
    for (const { name } of rows) await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

/**
 * FLEETPROMPT_TEST_DATABASE_URL when set (CI's PostgreSQL 15 leg); otherwise
 * one embedded PostgreSQL for the whole run, in a throwaway data directory.
 */
export default async function setup(project: TestProject) {
  const removeClusters = await privateClustersFolder();
  const templatePrefix = `fp_tpl_${randomBytes(4).toString('hex')}_`;
  project.provide('templatePrefix', templatePrefix);
  const external = process.env.FLEETPROMPT_TEST_DATABASE_URL;
  if (external) {
    project.provide('serverUrl', external);
    return async () => {
      await dropTemplates(external, templatePrefix);
      await removeClusters();
    };
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
