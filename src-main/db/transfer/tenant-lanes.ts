import type pg from 'pg';
import type { TenantEntry } from './describe.ts';
import { connectForTransfer } from './tables.ts';

/**
 * The copy's own transactions commit without waiting for their WAL to
 * reach the disk: a crash may lose the last few of them, each whole, with
 * its record in the marker, so a resume copies them again; and the
 * transaction that removes the marker at the end waits as usual, which
 * flushes every commit before it. A flush per tenant was a disk wait per
 * tenant for nothing.
 */
export const UNFLUSHED_COMMIT = 'set local synchronous_commit = off';

interface Made {
  tenant: TenantEntry;
  client: pg.Client;
  /** Settles when the schema is made in the client's open transaction. */
  made: Promise<void>;
}

/**
 * Copies tenants on two connections in turn: while one fills a tenant's
 * schema and commits, the other already makes the next tenant's schema in
 * a transaction of its own. Making a schema waits for the disk once per
 * index it builds (PostgreSQL 15 and 16 flush each new btree), so the two
 * lanes overlap that wait with the other's COPYs, as `pg_restore -j 2`
 * overlaps its jobs. The rows still arrive in the source's order, one
 * tenant at a time, and each tenant is still one transaction (its schema,
 * its rows and its "done" record): a failure or a crash leaves whole
 * tenants only, and the schema made ahead is rolled back with its
 * transaction.
 */
export class TenantLanes {
  private readonly lanes: [pg.Client, pg.Client | null];
  private readonly url: string;
  private readonly schemaStatements: (tenant: TenantEntry) => string[];
  private ahead: Made | null = null;

  constructor(first: pg.Client, url: string, schemaStatements: (tenant: TenantEntry) => string[]) {
    this.lanes = [first, null];
    this.url = url;
    this.schemaStatements = schemaStatements;
  }

  /**
   * Makes `tenant`'s schema (unless it was made ahead), starts making
   * `next`'s on the other lane, lets `fill` copy into the schema, and
   * commits the two as one transaction.
   */
  async copy<T>(
    tenant: TenantEntry,
    next: TenantEntry | undefined,
    fill: (client: pg.Client) => Promise<T>,
  ): Promise<T> {
    if (this.ahead && this.ahead.tenant.slug !== tenant.slug)
      throw new Error(
        `${tenant.slug} was copied out of turn: ${this.ahead.tenant.slug} was made ahead`,
      );
    const current = this.ahead ?? this.make(tenant, this.lanes[0]);
    this.ahead = null;
    try {
      await current.made;
      if (next !== undefined) this.ahead = this.make(next, await this.other(current.client));
      const result = await fill(current.client);
      await current.client.query('commit');
      return result;
    } catch (error) {
      await current.client.query('rollback').catch(() => undefined);
      throw error;
    }
  }

  /** Rolls back a schema made ahead and not filled, and ends the second connection. */
  async close(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead) {
      await ahead.made.catch(() => undefined);
      await ahead.client.query('rollback').catch(() => undefined);
    }
    await this.lanes[1]?.end().catch(() => undefined);
  }

  private make(tenant: TenantEntry, client: pg.Client): Made {
    const made = (async () => {
      await client.query('begin');
      await client.query([UNFLUSHED_COMMIT, ...this.schemaStatements(tenant)].join(';\n'));
    })();
    // awaited by the tenant's copy; until then a failure must not count as unhandled
    made.catch(() => undefined);
    return { tenant, client, made };
  }

  private async other(client: pg.Client): Promise<pg.Client> {
    if (client !== this.lanes[0]) return this.lanes[0];
    this.lanes[1] ??= await connectForTransfer(this.url);
    return this.lanes[1];
  }
}
