import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { FleetChange } from '../../src-shared/channels.ts';
import type { MaintenanceDto } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { CHANGE_CHANNEL } from './change-listener.ts';
import { quoteLiteral } from './identifiers.ts';

/*
 * Maintenance: a tenant that refuses writes and says why. An operation's
 * maintenance lasts exactly as long as the operation's process holds its
 * ticket's advisory lock (public migration 11), on a connection used for
 * that alone: a crash ends it with the connection. An administrator's has
 * no ticket and lasts until it is turned off.
 */

/** The advisory lock class of maintenance tickets ('FPMT'), as public.maintenance_held reads it. */
const TICKET_LOCK_CLASS = 1179667796;

/** What a maintenance decision reads of an organization row. */
export interface MaintenanceColumns {
  id: string;
  maintenanceReason?: string | null | undefined;
  maintenanceSince?: Date | null | undefined;
  maintenanceTicket?: number | null | undefined;
}

/** The URL the ORM's pool connects with (openOrm gives node-postgres the whole URL). */
function urlOf(em: EntityManager): string {
  const options = em.config.get('driverOptions') as { connectionString?: unknown } | undefined;
  const url = options?.connectionString ?? em.config.get('clientUrl');
  if (typeof url !== 'string') throw new Error('The database URL is not known to the ORM');
  return url;
}

/** The organizations whose maintenance is in force now, among `rows`; one query, none when none has a reason. */
export async function liveMaintenance(
  em: EntityManager,
  rows: readonly MaintenanceColumns[],
): Promise<Map<string, MaintenanceDto>> {
  const marked = rows.filter((row) => row.maintenanceReason);
  const live = new Map<string, MaintenanceDto>();
  if (marked.length === 0) return live;
  const tickets = [...new Set(marked.flatMap((row) => row.maintenanceTicket ?? []))];
  const held = new Set(
    tickets.length === 0
      ? []
      : (
          await em.execute<{ ticket: number }[]>(
            'select t as ticket from unnest(?::int[]) t where public.maintenance_held(t)',
            [`{${tickets.join(',')}}`],
          )
        ).map((row) => Number(row.ticket)),
  );
  for (const row of marked) {
    const ticket = row.maintenanceTicket ?? null;
    if (!row.maintenanceReason || (ticket !== null && !held.has(ticket))) continue;
    live.set(row.id, {
      reason: row.maintenanceReason,
      since: (row.maintenanceSince ?? new Date()).toISOString(),
      byOperation: ticket !== null,
    });
  }
  return live;
}

/** The organization's maintenance in force now, or null. */
export async function maintenanceOf(
  em: EntityManager,
  row: MaintenanceColumns,
): Promise<MaintenanceDto | null> {
  return (await liveMaintenance(em, [row])).get(row.id) ?? null;
}

/** Refuses a write to a tenant in maintenance, with its reason, unless the maintenance is the writer's own. */
export async function refuseInMaintenance(
  em: EntityManager,
  row: MaintenanceColumns & { name: string },
  ownTicket: number | null = null,
): Promise<void> {
  if (ownTicket !== null && row.maintenanceTicket === ownTicket) return;
  const maintenance = await maintenanceOf(em, row);
  if (maintenance)
    throw new AppError('MAINTENANCE', `${row.name} is in maintenance: ${maintenance.reason}`);
}

/** Past this many tenants, one maintenance step is announced once, to administrators, not per tenant. */
const ANNOUNCED_ONE_BY_ONE = 5;

/**
 * Holder connections between operations, by URL, so that a rename or a
 * repair opens none (a new connection was most of a rename's time). An
 * idle one holds no lock and does not keep the process alive; one that
 * fails is ended, and a crash ends them all with their locks.
 */
const idleHolders = new Map<string, pg.Client[]>();
const KEPT_IDLE = 2;

/** The socket under a pg.Client, to let an idle one not keep the process alive. */
const socketOf = (client: pg.Client) =>
  (client as unknown as { connection: { stream: { ref(): void; unref(): void } } }).connection
    .stream;

function keepIdle(url: string, client: pg.Client): void {
  const idle = idleHolders.get(url) ?? [];
  if (idle.length >= KEPT_IDLE) {
    void client.end().catch(() => undefined);
    return;
  }
  socketOf(client).unref();
  idle.push(client);
  idleHolders.set(url, idle);
}

async function newHolder(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // a connection lost mid-operation ends the maintenance by itself; the work's own failure says why
  client.on('error', () => undefined);
  client.on('end', () => {
    const idle = idleHolders.get(url);
    if (idle?.includes(client)) idle.splice(idle.indexOf(client), 1);
  });
  await client.connect();
  /*
   * A claim or release is live only while its ticket's advisory lock is
   * held, and no lock outlives a server crash: one lost with the last
   * unflushed WAL reads as it would have had it committed. So its commit
   * does not wait for the disk (two flushes were most of a rename's time on
   * a loaded machine); the operation's own transaction still does, and its
   * flush covers every claim made before it.
   */
  await client.query('set synchronous_commit to off');
  return client;
}

/** A holder connection, idle or new, with a new ticket's lock taken on it. */
async function ticketed(url: string): Promise<{ client: pg.Client; ticket: number }> {
  for (;;) {
    const idle = idleHolders.get(url)?.pop();
    const client = idle ?? (await newHolder(url));
    if (idle) socketOf(idle).ref();
    try {
      // a volatile subquery is evaluated once: the ticket drawn is the ticket locked
      const { rows } = await client.query<{ ticket: number }>(
        `select t as ticket, pg_advisory_lock($1, t) as locked
           from (select nextval('public.maintenance_tickets')::int as t) drawn`,
        [TICKET_LOCK_CLASS],
      );
      return { client, ticket: Number(rows[0]?.ticket) };
    } catch (error) {
      await client.end().catch(() => undefined);
      // an idle connection the server ended meanwhile: the next one, or a new one
      if (!idle) throw error;
    }
  }
}

