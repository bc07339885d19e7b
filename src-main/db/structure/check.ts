import type { EntityManager } from '@mikro-orm/postgresql';
import type { StructureDrift } from '../../../src-shared/contract.ts';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { TENANT_MIGRATIONS } from '../../../migrations/tenant/index.ts';
import type { TenantMigrationList } from '../tenant-migrator.ts';
import { schemaItems, structureOf, tenantFingerprints } from './catalog.ts';
import { describeDifferences } from './differences.ts';
import { expectedStructure } from './expected.ts';
import { safeRepair } from './repair.ts';

/*
 * Every tenant schema against the structure its level should produce, in
 * a fixed number of statements whatever the number of tenants: the
 * organizations, one fingerprint per schema (one GROUP BY over the whole
 * catalog), and the items of one schema per distinct drift. Only a
 * fingerprint that differs from its level's is read item by item, and
 * tenants that drifted alike (the same level, the same fingerprint) are
 * described once.
 */

export interface CheckOptions {
  /** The tenant migration set; tests and the bench pass a longer one to simulate a release. */
  migrations?: TenantMigrationList;
  /** Only these organizations; every one when left out. */
  organizationIds?: readonly string[];
}

interface TenantRow {
  id: string;
  slug: string;
  level: number;
}

export interface DriftFound {
  tenants: number;
  drifted: StructureDrift[];
  orphanSchemas: string[];
}

const tenantOf = (row: TenantRow) => ({
  organizationId: row.id,
  slug: row.slug,
  schema: tenantSchemaName(row.slug),
});

export async function findDrift(
  em: EntityManager,
  options: CheckOptions = {},
): Promise<DriftFound> {
  const migrations = options.migrations ?? TENANT_MIGRATIONS;
  const fork = em.fork();
  const found = await tenantFingerprints(fork, options.organizationIds);
  const rows: (TenantRow & { fingerprint: string | null })[] = [];
  const orphanSchemas: string[] = [];
  for (const { organizationId, slug, level, schema, fingerprint } of found) {
    if (organizationId === null || slug === null || level === null) orphanSchemas.push(schema);
    else rows.push({ id: organizationId, slug, level: Number(level), fingerprint });
  }
  const levels = [...new Set(rows.map((row) => row.level))].filter(
    (level) => level <= migrations.length,
  );
  const expected = new Map(
    await Promise.all(
      levels.map(async (level) => [level, await expectedStructure(em, level, migrations)] as const),
    ),
  );

  const drifted: StructureDrift[] = [];
  /** Tenants that drifted alike, by level and fingerprint, with the schema read for all of them. */
  const alike = new Map<
    string,
    { level: number; schema: string; fingerprint: string; rows: TenantRow[] }
  >();
  const described = (level: number, differences: string[], group: TenantRow[]) =>
    drifted.push({ level, differences, repair: [], tenants: group.map(tenantOf) });

  for (const row of rows) {
    const schema = tenantSchemaName(row.slug);
    const { fingerprint } = row;
    if (fingerprint === null) {
      described(row.level, [`schema ${schema}: missing`], [row]);
      continue;
    }
    const wanted = expected.get(row.level);
    if (!wanted) {
      described(
        row.level,
        [
          `level ${row.level}: newer than the ${migrations.length} migrations this release knows; not compared`,
        ],
        [row],
      );
      continue;
    }
    if (fingerprint === wanted.fingerprint || wanted.equivalent.has(fingerprint)) continue;
    const key = `${row.level} ${fingerprint}`;
    const group = alike.get(key);
    if (group) group.rows.push(row);
    else alike.set(key, { level: row.level, schema, fingerprint, rows: [row] });
  }

  const groups = [...alike.values()];
  const byWords = new Map<string, StructureDrift>();
  const items = await schemaItems(
    fork,
    groups.map((group) => group.schema),
  );
  for (const group of groups) {
    const wanted = expected.get(group.level);
    if (!wanted) continue;
    const actual = structureOf(items.get(group.schema) ?? []);
    const differences = describeDifferences(wanted.structure, actual);
    if (differences.length === 0) {
      wanted.equivalent.add(group.fingerprint);
      continue;
    }
    const repair = safeRepair(wanted.structure, actual);
    // schemas that differ in raw fields but alike in words are one drift
    const words = JSON.stringify([group.level, differences, repair]);
    const same = byWords.get(words);
    if (same) same.tenants.push(...group.rows.map(tenantOf));
    else {
      const drift = { level: group.level, differences, repair, tenants: group.rows.map(tenantOf) };
      byWords.set(words, drift);
      drifted.push(drift);
    }
  }
  for (const drift of drifted) drift.tenants.sort((a, b) => a.slug.localeCompare(b.slug));
  drifted.sort((a, b) => (a.tenants[0]?.slug ?? '').localeCompare(b.tenants[0]?.slug ?? ''));

  return { tenants: rows.length, drifted, orphanSchemas };
}
