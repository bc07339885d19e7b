import { Migration20261128000101_agents } from './Migration20261128000101_agents.ts';

/**
 * Every tenant migration, in order. An organization's tenant_schema_version
 * is the number of these its schema has applied.
 */
export const TENANT_MIGRATIONS = [Migration20261128000101_agents];

/** The tables every tenant schema must have once migrated; Tenancy reports a schema missing any. */
export const TENANT_TABLES = ['agents', 'agent_transitions'] as const;
