import type { EntityData, EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ListQuery } from '../../src-shared/domain/fields.ts';
import { pageStatement, type PageQuery } from '../db/page-statements.ts';

export interface SortSpec {
  field: string;
  direction: 'asc' | 'desc';
}

export function sortOf(query: ListQuery, fallback: string): SortSpec {
  const sort = query.sort ?? fallback;
  return sort.startsWith('-')
    ? { field: sort.slice(1), direction: 'desc' }
    : { field: sort, direction: 'asc' };
}

export function offsetOf(query: ListQuery): number {
  return (query.page - 1) * query.pageSize;
}

/** A LIKE pattern matching `search` anywhere, with the user's % and _ taken literally. */
export function containsPattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page and the total for a list screen, in one statement (one round
 * trip, one snapshot; see pageStatement). Only a page past the end, with no
 * row to carry the total, counts apart. The page comes as plain rows named
 * by property (bigint columns as text) instead of entities: a list only
 * reads, and creating, registering and snapshotting 50 entities cost more
 * than the query itself (bench B3, B4). `Row` names the properties the
 * caller reads; `fields` limits the columns read (a relation's arrives as
 * its id).
 */
export async function findRows<T extends object, Row extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  options: Omit<PageQuery<T>, 'where'>,
): Promise<[Row[], number]> {
  const { sql, params } = pageStatement(em, entity, { where, ...options });
  const rows = await readRows<T, Row & { page_total: string }>(em, entity, sql, params);
  const first = rows[0];
  if (first) return [rows, Number(first.page_total)];
  return [rows, options.offset === 0 ? 0 : await em.count(entity, where as never)];
}

/**
 * The rows a statement over `entity`'s table returns, named by property and
 * converted as the entity's properties are, without making entities of
 * them (see findRows for what that saves).
 */
export async function readRows<T extends object, Row extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  sql: string,
  params: unknown[],
): Promise<Row[]> {
  // em.execute runs in the fork's transaction and converts driver errors as the ORM's methods do
  const found = await em.execute<EntityData<T>[]>(sql, params);
  const meta = em.getMetadata(entity);
  return found.map((row) => em.getDriver().mapResult(row, meta) as Row);
}
