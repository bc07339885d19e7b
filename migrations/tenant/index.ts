import { Migration20261128000101_agents } from './Migration20261128000101_agents.ts';
import { Migration20261128000102_agent_skills } from './Migration20261128000102_agent_skills.ts';
import { Migration20261130000103_agents_name_search } from './Migration20261130000103_agents_name_search.ts';
import { Migration20261130000104_ledger_names_unique } from './Migration20261130000104_ledger_names_unique.ts';
import { Migration20261130000105_ledger_in_public } from './Migration20261130000105_ledger_in_public.ts';
import { Migration20261205000106_transition_reason } from './Migration20261205000106_transition_reason.ts';

/**
 * Every tenant migration, in order. An organization's tenant_schema_version
 * is the number of these its schema has applied. Each adds plain SQL with
 * addSql, written against the tenant's own tables (it runs with the tenant
 * schema as search_path); running queries from up() is refused.
 */
export const TENANT_MIGRATIONS = [
  Migration20261128000101_agents,
  Migration20261128000102_agent_skills,
  Migration20261130000103_agents_name_search,
  Migration20261130000104_ledger_names_unique,
  Migration20261130000105_ledger_in_public,
  Migration20261205000106_transition_reason,
];
