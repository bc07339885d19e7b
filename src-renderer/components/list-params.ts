import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { useSearchParams } from 'react-router';

export interface ListParams {
  page: number;
  pageSize: number;
  sort: string | undefined;
  search: string | undefined;
}

/**
 * Paging, sorting and search kept in the URL, so back/forward and reload
 * keep them. The search box updates at once; the URL (and the query) after
 * a short pause.
 */
export function useListParams(defaults: { sort: string; pageSize?: number }) {
  const [params, setParams] = useSearchParams();
  const list: ListParams = {
    page: Math.max(1, Number(params.get('page') ?? 1) || 1),
    pageSize: Number(params.get('pageSize') ?? defaults.pageSize ?? 25) || 25,
    sort: params.get('sort') ?? defaults.sort,
    search: params.get('q') ?? undefined,
  };
  const update = (changes: Record<string, string | undefined>, replace = false) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined || value === '') next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace },
    );
  const [searchText, setSearchText] = useState(list.search ?? '');
  const commitSearch = useDebouncedCallback(
    (value: string) => update({ q: value.trim() || undefined, page: undefined }, true),
    300,
  );
  return {
    list,
    searchText,
    setSearch: (value: string) => {
      setSearchText(value);
      commitSearch(value);
    },
    setPage: (page: number) => update({ page: page === 1 ? undefined : String(page) }),
    setSort: (sort: string) => update({ sort, page: undefined }),
    setParam: (key: string, value: string | undefined) => update({ [key]: value, page: undefined }),
    /** Writes a value the screen chose itself into the URL without a new history entry. */
    settleParam: (key: string, value: string) => update({ [key]: value }, true),
    param: (key: string) => params.get(key) ?? undefined,
  };
}

/** The search and sort on screen, as the CSV export takes them. */
export function exportQuery(list: ListParams): { sort?: string; search?: string } {
  return {
    ...(list.sort ? { sort: list.sort } : {}),
    ...(list.search ? { search: list.search } : {}),
  };
}
