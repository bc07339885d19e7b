import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type { TransferProgress } from '../../../src-shared/channels.ts';
import type { TransferReport } from '../../../src-shared/contract.ts';
import { from as copyFrom } from 'pg-copy-streams';
import { PUBLIC_MIGRATIONS } from '../../../migrations/public/index.ts';
import { TENANT_MIGRATIONS } from '../../../migrations/tenant/index.ts';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { checkServerVersion, maskUrl } from '../connection.ts';
import { quoteIdent } from '../identifiers.ts';
import { openOrm } from '../orm.ts';
import {
  freshSchemaStatements,
  tenantMigrationScripts,
  type TenantMigrationScript,
} from '../tenant-migrator.ts';
import {
  foreignKeysOf,
  inForeignKeyOrder,
  schemasOf,
  type Description,
  type TableShape,
} from './describe.ts';
import {
  dropMarker,
  MARKER_TABLES,
  markDone,
  readMarker,
  UnfinishedTransferError,
  writeMarker,
  type Marker,
} from './marker.ts';
import { expectedShapes, shapeDifferences } from './expected-shapes.ts';
import type { TransferSource } from './source.ts';
import {
  appendedFingerprints,
  appendPublic,
  checkAppendable,
  removeAppended,
  withoutIdentity,
} from './append.ts';
import { connectForTransfer, copyInSql, fingerprintsOf, qualified } from './tables.ts';
import { TenantLanes, UNFLUSHED_COMMIT } from './tenant-lanes.ts';

export interface CopyIntoOptions {
  /** Continue the unfinished copy from this same source that the target holds. */
  resume?: boolean;
  /** Add to a target that already holds FleetPrompt data, when nothing clashes (a move only). */
  intoExisting?: boolean;
  onProgress?: (progress: TransferProgress) => void;
}

export class TransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}

const PUBLIC_NAMES = PUBLIC_MIGRATIONS.map((m) => m.name);

/** Refuses a source that this app's migrations cannot reproduce (made by a newer app). */
export function checkLevels(description: Description, made: string): void {
  const known = description.publicMigrations.every((name, i) => PUBLIC_NAMES[i] === name);
  const tenantsKnown = description.tenants.every((t) => t.level <= TENANT_MIGRATIONS.length);
  if (!known || !tenantsKnown)
    throw new TransferError(
      `${made} holds migrations this FleetPrompt does not know: it was made by a newer version. ` +
        'Update FleetPrompt, then try again.',
    );
}

const asTransferError = (error: unknown): never => {
  throw error instanceof TransferError
    ? error
    : new TransferError(error instanceof Error ? error.message : String(error));
};

async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await work();
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

async function copyTable(
  client: pg.ClientBase,
  source: TransferSource,
  schema: string,
  table: TableShape,
): Promise<number> {
  // the rows first: a target left waiting in COPY for rows that never come would hang its rollback
  const rows = await source.rows(schema, table);
  const into = client.query(copyFrom(copyInSql(schema, table)));
  await pipeline(rows, into);
  return Number(into.rowCount ?? 0);
}

