/*
 * A tenant migration reaches the screens by its class name
 * (`Migration20261205000106_transition_reason`), which is the ledger's key
 * and stays so; people read its level and what it does. The level is its
 * place in the tenant migrations (an organization's level is how many it
 * has applied), so this list follows their order; a test holds the two
 * together.
 */
const TENANT_MIGRATION_WORDS: readonly (readonly [name: string, does: string])[] = [
  ['Migration20261128000101_agents', 'creates the agents and their step history'],
  ['Migration20261128000102_agent_skills', 'lets agents use skills'],
  ['Migration20261130000103_agents_name_search', 'speeds up searching agents by name'],
  ['Migration20261130000104_ledger_names_unique', 'records each migration only once'],
  ['Migration20261130000105_ledger_in_public', 'keeps the migration record with the platform'],
  [
    'Migration20261205000106_transition_reason',
    'records the reason given when an agent is marked failed',
  ],
];

/** The tenant migrations' names in order, as this list knows them. */
export const DESCRIBED_TENANT_MIGRATIONS: readonly string[] = TENANT_MIGRATION_WORDS.map(
  ([name]) => name,
);

/**
 * A tenant migration as people read it: "Level 6 — records the reason given
 * when an agent is marked failed". One this build does not know (a newer console's) is named
 * by the words of its name.
 */
export function tenantMigrationInWords(name: string): string {
  const index = TENANT_MIGRATION_WORDS.findIndex(([known]) => known === name);
  const known = TENANT_MIGRATION_WORDS[index];
  if (known) return `Level ${index + 1} — ${known[1]}`;
  const words = name
    .replace(/^Migration\d*_?/, '')
    .replace(/_/g, ' ')
    .trim();
  return words ? `A newer change: ${words}` : 'A newer change';
}
