import pg from 'pg';
import { inject } from 'vitest';
import type { Harness } from './harness.ts';
import {
  createScratchDatabase,
  forgetScratchDatabase,
  type ScratchDatabase,
} from './scratch-database.ts';

/*
 * A world built once per test run and copied for each test file that asks
 * for it: PostgreSQL copies a template database in well under a second,
 * where migrating and filling one through the console takes ten and more
 * on this machine. A mutation run starts the same file once per mutant
 * (docs/testing.md), so what it builds is worth keeping. The template is
 * built by the console's own calls (a harness), then closed and renamed;
 * global-setup.ts drops it after the run.
 */

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('serverUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database holding the world `build` makes, built the first time a
 * file of this run asks for `name` (one file at a time builds it) and copied
 * after that. `build` must leave no connection open but the harness's own.
 */
export async function fromTemplate(
  name: string,
  build: (h: Harness) => Promise<void>,
): Promise<ScratchDatabase> {
  const template = `${inject('templatePrefix')}${name}`;
  await onServer(async (client) => {
    await client.query('select pg_advisory_lock(hashtext($1))', [template]);
    try {
      const { rows } = await client.query('select 1 from pg_database where datname = $1', [
        template,
      ]);
      if (rows.length > 0) return;
      // imported only to build: a file that copies the template skips loading the console
      const { createHarness } = await import('./harness.ts');
      const h = await createHarness();
      try {
        await build(h);
      } catch (error) {
        await h.close();
        throw error;
      }
      const built = await h.detach();
      forgetScratchDatabase(h.db.url);
      await client.query(`alter database ${built} rename to ${template}`);
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
  return createScratchDatabase(inject('serverUrl'), 'fp_test', template);
}