/** Objects the target had before the copy, so that a rollback removes only what the copy made. */
async function publicObjects(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select 'extension ' || extname as name from pg_extension
     union all select 'table ' || tablename from pg_tables where schemaname = 'public'
     union all select 'function ' || p.proname from pg_proc p
        join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and not exists
             (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`,
  );
  return rows.map((r) => r.name);
}

async function holdsFleetPromptData(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>(
    `select to_regclass('public.organizations') is not null
         or exists (select 1 from pg_namespace where nspname like 'org\\_%') as found`,
  );
  return rows[0]?.found ?? false;
}

/**
 * Copies the source into an empty database: public migrated to the
 * source's level and its tables copied in one transaction (their triggers
 * held, so the copied counters stay as they were), then each tenant's schema
 * created at its level and filled, in one transaction per tenant recorded in
 * the marker; then every table compared with the source by row count and
 * content checksum. Only then is the marker removed. With `intoExisting`, a
 * target that already holds FleetPrompt data gets the source's public rows
 * added beside its own instead (append.ts).
 */
export async function copyIntoDatabase(
  source: TransferSource,
  url: string,
  options: CopyIntoOptions = {},
): Promise<TransferReport> {
  const started = performance.now();
  const description = source.description;
  const tenantsTotal = description.tenants.length;
  let rows = 0;
  let tenantsDone = 0;
  const progress = (phase: TransferProgress['phase']) =>
    options.onProgress?.({
      phase,
      tenantsDone,
      tenantsTotal,
      rows,
      elapsedMs: performance.now() - started,
    });
  progress('checking');
  checkLevels(description, source.label);

  const target = await connectForTransfer(url);
  try {
    const { rows: version } = await target.query<{ num: string; version: string }>(
      `select current_setting('server_version_num') as num, current_setting('server_version') as version`,
    );
    checkServerVersion(Number(version[0]?.num ?? 0), version[0]?.version ?? 'unknown');

    const existing = await readMarker(target);
    if (existing && !options.resume) throw new UnfinishedTransferError(existing.marker.source);
    if (existing && existing.marker.source !== source.label)
      throw new TransferError(
        `The target holds an unfinished copy of ${existing.marker.source}, not of ${source.label}; ` +
          'roll it back first (--rollback).',
      );
    if (!existing && options.resume)
      throw new TransferError('The target holds no unfinished copy to resume.');
    const holdsData = !existing && (await holdsFleetPromptData(target));
    if (holdsData && !options.intoExisting)
      throw new TransferError(
        'The target already holds FleetPrompt data; copy into an empty database, ' +
          'or add to it with --into-existing.',
      );
    if (holdsData) await checkAppendable(target, description).catch(asTransferError);
    const done = existing?.done ?? new Set<string>();
    const appended = existing?.marker.appended ?? holdsData;

    const orm = await openOrm(url, { poolMax: 2 });
    const scriptsByLevel = new Map<number, TenantMigrationScript[]>();
    try {
      for (const level of new Set(description.tenants.map((t) => t.level)))
        scriptsByLevel.set(
          level,
          await tenantMigrationScripts(orm.em.fork(), TENANT_MIGRATIONS.slice(0, level)),
        );
      // the last check before the first write: the tables and columns the migrations make
      const publicScripts = await tenantMigrationScripts(
        orm.em.fork(),
        PUBLIC_MIGRATIONS.slice(0, description.publicMigrations.length),
      );
      const differences = shapeDifferences(
        description,
        await expectedShapes(target, publicScripts, scriptsByLevel),
      );
      if (differences.length > 0)
        throw new TransferError(
          `${source.label} does not hold what its migrations create: ` +
            `${differences.slice(0, 5).join('; ')}${differences.length > 5 ? '; …' : ''}. Nothing was written.`,
        );
      if (!existing) {
        const marker: Marker = {
          source: source.label,
          startedAt: new Date().toISOString(),
          slugs: description.tenants.map((t) => t.slug),
          objectsBefore: await publicObjects(target),
          appended,
        };
        await writeMarker(target, marker);
      }

      progress('migrating');
      const last = description.publicMigrations.at(-1);
      if (last) await orm.migrator.up({ to: last });
    } finally {
      await orm.close(true);
    }

    progress('copying');
    if (!done.has('public') && appended) {
      try {
        rows += await inTransaction(target, async () => {
          const added = await appendPublic(target, source, description.publicTables);
          await markDone(target, 'public');
          return added;
        });
      } catch (error) {
        // refused before anything was added: the target is as it was
        await inTransaction(target, () => dropMarker(target));
        throw asTransferError(error);
      }
    } else if (!done.has('public')) {
      rows += await inTransaction(target, async () => {
        await target.query(UNFLUSHED_COMMIT);
        let copied = 0;
        for (const table of description.publicTables) {
          // the copied rows carry the figures the triggers would otherwise add again
          await target.query(`alter table ${qualified('public', table)} disable trigger user`);
          copied += await copyTable(target, source, 'public', table);
          await target.query(`alter table ${qualified('public', table)} enable trigger user`);
        }
        for (const s of description.sequences) {
          if (s.value === null) continue;
          await target.query(`select setval(pg_get_serial_sequence($1, $2), $3::bigint)`, [
            `public.${quoteIdent(s.table)}`,
            s.column,
            s.value,
          ]);
        }
        await markDone(target, 'public');
        return copied;
      });
    } else {
      for (const table of description.publicTables) await source.skip('public', table);
    }
    const tenants = schemasOf(description).flatMap(({ schema, tables, tenant }) =>
      tenant ? [{ schema, tables, tenant }] : [],
    );
    const lanes = new TenantLanes(target, url, ({ slug, level }) =>
      freshSchemaStatements(slug, scriptsByLevel.get(level) ?? []),
    );
    const pending = tenants.filter((t) => !done.has(t.tenant.slug));
    let copying = 0;
    try {
      for (const { schema, tables, tenant } of tenants) {
        if (done.has(tenant.slug)) {
          for (const table of tables) await source.skip(schema, table);
        } else {
          copying += 1;
          rows += await lanes.copy(tenant, pending[copying]?.tenant, async (client) => {
            let copied = 0;
            for (const table of tables) copied += await copyTable(client, source, schema, table);
            await markDone(client, tenant.slug);
            return copied;
          });
        }
        tenantsDone += 1;
        progress('copying');
      }
    } finally {
      await lanes.close();
    }

    progress('verifying');
    const differences: string[] = [];
    for (const { schema, tables } of schemasOf(description)) {
      // rows added beside the target's own are compared by the keys recorded, shifted ids left out
      const added = appended && schema === 'public';
      const compared = added ? withoutIdentity(tables) : tables;
      const [want, have] = await Promise.all([
        source.expected(schema, compared),
        added ? appendedFingerprints(target, tables) : fingerprintsOf(target, schema, compared),
      ]);
      compared.forEach((table, i) => {
        const w = want[i];
        const h = have[i];
        if (!w || !h || w.rows !== h.rows || w.sum !== h.sum)
          differences.push(
            `${schema}.${table.name} (source ${w?.rows ?? '?'} rows, target ${h?.rows ?? '?'})`,
          );
      });
    }
    if (differences.length > 0)
      throw new TransferError(
        `The copy differs from the source in ${differences.length} table(s): ` +
          `${differences.slice(0, 5).join(', ')}${differences.length > 5 ? ', …' : ''}. ` +
          'Was the source written to during the copy? Roll the target back (--rollback) and copy again.',
      );
    await inTransaction(target, () => dropMarker(target));
    progress('done');
    return {
      target: maskUrl(url),
      tenants: tenantsTotal,
      tables: schemasOf(description).reduce((n, s) => n + s.tables.length, 0),
      rows,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await target.end().catch(() => undefined);
  }
}

/**
 * Removes an unfinished copy: the tenant schemas it was to create, the
 * public tables, functions and extensions the target did not have before,
 * and the marker. Schemas are dropped a few per transaction, to stay
 * within the server's lock table.
 */
export async function rollbackTransfer(url: string): Promise<{ source: string; schemas: number }> {
  const target = await connectForTransfer(url);
  try {
    const found = await readMarker(target);
    if (!found) throw new TransferError('The target holds no unfinished copy to roll back.');
    const { marker } = found;
    const { rows: present } = await target.query<{ nspname: string }>(
      'select nspname from pg_namespace where nspname = any ($1::text[])',
      [marker.slugs.map(tenantSchemaName)],
    );
    // a dropped schema locks each of its objects (about 16): a batch stays within one transaction's share
    const { rows: budget } = await target.query<{ n: string }>(
      `select current_setting('max_locks_per_transaction') as n`,
    );
    const perBatch = Math.max(1, Math.floor(Number(budget[0]?.n ?? 64) / 16));
    for (let i = 0; i < present.length; i += perBatch) {
      const batch = present.slice(i, i + perBatch).map((r) => quoteIdent(r.nspname));
      await target.query(`drop schema if exists ${batch.join(', ')} cascade`);
    }
    if (marker.appended) {
      await inTransaction(target, async () => {
        const { rows: added } = await target.query<{ tbl: string }>(
          'select distinct tbl from public.fleetprompt_transfer_keys',
        );
        const tables = inForeignKeyOrder(
          added.map((r) => ({ name: r.tbl, columns: [], identity: [] })),
          await foreignKeysOf(target, 'public'),
        );
        await removeAppended(target, tables);
        await dropMarker(target);
      });
      return { source: marker.source, schemas: present.length };
    }
    const before = new Set(marker.objectsBefore);
    await inTransaction(target, async () => {
      const made = (await publicObjects(target)).filter((o) => !before.has(o));
      const named = (kind: string) =>
        made
          .filter((o) => o.startsWith(`${kind} `))
          .map((o) => quoteIdent(o.slice(kind.length + 1)));
      const tables = named('table').filter((t) => !MARKER_TABLES.some((m) => t === quoteIdent(m)));
      if (tables.length > 0)
        await target.query(
          `drop table if exists ${tables.map((t) => `public.${t}`).join(', ')} cascade`,
        );
      for (const fn of named('function'))
        await target.query(`drop function if exists public.${fn}`);
      for (const extension of named('extension'))
        await target.query(`drop extension if exists ${extension}`);
      await dropMarker(target);
    });
    return { source: marker.source, schemas: present.length };
  } finally {
    await target.end().catch(() => undefined);
  }
}
