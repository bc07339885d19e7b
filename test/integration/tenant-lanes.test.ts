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
/** Connections to the database, other than `client` and `besides`, inside a transaction. */
const openTransactions = async (client: pg.Client, besides = 0) =>
  Number(
    (
      await client.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity
          where datname = current_database() and pid not in (pg_backend_pid(), $1)
            -- an aborted transaction has no start any more, but is still open
            and (xact_start is not null or state like 'idle in transaction%')`,
        [besides],
      )
    ).rows[0]?.n,
  );
/** Waits until some connection to the database sits in a transaction a statement failed in. */
async function untilAborted(): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const [found] = await query<{ n: number }>(
      db.url,
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state = 'idle in transaction (aborted)'`,
    );
    if (found?.n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no transaction failed');
}
const insertInto = (slug: string) => (client: pg.Client) =>
  client.query(`insert into "t_${slug}".rows values (1, 'one')`);

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
    // the refusal arrives while no one awaits it: it must not count as unhandled meanwhile
    await lanes.copy(tenant('a'), tenant('b'), async () => {
      await untilAborted();
      await new Promise((r) => setTimeout(r, 50));
    });
    await expect(lanes.copy(tenant('b'), undefined, async () => undefined)).rejects.toThrow(
      /schema "nowhere" does not exist/,
    );
    await lanes.close();
    await first.end();
    expect(await schemas()).toEqual(['t_a']);
  });

  it('copy tenants one after another when the next one is not known ahead', async () => {
    const lanes = new TenantLanes(first, db.url, schemaOf);
    await lanes.copy(tenant('a'), undefined, insertInto('a'));
    await lanes.copy(tenant('b'), undefined, insertInto('b'));
    await lanes.close();
    await first.end();
    expect(await schemas()).toEqual(['t_a', 't_b']);
  });

  it('leave no transaction open behind a tenant that failed', async () => {
    const lanes = new TenantLanes(first, db.url, schemaOf);
    await expect(
      lanes.copy(tenant('a'), undefined, async (client) => {
        await client.query('select 1 / 0');
      }),
    ).rejects.toThrow('division by zero');
    const observer = await connectForTransfer(db.url);
    try {
      expect(await openTransactions(observer)).toBe(0);
    } finally {
      await observer.end();
      await lanes.close();
      await first.end();
    }
  });

  it('keep the schema made ahead for the next tenant when the current one fails', async () => {
    const lanes = new TenantLanes(first, db.url, schemaOf);
    const [a, b, c] = [tenant('a'), tenant('b'), tenant('c')];
    await lanes.copy(a, b, insertInto('a'));
    await expect(
      lanes.copy(b, c, async () => {
        throw new Error('the source failed');
      }),
    ).rejects.toThrow('the source failed');
    await lanes.copy(c, undefined, insertInto('c'));
    await lanes.close();
    await first.end();
    expect(await schemas()).toEqual(['t_a', 't_c']);
  });

  it('roll back, on close, a schema made ahead on the connection the caller goes on using', async () => {
    const lanes = new TenantLanes(first, db.url, schemaOf);
    const [a, b, c] = [tenant('a'), tenant('b'), tenant('c')];
    await lanes.copy(a, b, insertInto('a'));
    // b is filled on the second connection, so c is made ahead on the first, the caller's
    await lanes.copy(b, c, insertInto('b'));
    await lanes.close();
    const { rows } = await first.query<{ name: string }>(
      `select nspname as name from pg_namespace where nspname like 't\\_%' order by 1`,
    );
    await first.end();
    expect(rows.map((r) => r.name)).toEqual(['t_a', 't_b']);
  });
});
