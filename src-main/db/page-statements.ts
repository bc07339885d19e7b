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

/** Where a compiled statement's parameter comes from on each later call; limit and offset follow. */
type Slot = { value: number } | { fixed: unknown };

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

/** A where clause taken apart: the key of its shape, and the clause with a sentinel for each value. */
interface Split {
  shape: string;
  template: unknown;
}

/**
 * Takes a where clause apart in one walk: its string values go to `values`
 * in order, the shape names each of them `?`, and the template holds a
 * sentinel naming each one's place. Null for a value whose SQL could
 * depend on more than its place (a Date, an entity, anything not plain).
 */
function split(value: unknown, values: string[]): Split | null {
  if (typeof value === 'string') {
    values.push(value);
    return { shape: '?', template: `${SENTINEL}${values.length - 1}` };
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean')
    return { shape: JSON.stringify(value), template: value };
  const isArray = Array.isArray(value);
  if (!isArray && (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype))
    return null;
  const parts: [string, Split][] = [];
  for (const [key, item] of Object.entries(value)) {
    const part = split(item, values);
    if (part === null) return null;
    parts.push([key, part]);
  }
  return isArray
    ? {
        shape: `[${parts.map(([, part]) => part.shape).join(',')}]`,
        template: parts.map(([, part]) => part.template),
      }
    : {
        shape: `{${parts.map(([key, part]) => `${JSON.stringify(key)}:${part.shape}`).join(',')}}`,
        template: Object.fromEntries(parts.map(([key, part]) => [key, part.template])),
      };
}

/**
 * The page and its total as one statement: the total is a scalar subquery
 * in the select list, counted once, while the page can still stop early
 * along an index. Its last two placeholders, limit and offset, are left to
 * the caller to fill.
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
 * Compiles a shape from its template (sentinels for values) and records
 * where each parameter comes from; null when the query builder did
 * anything with a value but pass it on (that shape is then built on every
 * call).
 */
function compile<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  template: Omit<PageQuery<T>, 'limit' | 'offset'>,
  valueCount: number,
): Compiled | null {
  const { sql, params } = build(em, entity, template);
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
  return seen.size === valueCount ? { sql, slots } : null;
}

/** The compiled shape of `query`, compiled on its first call. */
function compiledShape<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  query: PageQuery<T>,
  where: Split,
  valueCount: number,
): Compiled | null {
  const key = JSON.stringify([
    em.getMetadata(entity).className,
    em.schema ?? '',
    where.shape,
    query.orderBy,
    query.fields ?? null,
  ]);
  let found = compiled.get(key);
  if (found === undefined) {
    found = compile(em, entity, { ...query, where: where.template as FilterQuery<T> }, valueCount);
    if (compiled.size >= MAX_SHAPES) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, found);
  }
  return found;
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
  const where = split(query.where, values);
  const shape = where && compiledShape(em, entity, query, where, values.length);
  const page = [query.limit, query.offset];
  if (!shape) {
    const built = build(em, entity, query);
    return { sql: built.sql, params: [...built.params, ...page] };
  }
  const filled = shape.slots.map((slot) => ('value' in slot ? values[slot.value] : slot.fixed));
  return { sql: shape.sql, params: [...filled, ...page] };
}
