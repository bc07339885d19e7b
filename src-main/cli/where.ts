import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DatabaseSource } from '../../src-shared/contract.ts';
import { resolveDataDir } from '../db/data-dir.ts';
import { clustersRoot } from '../db/embedded/identity.ts';
import {
  describeEmbedded,
  removeOrphan,
  type ClusterReport,
  type EmbeddedReport,
} from '../db/embedded/inventory.ts';
import { readStoredSettings } from '../db/saved-settings.ts';
import { runCli } from './run-cli.ts';

/*
 * `npm run db:where`: where the console's data lives (the data directory,
 * its embedded cluster with its size) and the orphaned clusters beside it;
 * `--json` for the same as JSON, `--remove-orphan PATH` to remove one.
 * It never creates, starts or changes anything else.
 */

interface WhereReport extends EmbeddedReport {
  dataDir: string;
  database: DatabaseSource;
}

async function databaseSource(dataDir: string): Promise<DatabaseSource> {
  if (process.env.DATABASE_URL) return 'DATABASE_URL';
  const saved = (await readStoredSettings(dataDir)).database;
  return saved?.mode === 'url' ? 'settings' : 'embedded';
}

const size = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const used = (cluster: ClusterReport) => `last used ${cluster.lastUsed ?? 'unknown'}`;

function print(report: WhereReport): void {
  console.log(`data directory: ${report.dataDir}`);
  console.log(
    report.database === 'embedded'
      ? 'database: the embedded PostgreSQL'
      : `database: the server named by ${report.database === 'DATABASE_URL' ? 'DATABASE_URL' : "the console's settings"}`,
  );
  const { cluster } = report;
  console.log(
    cluster
      ? `cluster: ${cluster.path} (${size(cluster.bytes)}, ${cluster.running ? 'running' : 'stopped'}, ${used(cluster)})`
      : 'cluster: none yet (the first start makes one)',
  );
  if (report.orphans.length === 0) console.log('orphans: none');
  for (const orphan of report.orphans) {
    const of = orphan.dataDir ? ` (${orphan.dataDir})` : '';
    console.log(
      `orphan: ${orphan.path} (${size(orphan.bytes)}, ${used(orphan)}${orphan.running ? ', running' : ''}): ${orphan.reason}${of}`,
    );
  }
  if (report.orphans.length > 0)
    console.log('remove one with: npm run db:where -- --remove-orphan PATH');
}

await runCli(async () => {
  const { values } = parseArgs({
    options: { json: { type: 'boolean' }, 'remove-orphan': { type: 'string' } },
  });
  const dataDir = resolve(resolveDataDir());
  const root = resolve(clustersRoot());
  const removing = values['remove-orphan'];
  if (removing !== undefined) {
    const removed = await removeOrphan(removing, dataDir, root);
    console.log(`removed the orphaned cluster ${removed.path} (${size(removed.bytes)})`);
    return 0;
  }
  const report: WhereReport = {
    dataDir,
    database: await databaseSource(dataDir),
    ...(await describeEmbedded(dataDir, root)),
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  return 0;
});
