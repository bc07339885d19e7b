import type { EntityManager } from '@mikro-orm/postgresql';
import type { FleetEvent } from '../../src-shared/channels.ts';
import type {
  Channel,
  ChannelInput,
  ChannelOutput,
  DatabaseSource,
  SessionUser,
} from '../../src-shared/contract.ts';
import type { Actor } from '../../src-shared/domain/permissions.ts';
import type { Organization } from '../db/entities/index.ts';
import type { FileTarget } from '../files/file-target.ts';
import type { SessionStore } from '../identity/sessions.ts';
import type { Changes } from './audit.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { TenantFailures } from './tenant-failures.ts';

/*
 * What a business function is handed. The registry (src-main/ipc/registry)
 * builds it from the channel's declared needs: the permission is already
 * checked, `em` is already the transaction or read of the right schema, and
 * what the function reports through `audit` is written with the channel's
 * name in that same transaction.
 */

/** What an audited call changed, as the business function sees it. */
export interface AuditNote {
  targetId: string | null;
  changes?: Changes;
  /** Defaults to the organization the call works in (tenant scopes, loaded records). */
  organizationId?: string | null;
  /**
   * Operations only (`audit: { operation }`): no row for this call (a failed
   * move whose unfinished copy a resume will verify against the console's
   * database, which one more row would change; the resume is recorded).
   */
  withheld?: true;
}

/** What the running process knows about itself, for the Settings screen. */
export interface Environment {
  dataDir: string;
  appVersion: string;
  databaseSource: DatabaseSource;
  /** The database in use: what Settings backs up and moves. */
  databaseUrl: string;
  /** The app's connection is a superuser's (allowed, and said so). */
  superuser: boolean;
  /** The backup this start took of the embedded database before migrating it, if it took one. */
  startupBackup: string | null;
}

/** Calls a channel through its registration (its checks included) as one actor. */
export type Invoke = <C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
) => Promise<ChannelOutput<C>>;

/** One runtime's shared services: one set per router (per console process). */
export interface RuntimeServices {
  /** The root EntityManager, for work that opens transactions of its own (fan-out, seeding). */
  root: EntityManager;
  passwords: PasswordHasher;
  environment: Environment;
  tenantFailures: TenantFailures;
  /** Every console's sessions, in public.sessions. */
  sessions: SessionStore;
  emit(event: FleetEvent): void;
  /** Runs `work` after every earlier call with the same key has settled (one at a time). */
  serially<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Channels called as the system (seeding). */
  system: Invoke;
}

/** The window's session as a call sees it. */
export interface CallerSession {
  id: string;
  startedAt: number;
  /** When the password was last entered in this session (signing in counts). */
  reauthenticatedAt: number | null;
  /** The password was right; the second factor's code is still due. */
  pendingSecondFactor: boolean;
}

/** The caller's window: its session and where its files go. */
export interface Caller {
  /** Who signed in (while viewing as someone, still the administrator: the call's actor is the other). */
  user: SessionUser | null;
  session: CallerSession | null;
  /** The user whose view the session shows (identity/view-as.ts): every write is refused. */
  viewingAs: { user: SessionUser; reason: string } | null;
  /** Why the session's view ended, when this call found it over: the window may still show it. */
  viewEnded: string | null;
  files: FileTarget | undefined;
  /**
   * Opens a new session for the user in `em` (signing in); the window holds
   * it once the call succeeds, or, when it waits for the second factor, once
   * the call answers SECOND_FACTOR_REQUIRED.
   */
  signedIn(em: EntityManager, user: SessionUser, pendingSecondFactor?: boolean): Promise<void>;
  /**
   * Replaces the window's session, which a change to its own user has just
   * ended in `em`'s transaction: same start, so the 12 hours still count.
   */
  renewed(em: EntityManager): Promise<void>;
  /** Ends the window's session (in `em`'s transaction when given: one the call already holds). */
  signOut(em?: EntityManager): Promise<void>;
}

export interface Work {
  /** The transaction (write scopes) or a fork (reads); bound to org_<slug> in tenant scopes. */
  em: EntityManager;
  actor: Actor;
  runtime: RuntimeServices;
  caller: Caller;
  /** Records what the call changed; only audited channels keep it. */
  audit(note: AuditNote): void;
  /** Another channel, as the same actor, through its own registration (its checks included). */
  invoke: Invoke;
}

/** Work inside one organization's tenant schema. */
export interface TenantWork extends Work {
  organization: Organization;
}
