import type pg from 'pg';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { TenantEntry } from '../../src-main/db/transfer/describe.ts';
import { connectForTransfer } from '../../src-main/db/transfer/tables.ts';
import { TenantLanes } from '../../src-main/db/transfer/tenant-lanes.ts';
import { query } from '../support/database-contents.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

const made: ScratchDatabase[] = [];
let db: ScratchDatabase;
let first: pg.Client;

const tenant = (slug: string): TenantEntry => ({ slug, level: 1, shape: 0 });
const schemaOf = ({ slug }: TenantEntry) => [
  `create schema "t_${slug}"`,
  `create table "t_${slug}".rows (id int primary key, label text unique)`,
];
const schemas = async () =>
  (
    await query<{ name: string }>(
      db.url,
      `select nspname as name from pg_namespace where nspname like 't\\_%' order by 1`,
    )
  ).map((r) => r.name);
/** Connections to the database, other than `client` and `besides`, that hold a transaction open. */
const openTransactions = async (client: pg.Client, besides = 0) =>
  Number(
    (
      await client.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity
          where datname = current_database() and pid not in (pg_backend_pid(), $1)
            and state = 'idle in transaction'`,
        [besides],
      )
    ).rows[0]?.n,
  );

beforeEach(async () => {
  db = await createScratchDatabase(inject('serverUrl'), 'fp_lanes');
  made.push(db);
  first = await connectForTransfer(db.url);
});

afterAll(async () => {
  for (const scratch of made) await scratch.drop();
});

describe('two lanes copying tenants in turn', () => {
  it('make the next tenant’s schema in a transaction of its own while the current one is filled', async () => {
    const lanes = new TenantLanes(first, db.url, schemaOf);
    const [a, b] = [tenant('a'), tenant('b')];
    let aheadWhileFilling = 0;
    await lanes.copy(a, b, async (client) => {
      await client.query(`insert into "t_a".rows values (1, 'one')`);
      const filling = (await client.query<{ pid: number }>('select pg_backend_pid() as pid'))
        .rows[0]?.pid;
      const observer = await connectForTransfer(db.url);
      try {
        for (let tries = 0; tries < 100 && aheadWhileFilling === 0; tries++) {
          aheadWhileFilling = await openTransactions(observer, filling);
          if (aheadWhileFilling === 0) await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await observer.end();
      }
    });
    expect(aheadWhileFilling).toBe(1);
    // made ahead, not yet committed: no one else sees it
    expect(await schemas()).toEqual(['t_a']);
    await lanes.copy(b, undefined, (client) =>
      client.query(`insert into "t_b".rows values (2, 'two')`),
    );
    await lanes.close();
    await first.end();
    expect(await schemas()).toEqual(['t_a', 't_b']);
    expect(await query(db.url, `select id from "t_b".rows`)).toEqual([{ id: 2 }]);
  });

  it('roll a tenant’s schema back with its rows when filling it fails', async () => {
    const lanes = new TenantLanes(first, db.url, schemaOf);
    await expect(
      lanes.copy(tenant('a'), undefined, async (client) => {
        await client.query(`insert into "t_a".rows values (1, 'one')`);
        throw new Error('the source failed');
      }),
    ).rejects.toThrow('the source failed');
    await lanes.close();
    await first.end();
    expect(await schemas()).toEqual([]);
  });

  it('roll back, on close, the schema made ahead for a tenant never filled', async () => {
    const lanes = new TenantLanes(first, db.url, schemaOf);
    await lanes.copy(tenant('a'), tenant('b'), async () => undefined);
    await lanes.close();
    expect(await openTransactions(first)).toBe(0);
    await first.end();
    expect(await schemas()).toEqual(['t_a']);
  });

  it('refuse a tenant other than the one made ahead, rolling back nothing committed', async () => {
    const lanes = new TenantLanes(first, db.url, schemaOf);
    await lanes.copy(tenant('a'), tenant('b'), async () => undefined);
    await expect(lanes.copy(tenant('c'), undefined, async () => undefined)).rejects.toThrow(
      'c was copied out of turn: b was made ahead',
    );
    await lanes.close();
    await first.end();
    expect(await schemas()).toEqual(['t_a']);
  });

  it('answer a schema that cannot be made with the server’s refusal, for the tenant it belongs to', async () => {
    const lanes = new TenantLanes(first, db.url, (t) =>
      t.slug === 'b' ? ['create table nowhere.rows (id int)'] : schemaOf(t),
    );
    await lanes.copy(tenant('a'), tenant('b'), async () => undefined);
    await expect(lanes.copy(tenant('b'), undefined, async () => undefined)).rejects.toThrow(
      /schema "nowhere" does not exist/,
    );
    await lanes.close();
    await first.end();
    expect(await schemas()).toEqual(['t_a']);
  });
});
