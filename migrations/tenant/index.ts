import { Migration20261128000101_agents } from './Migration20261128000101_agents.ts';

/**
 * Every tenant migration, in order. An organization's tenant_schema_version
 * is the number of these its schema has applied.
 */
export const TENANT_MIGRATIONS = [Migration20261128000101_agents];
