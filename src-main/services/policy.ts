import { AppError } from '../../src-shared/errors.ts';
import { roleCan } from '../../src-shared/domain/permissions.ts';
import type { Actor } from './context.ts';

/*
 * The access rules of DESIGN.md, in one place. Services call these before
 * touching data; screens only mirror them. Reads of another tenant answer
 * NOT_FOUND so that a tenant cannot learn what exists elsewhere.
 */

export function isAdmin(actor: Actor): boolean {
  return (
    actor.kind === 'system' || (actor.kind === 'user' && roleCan(actor.role, 'seeAllOrganizations'))
  );
}

function requireSignedIn(actor: Actor): asserts actor is Exclude<Actor, { kind: 'anonymous' }> {
  if (actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
}

export function requireAdmin(actor: Actor): void {
  requireSignedIn(actor);
  if (!isAdmin(actor)) throw new AppError('FORBIDDEN', 'Only administrators can do that');
}

/** The organization the actor is confined to, or null when it may see all. */
export function organizationScope(actor: Actor): string | null {
  requireSignedIn(actor);
  return actor.kind === 'system' || isAdmin(actor) ? null : actor.organizationId;
}

export function requireOrganizationVisible(
  actor: Actor,
  organizationId: string,
  what = 'Organization',
): void {
  const scope = organizationScope(actor);
  if (scope !== null && scope !== organizationId)
    throw new AppError('NOT_FOUND', `${what} not found`);
}

export function requireAgentWriter(actor: Actor, organizationId: string): void {
  requireOrganizationVisible(actor, organizationId);
  if (actor.kind === 'user' && !roleCan(actor.role, 'writeAgents')) {
    throw new AppError('FORBIDDEN', 'Your role can read agents but not change them');
  }
}

export function requireAuditReader(
  actor: Actor,
  organizationId: string | undefined,
): string | null {
  requireSignedIn(actor);
  if (actor.kind === 'user' && !roleCan(actor.role, 'readAudit')) {
    throw new AppError('FORBIDDEN', 'Your role cannot read the audit log');
  }
  const scope = organizationScope(actor);
  if (scope !== null && organizationId !== undefined && organizationId !== scope) {
    throw new AppError('NOT_FOUND', 'Organization not found');
  }
  return scope ?? organizationId ?? null;
}
