import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../../src-shared/domain/enums.ts';
import type { PasswordHasher } from './password-hasher.ts';

/** Who performs an operation: a signed-in user, the system (seed, CLI, start-up), or nobody yet. */
export type Actor =
  | { kind: 'system' }
  | { kind: 'anonymous' }
  | { kind: 'user'; id: string; email: string; role: Role; organizationId: string };

export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: 'system' });
export const ANONYMOUS_ACTOR: Actor = Object.freeze({ kind: 'anonymous' });

/** Everything a service needs; the access layer adds policies by inspecting `actor`. */
export interface ServiceContext {
  em: EntityManager;
  actor: Actor;
  passwords: PasswordHasher;
  /** Ends the sessions of a user who was deleted, demoted or given a new password. */
  revokeSessions?: (userId: string) => void;
}

export function actorLabel(actor: Actor): string {
  return actor.kind === 'user' ? actor.email : actor.kind;
}

export function actorId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.id : null;
}
