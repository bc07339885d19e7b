import { isValidSlug, tenantSchemaName } from '../../src-shared/domain/slug.ts';

/** Quotes an identifier for SQL: the only way a name reaches SQL text. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a text value for SQL built without parameters (statement batches). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The schema of an organization; refuses anything that is not a valid slug. */
export function checkedTenantSchema(slug: string): string {
  if (!isValidSlug(slug)) throw new Error(`Not a valid organization slug: ${JSON.stringify(slug)}`);
  return tenantSchemaName(slug);
}

/** The quoted schema of an organization; refuses anything that is not a valid slug. */
export function quotedTenantSchema(slug: string): string {
  return quoteIdent(checkedTenantSchema(slug));
}
