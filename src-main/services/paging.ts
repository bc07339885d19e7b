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
