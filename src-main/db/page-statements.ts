import {
  raw,
  type EntityKey,
  type EntityName,
  type FilterQuery,
  type QueryOrderMap,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** One list page: which rows, in which order, how many from where. */
export interface PageQuery<T extends object> {
  where: FilterQuery<T>;
  orderBy: QueryOrderMap<T>;
  limit: number;
  offset: number;
  /** The columns read (a relation's arrives as its id); all of them when absent. */
  fields?: readonly EntityKey<T>[];
}

/** A statement with `?` placeholders and the values that fill them, in order. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** Where a compiled statement's parameter comes from on each later call. */
type Slot = { value: number } | { fixed: unknown } | 'limit' | 'offset';

interface Compiled {
  sql: string;
  slots: Slot[];
}

// stands in the select list for the total until the count's own SQL replaces it
const TOTAL_MARKER = 'fleetprompt_page_total_marker';
const SENTINEL = '\u0001fleetprompt-value-';
const SENTINELS = new RegExp(`^${SENTINEL}(\\d+)$`);

/**
 * Shapes seen so far (entity, schema, where with its values taken out,
 * order, columns), each with the SQL the query builder made for it.
 * Building a page's query cost about as much as running it on a small
 * table (bench B4: 0.3 ms of 1.1); a console asks the same few shapes
 * again and again. Bounded for 10,000 tenant schemas: the oldest shape
 * goes first.
 */
const compiled = new Map<string, Compiled | null>();
const MAX_SHAPES = 2_000;

/**
 * The where clause with each string value taken out (in order) and what is
 * left as the key of its shape; null for values whose SQL could depend on
 * more than their place (a Date, an entity, anything not plain).
 */
function shapeOf(value: unknown, values: string[]): string | null {
  if (typeof value === 'string') {
    values.push(value);
    return '?';
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean')
    return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => shapeOf(item, values));
    return items.includes(null) ? null : `[${items.join(',')}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const shape = shapeOf(item, values);
      if (shape === null) return null;
      entries.push(`${JSON.stringify(key)}:${shape}`);
    }
    return `{${entries.join(',')}}`;
  }
  return null;
}

/** The where clause with each string value replaced by a sentinel naming its place. */
function withSentinels(value: unknown, next: { index: number }): unknown {
  if (typeof value === 'string') return `${SENTINEL}${next.index++}`;
  if (Array.isArray(value)) return value.map((item) => withSentinels(item, next));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withSentinels(item, next)]),
    );
  return value;
}

/**
 * The page and its total as one statement: the total is a scalar subquery
 * in the select list, counted once, while the page can still stop early
 * along an index. Limit and offset come last.
 */
function build<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  query: Omit<PageQuery<T>, 'limit' | 'offset'>,
): Statement {
  const count = em
    .createQueryBuilder(entity, 'counted')
    .count()
    .where(query.where as never);
  const page = em
    .createQueryBuilder(entity)
    .select([...(query.fields ?? ['*']), raw(TOTAL_MARKER)] as never)
    .where(query.where as never)
    .orderBy(query.orderBy);
  const pageSql = page.getQuery();
  const at = pageSql.indexOf(TOTAL_MARKER);
  if (at < 0 || pageSql.indexOf(TOTAL_MARKER, at + 1) >= 0)
    throw new Error('The page query lost its total');
  return {
    sql: `${pageSql.slice(0, at)}(${count.getQuery()}) as page_total${pageSql.slice(at + TOTAL_MARKER.length)} limit ? offset ?`,
    params: [...count.getParams(), ...page.getParams()],
  };
}

/**
 * Compiles a shape with sentinels for its values and records where each
 * parameter comes from; null when the query builder did anything with a
 * value but pass it on (that shape is then built on every call).
 */
function compile<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  query: PageQuery<T>,
  valueCount: number,
): Compiled | null {
  const { sql, params } = build(em, entity, {
    ...query,
    where: withSentinels(query.where, { index: 0 }) as FilterQuery<T>,
  });
  const seen = new Set<number>();
  const slots: Slot[] = [];
  for (const param of params) {
    if (typeof param === 'string') {
      // exactly a sentinel: a value the builder changed or wrapped cannot be refilled
      const value = SENTINELS.exec(param)?.[1];
      if (value === undefined) return null;
      seen.add(Number(value));
      slots.push({ value: Number(value) });
    } else slots.push({ fixed: param });
  }
  if (seen.size !== valueCount) return null;
  return { sql, slots: [...slots, 'limit', 'offset'] };
}

/**
 * The statement for one list page, built by the query builder once per
 * shape and filled with this call's values afterwards: the same SQL and
 * values the builder makes for them, without building it again.
 */
export function pageStatement<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  query: PageQuery<T>,
): Statement {
  const values: string[] = [];
  const where = shapeOf(query.where, values);
  const name = typeof entity === 'string' ? entity : em.getMetadata().find(entity)?.className;
  const direct = () => {
    const built = build(em, entity, query);
    return { sql: built.sql, params: [...built.params, query.limit, query.offset] };
  };
  if (where === null || name === undefined) return direct();
  const key = JSON.stringify([name, em.schema ?? '', where, query.orderBy, query.fields ?? null]);
  let found = compiled.get(key);
  if (found === undefined) {
    found = compile(em, entity, query, values.length);
    if (compiled.size >= MAX_SHAPES) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, found);
  }
  if (found === null) return direct();
  return {
    sql: found.sql,
    params: found.slots.map((slot) =>
      slot === 'limit'
        ? query.limit
        : slot === 'offset'
          ? query.offset
          : 'value' in slot
            ? values[slot.value]
            : slot.fixed,
    ),
  };
}
