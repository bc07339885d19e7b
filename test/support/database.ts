import pg from 'pg';
import { inject } from 'vitest';
import { migratePublic } from '../../src-main/db/fan-out.ts';
import { openOrm, type Orm } from '../../src-main/db/orm.ts';
import { createScratchDatabase } from './scratch-database.ts';

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
  /** Closes this process's connections to it and keeps it (to become a template). */
  disconnect(): Promise<void>;
}

/** A fresh database for one test file, with the public schema migrated. */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const { name, url, drop } = await createScratchDatabase(inject('serverUrl'), 'fp_test');
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
      await drop();
    },
    disconnect: async () => {
      await orm.close(true);
      await pool.end();
    },
  };
}