/**
 * An operation's hold on tenants' maintenance: one connection and one
 * ticket, for any number of tenants claimed and released as the operation
 * goes (a fan-out claims each batch in turn).
 */
export interface MaintenanceHold {
  /** This hold's ticket: its own maintenance does not refuse its own writes. */
  readonly ticket: number;
  /**
   * Puts the organizations (by id or slug) in maintenance for `reason`;
   * one already in another's maintenance keeps it (an administrator's, or
   * another live operation's). Answers the ids now held.
   */
  claim(by: 'id' | 'slug', values: readonly string[]): Promise<string[]>;
  /** Ends this hold's maintenance of those organizations. */
  release(by: 'id' | 'slug', values: readonly string[]): Promise<void>;
  /**
   * Releases everything still held and gives the connection back; a claim
   * after it is refused, a release or close does nothing.
   */
  close(): Promise<void>;
}

export async function holdMaintenance(
  em: EntityManager,
  reason: string,
  action: FleetChange['action'],
): Promise<MaintenanceHold> {
  const url = urlOf(em);
  const { client, ticket } = await ticketed(url);
  /*
   * Once closed, the connection is idle or another hold's: nothing of this
   * hold may reach it after (a fan-out's workers may still be claiming when
   * a failure closes the hold). Its steps run one after another, so that
   * close comes after every step begun before it, announcements included.
   */
  let closed = false;
  let previous: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(step: () => Promise<T>): Promise<T> => {
    const next = previous.then(step);
    previous = next.catch(() => undefined);
    return next;
  };

  /**
   * Screens showing the organizations a statement's `done` step returns
   * refresh (their banner); many at once: one fleet-wide word. Sent by the
   * statement itself, so that each step is one round trip, and heard only
   * if it commits.
   */
  const announced = (action: string) => {
    const change = (kind: string, id: string) =>
      `json_build_object('kind', '${kind}', 'id', ${id}, 'organizationId', ${id}, 'version', null, 'action', ${quoteLiteral(action)})::text`;
    return `announced as (
      select pg_notify('${CHANGE_CHANNEL}', c) from (
        select ${change('organization', 'id')} as c
          from done where (select count(*) from done) <= ${ANNOUNCED_ONE_BY_ONE}
        union all
        select ${change('tenancy', 'null')} from done having count(*) > ${ANNOUNCED_ONE_BY_ONE}) changes)`;
  };
  const announcing = announced(action);

  // compared as the column's own type, so that its index serves (id::text read every organization)
  const among = (by: 'id' | 'slug', param: string) =>
    by === 'id' ? `id = any(${param}::uuid[])` : `slug = any(${param}::text[])`;
  return {
    ticket,
    claim: (by, values) =>
      inTurn(async () => {
        if (closed) throw new Error(`this operation’s maintenance (${reason}) has ended`);
        const { rows } = await client.query<{ id: string }>(
          `with done as (
             update public.organizations
                set maintenance_reason = $1, maintenance_since = now(), maintenance_ticket = $2
              where ${among(by, '$3')}
                and (maintenance_ticket = $2 or not public.maintenance_live(maintenance_reason, maintenance_ticket))
              returning id),
           ${announcing}
           select id from done cross join (select count(*) from announced) sent`,
          [reason, ticket, values],
        );
        return rows.map((row) => row.id);
      }),
    release: (by, values) =>
      inTurn(async () => {
        if (closed) return;
        try {
          await client.query(
            `with done as (
               update public.organizations
                  set maintenance_reason = null, maintenance_since = null, maintenance_ticket = null
                where ${among(by, '$1')} and maintenance_ticket = $2
                returning id),
             ${announcing}
             select count(*) from announced`,
            [values, ticket],
          );
        } catch {
          // these tenants stay held until close() ends the connection, and with it the ticket's
          // lock; a lost connection has ended it already. Either way the work's own outcome,
          // not this, is what the operation reports.
        }
      }),
    close: () =>
      inTurn(async () => {
        if (closed) return;
        closed = true;
        try {
          // the lock may end before the rows commit: rows naming a ticket not held are not live either
          await client.query(
            `with done as (
               update public.organizations
                  set maintenance_reason = null, maintenance_since = null, maintenance_ticket = null
                where maintenance_ticket = $1 returning id),
             ${announcing}
             select (select count(*) from announced) as sent, pg_advisory_unlock($2, $1) as unlocked`,
            [ticket, TICKET_LOCK_CLASS],
          );
          keepIdle(url, client);
        } catch {
          // the rows left marked name a ticket whose lock ends with the connection: nobody reads them as live
          await client.end().catch(() => undefined);
        }
      }),
  };
}

/**
 * Runs `work` with the organization in maintenance for `reason`: its writes
 * answer MAINTENANCE meanwhile, reads go on, and the maintenance ends with
 * the work, or with the process should it die first.
 */
export async function withMaintenance<T>(
  em: EntityManager,
  organizationId: string,
  reason: string,
  action: FleetChange['action'],
  work: () => Promise<T>,
): Promise<T> {
  const hold = await holdMaintenance(em, reason, action);
  try {
    await hold.claim('id', [organizationId]);
    return await work();
  } finally {
    await hold.close();
  }
}
