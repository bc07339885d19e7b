import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migratePublic } from '../../src-main/db/fan-out.ts';
import { openOrm, type Orm } from '../../src-main/db/orm.ts';

export interface TestDatabase {
  url: string;
  name: string;
  orm: Orm;
  /** Runs SQL as the superuser on this database (for inspecting what the code did). */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<T[]>;
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file, with the public schema migrated. */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const serverUrl = inject('serverUrl');
  const name = `fp_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (c) => c.query(`create database ${name}`));
  const url = withDatabase(serverUrl, name);
  const orm = await openOrm(url);
  if (options.migrate ?? true) await migratePublic(orm);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // an idle inspection connection may be terminated (fault tests, dropping with force);
  // the next query opens another, and an unheard 'error' event would crash the run
  pool.on('error', () => undefined);
  return {
    url,
    name,
    orm,
    sql: async (text, params) => (await pool.query(text, params)).rows,
    drop: async () => {
      await orm.close(true);
      await pool.end();
      await admin(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
