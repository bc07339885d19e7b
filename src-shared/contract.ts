import { z } from 'zod';
import {
  agentConfigField,
  agentConfigPatchField,
  agentEventField,
  agentStatusField,
  auditActionField,
  auditTargetField,
  dailyBackupsKeptField,
  instantField,
  text,
  billingStatusField,
  descriptionField,
  emailField,
  listInput,
  nameField,
  passwordField,
  promptField,
  reasonField,
  roleField,
  skillCategoryField,
  slugField,
  tierField,
  toolField,
  uuidField,
  versionField,
} from './domain/fields.ts';
import type { AgentEvent, AgentStatus } from './domain/agent-machine.ts';
import { agentDocumentField, type AgentDocument } from './domain/agent-document.ts';
import { AGENT_LIMIT_FILTERS } from './domain/limits.ts';
import type { EffectivePrompt } from './domain/effective-prompt.ts';
import type { BillingStatus, Role } from './domain/enums.ts';
import type { Tier } from './domain/tiers.ts';
import type {
  AgentDto,
  AgentTransitionDto,
  OrganizationDto,
  Page,
  SessionDto,
  SkillDto,
  UserDto,
} from './dto.ts';
import { CHANNEL_NAMES, isChannelName, type ChannelName } from './channels.ts';
import type { AppErrorShape } from './errors.ts';

/**
 * The main process's whole public surface. Every channel has a zod input
 * schema (unknown keys rejected, strings bounded) and an output type; the
 * router's handler table is typed from this object, so a channel without a
 * handler does not compile.
 */

const out = <T>() => undefined as unknown as T;
const none = z.strictObject({});
const byId = z.strictObject({ id: uuidField });
/** A TOTP code as an authenticator app shows it (spaces allowed: "123 456"). */
const totpCodeField = z
  .string()
  .max(20)
  .transform((code) => code.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, { error: 'must be the 6 digits your app shows' }));
/** A recovery code as it was shown ("abcd-efgh-ijkl"); case, spaces and dashes do not matter. */
const recoveryCodeField = z
  .string()
  .max(40)
  .transform((code) => code.replace(/[\s-]/g, '').toLowerCase())
  .pipe(z.string().regex(/^[a-z2-7]{12}$/, { error: 'is not a recovery code' }));

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  organizationId: string;
  organizationName: string;
  /** Someone else set the password: every channel but auth.me, auth.changePassword and auth.signOut answers PASSWORD_CHANGE_REQUIRED until it is changed. */
  mustChangePassword: boolean;
  /** Two-step sign-in is set up: a code is asked at sign-in and with the password at step-up. */
  secondFactor: boolean;
  /** Administrators must use two-step sign-in and this one has not set it up: every channel but auth.me, auth.signOut and the enrollment ones answers SECOND_FACTOR_REQUIRED until they do. */
  mustEnrollSecondFactor: boolean;
}

/** A second factor being set up: the secret as text and as the otpauth:// URL a QR code carries. */
export interface SecondFactorEnrollment {
  secret: string;
  otpauthUrl: string;
}

/** Who is signed in, and whom they are viewing the console as (auth.viewAs), if anyone. */
export interface Me extends SessionUser {
  /** Every call is this user's, read-only (READ_ONLY_VIEW), until auth.endViewAs or 30 minutes. */
  viewingAs: SessionUser | null;
}

/** A model an organization's agents use, and how many of them use it. */
export interface ModelInUse {
  model: string;
  agents: number;
}

/** What an organization's agents have used, summed over all of them since they were created. */
export interface OrganizationUsage {
  organizationId: string;
  agents: number;
  totalTokensUsed: number;
  totalExecutions: number;
  /** The agents that used the most tokens, most first (at most 12). */
  topAgents: { id: string; name: string; totalTokensUsed: number }[];
}

export interface TenantStatus {
  organizationId: string;
  slug: string;
  schema: string;
  appliedMigrations: number;
  pendingMigrations: string[];
  agentCount: number;
  /** Set when the schema could not be read or migrated. */
  problem: string | null;
}

/** A rollout in progress (db:migrate --canary / --waves), as Tenancy shows it. */
export interface RolloutDto {
  targetLevel: number;
  plannedWaves: number | null;
  maxFailures: number;
  /** Why it waits: the wave where more than maxFailures failed, or null. */
  stoppedReason: string | null;
  /** Wave 0 is the canary. */
  waves: {
    wave: number;
    tenants: {
      organizationId: string;
      slug: string;
      outcome: 'pending' | 'migrated' | 'failed';
      message: string | null;
    }[];
  }[];
}

