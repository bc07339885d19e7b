import { Migration20261128000001_core } from './Migration20261128000001_core.ts';
import { Migration20261128000002_access } from './Migration20261128000002_access.ts';
import { Migration20261128000003_skill_usage } from './Migration20261128000003_skill_usage.ts';
import { Migration20261129000004_sign_in_throttle } from './Migration20261129000004_sign_in_throttle.ts';
import { Migration20261129000005_agent_index } from './Migration20261129000005_agent_index.ts';
import { Migration20261129000006_agent_status_counts } from './Migration20261129000006_agent_status_counts.ts';
import { Migration20261129000007_identity_notify } from './Migration20261129000007_identity_notify.ts';
import { Migration20261130000008_organization_notify } from './Migration20261130000008_organization_notify.ts';
import { Migration20261130000009_tenant_migrations } from './Migration20261130000009_tenant_migrations.ts';
import { Migration20261205000010_user_skill_versions } from './Migration20261205000010_user_skill_versions.ts';
import { Migration20261205000011_maintenance } from './Migration20261205000011_maintenance.ts';
import { Migration20261205211000_audit_filters } from './Migration20261205211000_audit_filters.ts';
import { Migration20261205224500_sessions } from './Migration20261205224500_sessions.ts';
import { Migration20261205230000_rename_slug } from './Migration20261205230000_rename_slug.ts';
import { Migration20261205233000_rollouts } from './Migration20261205233000_rollouts.ts';
import { Migration20261206005500_view_as } from './Migration20261206005500_view_as.ts';
import { Migration20261206010000_second_factors } from './Migration20261206010000_second_factors.ts';
import { Migration20261206011500_structure_marks } from './Migration20261206011500_structure_marks.ts';
import { Migration20261206014500_maintenance_ticket_index } from './Migration20261206014500_maintenance_ticket_index.ts';
import { Migration20261206034000_view_end_with_session } from './Migration20261206034000_view_end_with_session.ts';
import { Migration20261206034500_second_factor_grants } from './Migration20261206034500_second_factor_grants.ts';
import { Migration20261206044500_structure_marks_grants } from './Migration20261206044500_structure_marks_grants.ts';

/** Every public-schema migration, in order; listed by import so that they bundle into the app. */
export const PUBLIC_MIGRATIONS = [
  Migration20261128000001_core,
  Migration20261128000002_access,
  Migration20261128000003_skill_usage,
  Migration20261129000004_sign_in_throttle,
  Migration20261129000005_agent_index,
  Migration20261129000006_agent_status_counts,
  Migration20261129000007_identity_notify,
  Migration20261130000008_organization_notify,
  Migration20261130000009_tenant_migrations,
  Migration20261205000010_user_skill_versions,
  Migration20261205000011_maintenance,
  Migration20261205211000_audit_filters,
  Migration20261205224500_sessions,
  Migration20261205230000_rename_slug,
  Migration20261205233000_rollouts,
  Migration20261206005500_view_as,
  Migration20261206010000_second_factors,
  Migration20261206011500_structure_marks,
  Migration20261206014500_maintenance_ticket_index,
  Migration20261206034000_view_end_with_session,
  Migration20261206034500_second_factor_grants,
  Migration20261206044500_structure_marks_grants,
];
