import type { EntityManager } from '@mikro-orm/postgresql';
import type { ChangeKind } from '../../../src-shared/channels.ts';
import type {
  BulkOutcome,
  BulkResult,
  Channel,
  ChannelOutput,
  ParsedInput,
} from '../../../src-shared/contract.ts';
import type { Actor, Capability, Target } from '../../../src-shared/domain/permissions.ts';
import type { Agent, Organization, Skill, User } from '../../db/entities/index.ts';
import type { TenantWork, Work } from '../../services/work.ts';

/*
 * How a channel is declared: what it needs, next to the business function
 * that does its work. compose.ts turns the declaration into the handler
 * (permission check, scope and transaction, the record it is about, audit).
 */

/**
 * - read / write: a fork of public, or one transaction on it;
 * - tenantRead / tenantWrite: the same bound to org_<input.organizationId>,
 *   that organization visible to the actor and, for writes, its row locked
 *   (agent limits and counters hold under concurrency);
 * - none: nothing prepared (the function opens what it needs).
 */
export type Scope = 'none' | 'read' | 'write' | 'tenantRead' | 'tenantWrite';
type TenantScope = 'tenantRead' | 'tenantWrite';
type PublicScope = Exclude<Scope, TenantScope>;

/** Who may call: a capability of the access table (fixed, or chosen by the input), any signed-in user, anyone. */
export type Access<C extends Channel> =
  Capability | 'signedIn' | 'public' | ((input: ParsedInput<C>) => Capability);

/** The kind of record an audited channel's events are about (the change kinds consoles hear). */
export type AuditTarget = ChangeKind;

/**
 * What database work is done to: a database (its URL masked) moved into or
 * switched to, a file written, an organization imported, tenant schemas
 * repaired.
 */
export type OperationTarget = 'database' | 'file' | 'organization' | 'tenants';

/** The record a call is about, found by id (locked in write scopes) or NOT_FOUND. */
export interface Loadable {
  organization: Organization;
  user: User;
  skill: Skill;
  /** In the tenant scope's schema. */
  agent: Agent;
}
export type LoadKind = keyof Loadable;

interface Common<C extends Channel> {
  access: Access<C>;
  /**
   * Audited:
   * - a kind of record: each change the function reports is recorded as
   *   action `C` on this kind of target, in the call's transaction;
   * - `{ operation: kind }` (database work): whatever the outcome, what the
   *   function reports makes one row, written on its own after the call,
   *   with `outcome` `succeeded`, or `failed` and the error's message (a
   *   failed call's transaction has rolled back; its row must not go with it).
   */
  audit?: AuditTarget | { operation: OperationTarget };
  /** The facts the decision needs beyond the input's organizationId (and the loaded record). */
  target?: (input: ParsedInput<C>, em: EntityManager) => Target | Promise<Target>;
  /** Callable while the caller must still change a password someone else set. */
  beforePasswordChange?: true;
  /**
   * Two-step sign-in: 'code', callable by a session whose second factor's
   * code is still due (and while one must be set up); 'enrollment', callable
   * while an administrator must set one up before anything else. Channels
   * callable before a password change are callable while one must be set up.
   */
  beforeSecondFactor?: 'code' | 'enrollment';
  /**
   * A write callable while the session views the console as another user
   * (auth.endViewAs): every other write, and every audited call, answers
   * READ_ONLY_VIEW then.
   */
  whileViewingAs?: true;
  /**
   * Step-up (identity/step-up.ts): the password (and the second factor's
   * code where set up) entered in this session in the last 5 minutes, or
   * REAUTH_REQUIRED; always, or when the input says.
   * Asked once the caller is known to be allowed, so a refusal stays one.
   */
  stepUp?: true | ((input: ParsedInput<C>, actor: Actor) => boolean);
  /**
   * The organizations the call works on are in maintenance while it runs
   * (their writes answer MAINTENANCE with `reason`), from before its
   * transaction begins until after it ends; one already in maintenance
   * refuses the call.
   */
  maintenance?: {
    reason: string;
    organizationIds: (input: ParsedInput<C>) => readonly string[];
  };
  /** A write to an organization record allowed while it is in maintenance (the call that ends it). */
  duringMaintenance?: true;
}

type WorkOf<S extends Scope> = S extends TenantScope ? TenantWork : Work;
type Output<C extends Channel> = Promise<ChannelOutput<C>>;

/** What one row of a bulk channel adds to its outcome (the agent's new status, …). */
export type BulkExtra<C extends Channel> =
  ChannelOutput<C> extends BulkResult<infer R> ? Omit<R, keyof BulkOutcome> : never;

interface Plain<C extends Channel, S extends Scope> extends Common<C> {
  scope: S;
  load?: undefined;
  run: (w: WorkOf<S>, input: ParsedInput<C>) => Output<C>;
}

type Loading<C extends Channel, S extends Scope> = {
  [L in LoadKind]: Common<C> & {
    scope: S;
    load: L;
    /** Where the record's id is in the input; `id` unless said. */
    loadId?: (input: ParsedInput<C>) => string;
  } & (
      | { run: (w: WorkOf<S>, input: ParsedInput<C>, record: Loadable[L]) => Output<C> }
      | {
          /** Each id in its own transaction: a refusal is that row's outcome, not the call's. */
          bulk: {
            ids: (input: ParsedInput<C>) => readonly string[];
            label: (record: Loadable[L]) => string;
            each: (
              w: WorkOf<S>,
              input: ParsedInput<C>,
              record: Loadable[L],
            ) => Promise<BulkExtra<C>>;
            whenRefused: BulkExtra<C>;
          };
          run?: undefined;
          /** Each row's refusal is its outcome already: changes only. */
          audit?: AuditTarget;
        }
    );
}[LoadKind];

/** A channel's declaration: its needs and its business function. */
export type Registration<C extends Channel> =
  Plain<C, TenantScope> | Plain<C, PublicScope> | Loading<C, TenantScope> | Loading<C, PublicScope>;

/** Every channel's declaration: a channel without one does not compile. */
export type Registrations = { [C in Channel]: Registration<C> };

/** A group of declarations (one file per domain), checked against the contract as it is written. */
export function declare<const R extends Partial<Registrations>>(registrations: R): R {
  return registrations;
}