export interface MigrateAllResult {
  total: number;
  migrated: number;
  failed: { slug: string; schema: string; message: string }[];
}

/** Tenants whose schemas differ alike from the structure their level should produce. */
export interface StructureDrift {
  /** The migration level the tenants' organizations record. */
  level: number;
  /** What differs, in words ("agents.config: missing column", "index agents_name_trgm_idx: missing"). */
  differences: string[];
  /**
   * The safe part of a repair (missing indexes, missing or changed
   * defaults), as run in each tenant's schema; `<tenant>` stands for its slug.
   */
  repair: string[];
  tenants: { organizationId: string; slug: string; schema: string }[];
}

/** What to do about one catalog figure, said when it comes near its threshold. */
export interface CatalogAdvice {
  figure: 'relations' | 'catalog' | 'locks' | 'tenant';
  level: 'ok' | 'near' | 'over';
  message: string;
}

/** How the catalog bears the tenants (Tenancy → Structure, `npm run db:check`). */
export interface CatalogHealth {
  /** Relations in tenant schemas, every relation in pg_class, and the tenants' share of it (0-1). */
  relations: { tenant: number; total: number; share: number };
  /** pg_catalog's tables with their indexes and TOAST, in bytes, and the largest of them. */
  catalogBytes: number;
  largestCatalogTables: { name: string; bytes: number }[];
  /**
   * The server's lock table (max_locks_per_transaction × (max_connections +
   * max_prepared_transactions)) against what one transaction touching every
   * tenant relation would take.
   */
  locks: {
    fleetNeeds: number;
    capacity: number;
    maxLocksPerTransaction: number;
    maxConnections: number;
    maxPreparedTransactions: number;
  };
  /** The largest tenants on disk (at most 20), from the planner's statistics. */
  largestTenants: {
    organizationId: string;
    slug: string;
    bytes: number;
    rows: number;
    /** Of every tenant's bytes (0-1). */
    share: number;
  }[];
  advice: CatalogAdvice[];
}

/** Every tenant schema compared with the structure its level should produce, and the catalog's health. */
export interface StructureReport {
  checkedAt: string;
  /** How long the comparison took, in milliseconds. */
  elapsedMs: number;
  /** Organizations checked. */
  tenants: number;
  drifted: StructureDrift[];
  /** Schemas named like a tenant's (org_…) that no organization has. */
  orphanSchemas: string[];
  catalog: CatalogHealth;
  /**
   * Whether the event triggers that mark the schemas DDL changed are in
   * place: without them every check reads every schema, and only a
   * superuser can install them (npm run db:install-triggers).
   */
  structureTriggers: boolean;
}

/** What tenancy.repair did, tenant by tenant, and what is left to a person. */
export interface StructureRepairResult {
  repaired: { organizationId: string; slug: string; statements: string[] }[];
  failed: { organizationId: string; slug: string; message: string }[];
  /** What still differs in the tenants asked for, after the repair. */
  remaining: StructureDrift[];
}

/** The fleet at a glance: all organizations for an administrator, one's own for anyone else. */
export interface FleetOverview {
  scope: 'fleet' | 'organization';
  organizations: {
    total: number;
    byTier: Record<Tier, number>;
    byBillingStatus: Record<BillingStatus, number>;
  };
  agents: { total: number; byStatus: Record<AgentStatus, number> };
  /** Organizations at or above NEAR_AGENT_LIMIT of their agent limit, fullest first (at most 20). */
  nearLimit: {
    organizationId: string;
    name: string;
    agentCount: number;
    agentLimit: number;
  }[];
  /** How many organizations are at NEAR_AGENT_LIMIT or more of their agent limit (all, not only those listed). */
  nearLimitCount: number;
  /** How many organizations are at 100 % of their agent limit. */
  atLimit: number;
  tenancy: { behind: number; failed: { slug: string; message: string }[] };
  /** Agents in `error`, most recent first (at most 20). */
  agentsInError: {
    organizationId: string;
    organizationName: string;
    agentId: string;
    name: string;
    since: string;
  }[];
  /** The newest audit events the caller may read (none for roles without the audit log). */
  latestAudit: AuditEventDto[];
  /** Administrators' two-step sign-in, for the fleet scope only (null for an organization's). */
  secondFactor: { required: boolean; administratorsWithout: number } | null;
}

