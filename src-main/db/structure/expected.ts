import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { provisionOrganization } from '../tenancy.ts';
import type { TenantMigrationList } from '../tenant-migrator.ts';
import { fingerprintOf, schemaItems, structureOf, type Structure } from './catalog.ts';

/** The structure a migration level should produce, and its fingerprint. */
export interface ExpectedStructure {
  level: number;
  fingerprint: string;
  structure: Structure;
  /**
   * Other fingerprints of schemas found the same item by item (see
   * linesSql): remembered, so that each kind is compared once.
   */
  equivalent: Set<string>;
}

/** Carries the probe's reading out of the transaction that is rolled back under it. */
class Probed extends Error {
  readonly expected: ExpectedStructure;
  constructor(expected: ExpectedStructure) {
    super('structure probed');
    this.expected = expected;
  }
}

/**
 * Provisions a scratch organization at `level` exactly as a new one is
 * (row, schema, the first `level` migrations), reads its structure, and
 * rolls it all back: no other console ever sees it, and nothing is left
 * behind whatever happens. Its slug is random, so two consoles probing at
 * once do not meet.
 */
async function probe(
  em: EntityManager,
  level: number,
  migrations: TenantMigrationList,
): Promise<ExpectedStructure> {
  try {
    await em.fork().transactional(async (tx) => {
      const slug = `structure-probe-${randomBytes(6).toString('hex')}`;
      const schema = tenantSchemaName(slug);
      await provisionOrganization(
        tx,
        { name: 'structure probe', slug, tier: 'free' },
        migrations.slice(0, level),
      );
      const items = (await schemaItems(tx, [schema])).get(schema) ?? [];
      throw new Probed({
        level,
        fingerprint: await fingerprintOf(tx, schema),
        structure: structureOf(items),
        equivalent: new Set(),
      });
    });
  } catch (error) {
    if (error instanceof Probed) return error.expected;
    throw error;
  }
  throw new Error('the structure probe was not rolled back');
}

/**
 * Probed once per database, migration list and level: the migrations of a
 * release do not change while it runs. Keyed by the ORM's configuration
 * (one per database connection) and the list itself.
 */
const probes = new WeakMap<
  object,
  WeakMap<TenantMigrationList, Map<number, Promise<ExpectedStructure>>>
>();

export function expectedStructure(
  em: EntityManager,
  level: number,
  migrations: TenantMigrationList,
): Promise<ExpectedStructure> {
  let byList = probes.get(em.config);
  if (!byList) probes.set(em.config, (byList = new WeakMap()));
  let byLevel = byList.get(migrations);
  if (!byLevel) byList.set(migrations, (byLevel = new Map()));
  const levels = byLevel;
  let found = levels.get(level);
  if (!found) {
    found = probe(em, level, migrations);
    // a failed probe is tried again next time
    found.catch(() => levels.delete(level));
    levels.set(level, found);
  }
  return found;
}
