import type { EntityName, FilterQuery, FindOptions } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ListQuery } from '../../src-shared/domain/fields.ts';

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
 * One page and the total, as findAndCount gives them, but read at once on
 * two pooled connections: the page query and the count scan the same rows,
 * and on a 2-core server they run side by side (bench B3, B4).
 */
export async function findPage<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  options: FindOptions<T>,
): Promise<[T[], number]> {
  // MikroORM's index-aware filter type cannot be named for a generic entity; callers pass FilterQuery<T>
  const [items, total] = await Promise.all([
    em.find(entity, where as never, options),
    em.count(entity, where as never),
  ]);
  return [items as T[], total];
}