/** An agent found by name across the organizations the caller may read. */
export interface FleetAgentDto {
  agentId: string;
  name: string;
  status: AgentStatus;
  organizationId: string;
  organizationName: string;
  organizationSlug: string;
}

export interface RecountResult {
  organizations: number;
  /** Each organization whose public figures differed from its tenant schema, as repaired. */
  drifted: {
    organizationId: string;
    slug: string;
    agentCount: { from: number; to: number };
    /** Agents the index lacked, kept after they were gone, or held with another name or status. */
    index: { missing: number; extra: number; changed: number };
    /** The organization's agents by status as the overview counted them, and as its schema holds them. */
    byStatus: { from: Record<AgentStatus, number>; to: Record<AgentStatus, number> };
  }[];
}

/** A user as the Users list shows them: with their organization's name. */
export interface UserListItem extends UserDto {
  organizationName: string;
}

export interface AuditEventDto {
  id: string;
  at: string;
  actorId: string | null;
  actorLabel: string;
  organizationId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
  /** The event's organization by name; null for fleet-wide events or once it is gone. */
  organizationName: string | null;
  /** The target's name now, or as the event recorded it once the record is gone. */
  targetLabel: string | null;
  /** Whether the target record still exists (a link to it leads somewhere). */
  targetExists: boolean;
  /** Whether the actor is still a user (a link to them leads somewhere). */
  actorExists: boolean;
}

export interface DatabaseSettingsDto {
  mode: 'embedded' | 'url';
  /** The saved URL with its password masked; null for the embedded database. */
  url: string | null;
}

/** Where the database in use came from: the environment, the saved setting, or the embedded server. */
export type DatabaseSource = 'DATABASE_URL' | 'settings' | 'embedded';

/** What a verified move or restore copied. */
export interface TransferReport {
  /** Where it went, password hidden. */
  target: string;
  tenants: number;
  tables: number;
  rows: number;
  seconds: number;
}

/** A backup written: where, how large, what it holds. */
export interface BackupReport {
  file: string;
  bytes: number;
  tables: number;
  rows: number;
}

export interface SettingsDto {
  /** What is saved; it takes effect at the next start. */
  database: DatabaseSettingsDto;
  /** Where the database in use now came from. */
  databaseSource: DatabaseSource;
  /** The console connects as a superuser (a DATABASE_URL that names one); least privilege says it should not. */
  superuser: boolean;
  dataDir: string;
  appVersion: string;
  /** Where this start backed the embedded database up before migrating it; null when it did not. */
  startupBackup: string | null;
  /** Administrators must use two-step sign-in (shared by every console on the database). */
  requireAdminSecondFactor: boolean;
  /** How many daily backups of the embedded database are kept in `<dataDir>/backups`. */
  dailyBackupsKept: number;
}

const databaseUrlField = z
  .string()
  .trim()
  .max(2_000)
  .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'must be a postgres:// URL' });

export interface AgentHistory {
  agentId: string;
  status: AgentDto['status'];
  allowedEvents: AgentEvent[];
  transitions: AgentTransitionDto[];
}

const agentUpdate = z.strictObject({
  organizationId: uuidField,
  id: uuidField,
  version: versionField,
  name: nameField.optional(),
  description: descriptionField.nullable().optional(),
  systemPrompt: promptField.optional(),
  config: agentConfigField.optional(),
  maxConcurrentRequests: z.number().int().min(1).max(1_000).optional(),
  timeoutSeconds: z.number().int().min(1).max(3_600).optional(),
});

/** A catalog skill as attached to an agent, in the agent's order. */
export interface AttachedSkillDto {
  skillId: string;
  name: string;
  slug: string;
  tierRequired: Tier;
  systemPromptEnhancement: string;
  tools: string[];
  position: number;
}

/** An agent's attached skills and what it runs with: its prompt, then the skills' enhancements. */
export interface AgentSkillsView extends EffectivePrompt {
  agentId: string;
  skills: AttachedSkillDto[];
}

/** One row of a bulk action: done, or refused with the reason. */
export interface BulkOutcome {
  id: string;
  /** The agent's name or the user's email; null when the id matched nothing. */
  label: string | null;
  outcome: 'done' | 'refused';
  error: AppErrorShape | null;
}

export interface BulkResult<T extends BulkOutcome = BulkOutcome> {
  results: T[];
  done: number;
  refused: number;
}

