import { quoteIdent } from '../identifiers.ts';
import type { Structure } from './catalog.ts';
import { relationOf } from './differences.ts';

/**
 * The part of a drift that can be put back without touching a row: an
 * index that is missing, and a default that is missing or was changed (a
 * default only applies to rows inserted later). Each statement is written
 * against the tenant's own relations, to run with the tenant as
 * search_path; `<tenant>` stands for the slug where the ledger view's
 * default names it. An index that a missing constraint owns (a primary key,
 * a unique constraint) is not offered: adding the constraint back may fail
 * on the rows there now, and that is for a person to decide. Nothing is
 * ever dropped.
 */
export function safeRepair(expected: Structure, actual: Structure): string[] {
  const statements: string[] = [];
  for (const [key, item] of expected) {
    if (item.kind === 'index' && !actual.has(key)) {
      const table = /^CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?(\S+) USING /.exec(
        item.detail,
      )?.[1];
      const owned = [...expected.values()].some(
        (other) => other.kind === 'constraint' && other.name === `${table}.${item.name}`,
      );
      // IF NOT EXISTS: a second console repairing the same tenant meanwhile is no failure
      if (table && !owned && actual.has(`table ${table}`))
        statements.push(
          item.detail.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS '),
        );
    }
    if (item.kind === 'default' && actual.get(key)?.detail !== item.detail) {
      const relation = relationOf(item);
      const column = item.name.slice(relation.length + 1);
      const kind = actual.get(`view ${relation}`) ? 'view' : 'table';
      if (actual.has(`column ${item.name}`))
        statements.push(
          `ALTER ${kind.toUpperCase()} ${quoteIdent(relation)} ALTER COLUMN ${quoteIdent(column)} SET DEFAULT ${item.detail}`,
        );
    }
  }
  return statements;
}
