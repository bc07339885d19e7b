/**
 * The names of every channel, with no dependencies: the sandboxed preload
 * imports this list to refuse unknown channels without bundling zod.
 * contract.ts must define exactly these (checked by the compiler).
 */
export const CHANNEL_NAMES = [
  'auth.signIn',
  'auth.signOut',
  'auth.me',
  'auth.firstRun',
  'auth.createFirstAdmin',
  'auth.changePassword',
  'auth.reauthenticate',
  'auth.enrollSecondFactor',
  'auth.confirmSecondFactor',
  'auth.verifySecondFactor',
  'auth.disableSecondFactor',
  'auth.viewAs',
  'auth.endViewAs',
  'sessions.list',
  'sessions.end',
  'sessions.endOthers',
  'organizations.list',
  'organizations.get',
  'organizations.create',
  'organizations.update',
  'organizations.changeTier',
  'organizations.delete',
  'organizations.usage',
  'organizations.export',
  'organizations.import',
  'organizations.setMaintenance',
  'organizations.renameSlug',
  'users.list',
  'users.get',
  'users.create',
  'users.update',
  'users.confirm',
  'users.confirmMany',
  'users.unlock',
  'users.setPassword',
  'users.delete',
  'users.endSessions',
  'users.resetSecondFactor',
  'agents.list',
  'agents.models',
  'agents.get',
  'agents.create',
  'agents.update',
  'agents.transition',
  'agents.transitionMany',
  'agents.history',
  'agents.delete',
  'agents.attachSkill',
  'agents.detachSkill',
  'agents.reorderSkills',
  'agents.effectivePrompt',
  'agents.export',
  'agents.import',
  'skills.list',
  'skills.get',
  'skills.create',
  'skills.update',
  'skills.delete',
  'tenancy.status',
  'tenancy.migrateAll',
  'tenancy.recount',
  'tenancy.rollout',
  'tenancy.continueRollout',
  'tenancy.stopRollout',
  'tenancy.check',
  'tenancy.repair',
  'fleet.overview',
  'fleet.searchAgents',
  'audit.list',
  'settings.get',
  'settings.requireSecondFactor',
  'settings.testDatabase',
  'settings.saveDatabase',
  'settings.saveBackups',
  'database.move',
  'database.backup',
  'csv.export',
  'demo.load',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && (CHANNEL_NAMES as readonly string[]).includes(name);
}

/** The IPC channel (Electron) that carries FleetEvents to the page. */
export const EVENT_CHANNEL = 'fleet:event';

/** How far the tenant fan-out has come: the tenant just finished, and whether it failed. */
export interface MigrationProgress {
  done: number;
  total: number;
  slug: string;
  failed: boolean;
}

/** A move or restore in progress (Settings → Move to a server…, and the terminal). */
export interface TransferProgress {
  phase: 'checking' | 'migrating' | 'copying' | 'verifying' | 'done';
  tenantsDone: number;
  tenantsTotal: number;
  rows: number;
  elapsedMs: number;
}

/** The kinds of record a change can be about: a closed list, checked on every notification heard. */
export const CHANGE_KINDS = ['organization', 'user', 'agent', 'skill', 'tenancy', 'demo'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What a committed write announces to every console on the database (PostgreSQL NOTIFY). */
export interface FleetChange {
  kind: ChangeKind;
  id: string | null;
  /** The organization the change concerns; null only for what administrators alone may hear of. */
  organizationId: string | null;
  /** The record's optimistic-lock version after the write, when it has one. */
  version: number | null;
  /** The channel whose write this was. */
  action: ChannelName;
}

/** Events the main process pushes to the page. */
export type FleetEvent =
  /** This process's own start-up fan-out, before anyone can sign in: counts only, no tenant named. */
  | { type: 'startup-progress'; done: number; total: number }
  | ({ type: 'migration-progress' } & MigrationProgress)
  | ({ type: 'transfer-progress' } & TransferProgress)
  /** The database or the tenant migrations could not be opened at start-up. */
  | { type: 'startup-failed'; message: string }
  /** Another write (this console's or another's) was committed. */
  | ({ type: 'change' } & FleetChange)
  /** The change stream was lost and is back: what is on screen may be stale. */
  | { type: 'reconnected' };

/** What the preload (Electron) and the bridge script (headless) put on window.fleet. */
export interface FleetBridge {
  invoke(channel: ChannelName, input?: unknown): Promise<unknown>;
  onEvent(listener: (event: FleetEvent) => void): () => void;
}