export interface AgentImportOutcome {
  /** The name in the document. */
  name: string;
  outcome: 'created' | 'renamed' | 'skipped';
  /** The name it was created under; null when skipped. */
  importedAs: string | null;
  id: string | null;
}

export interface AgentImportResult {
  created: number;
  skipped: number;
  agents: AgentImportOutcome[];
}

export interface SkillDeleteResult {
  /** Where a forced delete detached the skill; empty when nothing used it. */
  detachedFrom: { organizationId: string; organizationName: string; agents: number }[];
}

export interface SavedFileDto {
  name: string;
  bytes: number;
  /** Where Electron saved it. */
  path: string | null;
  /** Headless mode: a one-time URL the page downloads the file from. */
  downloadUrl: string | null;
}

/** What an organization's export wrote: its archive, every section with its rows' fingerprint. */
export interface OrganizationExportResult {
  tables: number;
  rows: number;
  /** Null when the operator cancelled the save dialog. */
  file: SavedFileDto | null;
}

/** An organization archive is sent in chunks of this many bytes (base64 in the call). */
export const IMPORT_CHUNK_BYTES = 512 * 1024;
/** The largest organization archive the console takes. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
const MAX_IMPORT_CHUNKS = MAX_IMPORT_BYTES / IMPORT_CHUNK_BYTES;

/** An organization imported from an archive, verified table by table. */
export interface OrganizationImportReport {
  organizationId: string;
  slug: string;
  name: string;
  /** Imported beside the organization it was exported from: fresh ids, unique emails, users unconfirmed. */
  clone: boolean;
  users: number;
  agents: number;
  tables: number;
  rows: number;
}

/** A chunk's answer (bytes received so far), or, once finished, the import's. */
export interface OrganizationImportResult {
  received: number;
  imported: OrganizationImportReport | null;
}

export interface CsvExportResult {
  rows: number;
  /** Null when the operator cancelled the save dialog. */
  file: SavedFileDto | null;
}

export interface DemoDataResult {
  created: string[];
  present: string[];
  /** The demo administrator, public demo data printed by `npm run seed` as well. */
  signInAs: { email: string; password: string };
}

const MAX_BULK = 200;
const bulkIds = z
  .array(uuidField)
  .min(1, { error: 'select at least one' })
  .max(MAX_BULK, { error: `at most ${MAX_BULK} at once` });

const agentSkillInput = z.strictObject({
  organizationId: uuidField,
  agentId: uuidField,
  skillId: uuidField,
});

