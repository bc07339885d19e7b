import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../../src-shared/contract.ts';
import type { Actor, Target } from '../../../src-shared/domain/permissions.ts';
import type { Caller } from '../../services/work.ts';
import type { LoadKind, Registration } from './define.ts';

/** Who is calling, resolved by the router from the window's session. */
export interface Frame {
  actor: Actor;
  caller: Caller;
}

/** The registration of a channel, without the per-channel types (compose works on any). */
export type AnyRegistration = {
  access: Registration<Channel>['access'];
  scope: Registration<Channel>['scope'];
  audit?: Registration<Channel>['audit'];
  target?: (input: never, em: EntityManager) => Target | Promise<Target>;
  beforePasswordChange?: true;
  beforeSecondFactor?: 'code' | 'enrollment';
  whileViewingAs?: true;
  stepUp?: true | ((input: never, actor: Actor) => boolean);
  maintenance?: { reason: string; organizationIds: (input: never) => readonly string[] };
  duringMaintenance?: true;
  load?: LoadKind;
  loadId?: (input: never) => string;
  run?: (w: never, input: never, record: never) => Promise<unknown>;
  bulk?: {
    ids: (input: never) => readonly string[];
    label: (record: never) => string;
    each: (w: never, input: never, record: never) => Promise<object>;
    whenRefused: object;
  };
};

export type Input = Record<string, unknown>;

// the declarations are typed per channel in define.ts; here they are applied to the parsed input
export const loosely = <F>(f: F) => f as unknown as (...args: unknown[]) => Promise<never>;

export const writes = (scope: AnyRegistration['scope']) =>
  scope === 'write' || scope === 'tenantWrite';

/** Whether a call may change anything: a writing scope, or an audited call (an operation's is done outside one). */
export const changesSomething = (reg: Pick<AnyRegistration, 'scope' | 'audit'>) =>
  writes(reg.scope) || reg.audit !== undefined;
