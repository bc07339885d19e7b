import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabaseTarget, type DatabaseTarget } from '../../src-main/db/connection.ts';
import { migratePublic } from '../../src-main/db/fan-out.ts';
import { openOrm } from '../../src-main/db/orm.ts';
import {
  migratedSchemaStatements,
  tenantMigrationScripts,
} from '../../src-main/db/tenant-migrator.ts';
import {
  backupDatabase,
  moveDatabase,
  restoreArchive,
} from '../../src-main/db/transfer/operations.ts';
import { removeDataDir } from '../support/data-dir.ts';

/*
 * A fleet too large to read in one transaction, on a scratch embedded
 * cluster whose lock table is made small (max_locks_per_transaction 10, the
 * least PostgreSQL allows: about 1,200 locks in all) instead of making
 * thousands of tenants: backing it up, restoring it and moving it work all
 * the same, each verified, with both ends on that cluster.
 */
const TENANTS = 400;
let home = '';
let target: DatabaseTarget;
let fleetUrl = '';

const log = () => undefined;

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(target.adminUrl ?? target.url);
  url.pathname = `/${name}`;
  return url.toString();
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'fleetprompt-locks-'));
  await chmod(home, 0o755);
  const first = await openDatabaseTarget({ dataDir: home, env: {}, log });
  await sql(first.adminUrl ?? '', 'alter system set max_locks_per_transaction = 10');
  await first.release();
  target = await openDatabaseTarget({ dataDir: home, env: {}, log });
  await sql(target.adminUrl ?? '', 'create database fleet');
  fleetUrl = databaseUrl('fleet');
  const orm = await openOrm(fleetUrl);
  try {
    await migratePublic(orm);
    const scripts = await tenantMigrationScripts(orm.em);
    const client = new pg.Client({ connectionString: fleetUrl });
    await client.connect();
    try {
      for (let i = 0; i < TENANTS; i++) {
        const slug = `locked-${i}`;
        await client.query('begin');
        const { rows } = await client.query<{ id: string }>(
          `insert into organizations (name, slug, tier, monthly_token_limit, agent_limit, workflow_limit,
                                      tenant_schema_version, agent_count)
           values ($1, $2, 'pro', 1000000, 999, 10, $3, 2) returning id`,
          [`Locked ${i}`, slug, scripts.length],
        );
        await client.query(migratedSchemaStatements(`org_${slug}`, scripts).join(';\n'));
        await client.query(
          `insert into "org_${slug}".agents (name, system_prompt, status)
           select 'Agent ' || g, 'Prompt ' || g, 'active' from generate_series(1, 2) g`,
        );
        await client.query(
          `insert into agent_index (agent_id, organization_id, name, status)
           select a.id, $1, a.name, a.status from "org_${slug}".agents a`,
          [rows[0]?.id],
        );
        await client.query('commit');
      }
    } finally {
      await client.end();
    }
  } finally {
    await orm.close(true);
  }
}, 300_000);

afterAll(async () => {
  await target?.release();
  await removeDataDir(home);
});

it('is a fleet whose tables cannot all be read in one transaction on this server', async () => {
  const client = new pg.Client({ connectionString: fleetUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname like 'org\\_%'`,
    );
    await client.query('begin isolation level repeatable read read only');
    const readAll = async () => {
      for (const { name } of rows) await client.query(`select count(*) from ${name}`);
    };
    await expect(readAll()).rejects.toThrow(/out of shared memory/);
    await client.query('rollback');
  } finally {
    await client.end();
  }
});

it('backs the fleet up and restores it into another database, verified', async () => {
  const file = join(home, 'fleet.fpbackup');
  const backup = await backupDatabase(fleetUrl, file);
  expect(backup.tables).toBeGreaterThan(TENANTS * 3);
  await sql(target.adminUrl ?? '', 'create database restored');
  const restored = await restoreArchive(file, databaseUrl('restored'));
  expect(restored.tenants).toBe(TENANTS);
  await rm(file);
});

it('moves the fleet into another database, verified', async () => {
  await sql(target.adminUrl ?? '', 'create database moved');
  const moved = await moveDatabase(fleetUrl, databaseUrl('moved'));
  expect(moved.tenants).toBe(TENANTS);
});