const organizationsListInput = listInput([
  'name',
  'slug',
  'tier',
  'billingStatus',
  'agentCount',
  'createdAt',
]).extend({
  tier: tierField.optional(),
  billingStatus: billingStatusField.optional(),
  agentLimit: z.enum(AGENT_LIMIT_FILTERS).optional(),
});
const usersListInput = listInput(['email', 'name', 'role', 'confirmedAt', 'createdAt']).extend({
  organizationId: uuidField.optional(),
});
const agentsListInput = listInput([
  'name',
  'status',
  'agentVersion',
  'totalExecutions',
  'createdAt',
]).extend({ organizationId: uuidField, status: agentStatusField.optional() });
const skillsListInput = listInput(['name', 'slug', 'category', 'tierRequired', 'isOfficial']);
const auditListInput = z.strictObject({
  organizationId: uuidField.optional(),
  actorId: uuidField.optional(),
  action: auditActionField.optional(),
  targetType: auditTargetField.optional(),
  targetId: text().trim().min(1, { error: 'is required' }).max(2_000).optional(),
  /** From this moment on, inclusive. */
  from: instantField.optional(),
  /** Up to this moment, exclusive; after `from`. */
  to: instantField.optional(),
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
const paging = { page: true, pageSize: true } as const;

export const CSV_TABLES = ['organizations', 'users', 'agents', 'skills', 'audit'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

const skillFields = {
  name: nameField,
  slug: slugField,
  description: descriptionField.nullable().optional(),
  category: skillCategoryField.nullable().optional(),
  tierRequired: tierField.default('free'),
  systemPromptEnhancement: promptField,
  tools: z.array(toolField).max(50).default([]),
  isOfficial: z.boolean().default(false),
};

export const contract = {
  'auth.signIn': {
    input: z.strictObject({ email: text().trim().max(254), password: text().max(1_000) }),
    output: out<SessionUser>(),
  },
  'auth.signOut': { input: none, output: out<null>() },
  'auth.me': { input: none, output: out<Me | null>() },
  'auth.firstRun': { input: none, output: out<boolean>() },
  'auth.createFirstAdmin': {
    input: z.strictObject({
      organizationName: nameField,
      slug: slugField,
      email: emailField,
      name: nameField,
      password: passwordField,
    }),
    output: out<SessionUser>(),
  },
  'auth.changePassword': {
    input: z.strictObject({ currentPassword: text().max(1_000), newPassword: passwordField }),
    output: out<null>(),
  },
  'auth.reauthenticate': {
    input: z.strictObject({ password: text().max(1_000), code: totpCodeField.optional() }),
    output: out<null>(),
  },
  'auth.enrollSecondFactor': { input: none, output: out<SecondFactorEnrollment>() },
  'auth.confirmSecondFactor': {
    input: z.strictObject({ code: totpCodeField }),
    output: out<{ recoveryCodes: string[] }>(),
  },
  'auth.verifySecondFactor': {
    // one object with two optional fields rather than a union, so that a refusal names the field
    // that was wrong (a union's refusal names none)
    input: z
      .strictObject({ code: totpCodeField.optional(), recoveryCode: recoveryCodeField.optional() })
      .transform(({ code, recoveryCode }, ctx): { code: string } | { recoveryCode: string } => {
        if (recoveryCode === undefined && code !== undefined) return { code };
        if (code === undefined && recoveryCode !== undefined) return { recoveryCode };
        ctx.addIssue({
          code: 'custom',
          path: [code === undefined ? 'code' : 'recoveryCode'],
          message:
            code === undefined
              ? 'is required, or a recovery code instead'
              : 'cannot be given with a code',
        });
        return z.NEVER;
      }),
    output: out<SessionUser>(),
  },
  'auth.disableSecondFactor': { input: none, output: out<null>() },
  'auth.viewAs': {
    input: z.strictObject({ userId: uuidField, reason: reasonField }),
    output: out<null>(),
  },
  'auth.endViewAs': { input: none, output: out<null>() },
  'sessions.list': { input: none, output: out<SessionDto[]>() },
  'sessions.end': { input: byId, output: out<null>() },
  'sessions.endOthers': { input: none, output: out<{ ended: number }>() },

  'organizations.list': {
    input: organizationsListInput,
    output: out<Page<OrganizationDto>>(),
  },
  'organizations.get': { input: byId, output: out<OrganizationDto>() },
  'organizations.create': {
    input: z.strictObject({ name: nameField, slug: slugField, tier: tierField.default('free') }),
    output: out<OrganizationDto>(),
  },
  'organizations.update': {
    input: z.strictObject({
      id: uuidField,
      version: versionField,
      name: nameField.optional(),
      billingStatus: billingStatusField.optional(),
    }),
    output: out<OrganizationDto>(),
  },
  'organizations.changeTier': {
    input: z.strictObject({ id: uuidField, version: versionField, tier: tierField }),
    output: out<OrganizationDto>(),
  },
  'organizations.delete': {
    input: z.strictObject({ id: uuidField, confirmSlug: text().max(64) }),
    output: out<null>(),
  },
  'organizations.export': { input: byId, output: out<OrganizationExportResult>() },
  'organizations.import': {
    // the archive in chunks (a call's body is bounded), in order, then `finish`, which imports it
    // (the chunk last: the widest variant, which tests derived from the contract read)
    input: z.discriminatedUnion('step', [
      z.strictObject({
        step: z.literal('finish'),
        upload: uuidField,
        chunks: z.number().int().min(1).max(MAX_IMPORT_CHUNKS),
        as: slugField.optional(),
      }),
      z.strictObject({
        step: z.literal('chunk'),
        upload: uuidField,
        index: z
          .number()
          .int()
          .min(0)
          .max(MAX_IMPORT_CHUNKS - 1),
        data: z.base64().max(Math.ceil(IMPORT_CHUNK_BYTES / 3) * 4),
      }),
    ]),
    output: out<OrganizationImportResult>(),
  },
  'organizations.usage': {
    input: z.strictObject({ organizationId: uuidField }),
    output: out<OrganizationUsage>(),
  },
  'organizations.renameSlug': {
    input: z.strictObject({ id: uuidField, slug: slugField, version: versionField }),
    output: out<OrganizationDto>(),
  },
  'organizations.setMaintenance': {
    input: z
      .strictObject({
        id: uuidField,
        on: z.boolean(),
        reason: text().trim().max(200).optional(),
      })
      .refine((input) => !input.on || (input.reason ?? '').length > 0, {
        error: 'is required to put a tenant in maintenance',
        path: ['reason'],
      }),
    output: out<OrganizationDto>(),
  },

  'users.list': {
    input: usersListInput,
    output: out<Page<UserListItem>>(),
  },
  'users.get': { input: byId, output: out<UserDto>() },
  'users.create': {
    input: z.strictObject({
      organizationId: uuidField,
      email: emailField,
      name: nameField.nullable().optional(),
      role: roleField.default('user'),
      password: passwordField,
    }),
    output: out<UserDto>(),
  },
  'users.update': {
    input: z.strictObject({
      id: uuidField,
      email: emailField.optional(),
      // null clears it: a user's name is optional
      name: nameField.nullable().optional(),
      role: roleField.optional(),
      // the version the edit started from: a save over someone else's is a CONFLICT
      version: versionField.optional(),
    }),
    output: out<UserDto>(),
  },
  'users.confirm': { input: byId, output: out<UserDto>() },
  'users.confirmMany': {
    input: z.strictObject({ ids: bulkIds }),
    output: out<BulkResult<BulkOutcome & { alreadyConfirmed: boolean }>>(),
  },
  /** Ends the sign-in lock that failed attempts put on the user's email. */
  'users.unlock': { input: byId, output: out<UserDto>() },
  'users.setPassword': {
    input: z.strictObject({ id: uuidField, password: passwordField }),
    output: out<null>(),
  },
  'users.delete': { input: byId, output: out<null>() },
  'users.endSessions': { input: byId, output: out<{ ended: number }>() },
  /** Removes the user's second factor and recovery codes; they set it up again. */
  'users.resetSecondFactor': { input: byId, output: out<null>() },

  'agents.list': {
    input: agentsListInput,
    output: out<Page<AgentDto>>(),
  },
  /** The models the organization's agents use, most used first (at most MODELS_IN_USE_LISTED). */
  'agents.models': {
    input: z.strictObject({ organizationId: uuidField }),
    output: out<{ models: ModelInUse[] }>(),
  },
  'agents.get': {
    input: z.strictObject({ organizationId: uuidField, id: uuidField }),
    output: out<AgentDto>(),
  },
  'agents.create': {
    input: z.strictObject({
      organizationId: uuidField,
      name: nameField,
      description: descriptionField.nullable().optional(),
      systemPrompt: promptField,
      config: agentConfigPatchField.optional(),
    }),
    output: out<AgentDto>(),
  },
  'agents.update': { input: agentUpdate, output: out<AgentDto>() },
  'agents.transition': {
    input: z.strictObject({
      organizationId: uuidField,
      id: uuidField,
      version: versionField,
      event: agentEventField,
      reason: reasonField.optional(),
    }),
    output: out<AgentDto>(),
  },
  'agents.transitionMany': {
    input: z.strictObject({
      organizationId: uuidField,
      ids: bulkIds,
      event: agentEventField,
      reason: reasonField.optional(),
    }),
    output: out<BulkResult<BulkOutcome & { status: AgentStatus | null }>>(),
  },
  'agents.history': {
    input: z.strictObject({ organizationId: uuidField, id: uuidField }),
    output: out<AgentHistory>(),
  },
  'agents.delete': {
    input: z.strictObject({ organizationId: uuidField, id: uuidField }),
    output: out<null>(),
  },
  'agents.attachSkill': { input: agentSkillInput, output: out<AgentSkillsView>() },
  'agents.detachSkill': { input: agentSkillInput, output: out<AgentSkillsView>() },
  'agents.reorderSkills': {
    input: z.strictObject({
      organizationId: uuidField,
      agentId: uuidField,
      skillIds: z.array(uuidField).max(100),
    }),
    output: out<AgentSkillsView>(),
  },
  'agents.effectivePrompt': {
    input: z.strictObject({ organizationId: uuidField, id: uuidField }),
    output: out<AgentSkillsView>(),
  },
  'agents.export': {
    input: z.strictObject({ organizationId: uuidField, ids: bulkIds }),
    output: out<AgentDocument>(),
  },
  'agents.import': {
    input: z.strictObject({
      organizationId: uuidField,
      document: agentDocumentField,
      onConflict: z.enum(['skip', 'rename']).default('skip'),
    }),
    output: out<AgentImportResult>(),
  },

  'skills.list': {
    input: skillsListInput,
    output: out<Page<SkillDto>>(),
  },
  'skills.get': { input: byId, output: out<SkillDto>() },
  'skills.create': { input: z.strictObject(skillFields), output: out<SkillDto>() },
  'skills.update': {
    input: z.strictObject({
      id: uuidField,
      name: skillFields.name.optional(),
      slug: skillFields.slug.optional(),
      description: skillFields.description,
      category: skillFields.category,
      tierRequired: tierField.optional(),
      systemPromptEnhancement: promptField.optional(),
      tools: z.array(toolField).max(50).optional(),
      isOfficial: z.boolean().optional(),
      // the version the edit started from: a save over someone else's is a CONFLICT
      version: versionField.optional(),
    }),
    output: out<SkillDto>(),
  },
  'skills.delete': {
    input: z.strictObject({ id: uuidField, force: z.boolean().default(false) }),
    output: out<SkillDeleteResult>(),
  },

  'tenancy.status': { input: none, output: out<TenantStatus[]>() },
  'tenancy.migrateAll': { input: none, output: out<MigrateAllResult>() },
  'tenancy.recount': { input: none, output: out<RecountResult>() },
  'tenancy.rollout': { input: none, output: out<RolloutDto | null>() },
  /** The rollout's remaining waves; what it looks like after (null once finished). */
  'tenancy.continueRollout': { input: none, output: out<RolloutDto | null>() },
  'tenancy.stopRollout': { input: none, output: out<null>() },
  'tenancy.check': { input: none, output: out<StructureReport>() },
  'tenancy.repair': {
    input: z.strictObject({ organizationIds: z.array(uuidField).min(1).max(10_000) }),
    output: out<StructureRepairResult>(),
  },

  'fleet.overview': { input: none, output: out<FleetOverview>() },
  'fleet.searchAgents': {
    input: z
      .strictObject({
        /** Part of the name; may be left out when a status is given. */
        query: text().trim().max(100).optional(),
        status: agentStatusField.optional(),
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(50).default(20),
      })
      // a search with neither would read every agent of every tenant
      .refine((input) => (input.query ?? '').length > 0 || input.status !== undefined, {
        error: 'is required',
        path: ['query'],
      }),
    output: out<Page<FleetAgentDto>>(),
  },

  'settings.get': { input: none, output: out<SettingsDto>() },
  'settings.requireSecondFactor': {
    input: z.strictObject({ required: z.boolean() }),
    output: out<SettingsDto>(),
  },
  'settings.testDatabase': {
    input: z.strictObject({ url: databaseUrlField }),
    output: out<{ version: string }>(),
  },
  'database.move': {
    input: z.strictObject({
      url: databaseUrlField,
      resume: z.boolean().default(false),
      intoExisting: z.boolean().default(false),
    }),
    output: out<TransferReport>(),
  },
  'database.backup': { input: none, output: out<BackupReport>() },
  'settings.saveDatabase': {
    input: z.discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('embedded') }),
      z.strictObject({ mode: z.literal('url'), url: databaseUrlField }),
    ]),
    output: out<SettingsDto>(),
  },
  'settings.saveBackups': {
    input: z.strictObject({ keep: dailyBackupsKeptField }),
    output: out<SettingsDto>(),
  },

  'audit.list': { input: auditListInput, output: out<Page<AuditEventDto>>() },

  'csv.export': {
    input: z.discriminatedUnion('table', [
      organizationsListInput.omit(paging).extend({ table: z.literal('organizations') }),
      usersListInput.omit(paging).extend({ table: z.literal('users') }),
      agentsListInput.omit(paging).extend({ table: z.literal('agents') }),
      skillsListInput.omit(paging).extend({ table: z.literal('skills') }),
      auditListInput.omit(paging).extend({ table: z.literal('audit') }),
    ]),
    output: out<CsvExportResult>(),
  },
  'demo.load': { input: none, output: out<DemoDataResult>() },
} as const;

type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
/** Fails to compile when contract.ts and channels.ts disagree on the channel names. */
export const channelsMatch: Exactly<keyof typeof contract, ChannelName> = true;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = Contract[C]['output'];

export const CHANNELS: readonly Channel[] = CHANNEL_NAMES;

export const isChannel: (name: unknown) => name is Channel = isChannelName;

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorShape };
