import { describe, expect, it } from 'vitest';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import {
  DESCRIBED_TENANT_MIGRATIONS,
  tenantMigrationInWords,
} from '../../src-shared/domain/migration-words.ts';

describe('tenant migrations in words', () => {
  it('describes every tenant migration, in the order that gives its level', () => {
    expect(DESCRIBED_TENANT_MIGRATIONS).toEqual(TENANT_MIGRATIONS.map((m) => m.name));
  });

  it('names a migration by its level and what it does, not its class name', () => {
    expect(tenantMigrationInWords('Migration20261205000106_transition_reason')).toBe(
      'Level 6 — records the reason given when an agent is marked failed',
    );
  });

  it('says what each level does', () => {
    expect(TENANT_MIGRATIONS.map((m) => tenantMigrationInWords(m.name))).toEqual([
      'Level 1 — creates the agents and their step history',
      'Level 2 — lets agents use skills',
      'Level 3 — speeds up searching agents by name',
      'Level 4 — records each migration only once',
      'Level 5 — keeps the migration record with the platform',
      'Level 6 — records the reason given when an agent is marked failed',
    ]);
  });

  it('says a migration this build does not know in the words of its name', () => {
    expect(tenantMigrationInWords('Migration20270101000107_agent_tags')).toBe(
      'A newer change: agent tags',
    );
  });

  it('leaves no stray space from a trailing underscore', () => {
    expect(tenantMigrationInWords('Migration20270101000107_agent_tags_')).toBe(
      'A newer change: agent tags',
    );
  });

  it('says only that a change is newer when its name holds no words', () => {
    expect(tenantMigrationInWords('Migration20270101000107')).toBe('A newer change');
  });
});
