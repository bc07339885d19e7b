import type { Actor } from '../../src-shared/domain/permissions.ts';

/*
 * Who a recorded row (an audit event, an agent's transition) names. Its own
 * module: the audit trail and the work a channel is handed both need it,
 * and neither may import the other back.
 */

/** A database command run on the machine (`npm run db:*`): no signed-in user. */
export const COMMAND_LINE = Object.freeze({ kind: 'command line' } as const);

/** Whoever a row can name: a caller of the console, or the command line. */
export type Recorded = Actor | typeof COMMAND_LINE;

export function actorLabel(actor: Recorded): string {
  return actor.kind === 'user' ? actor.email : actor.kind;
}

export function actorId(actor: Recorded): string | null {
  return actor.kind === 'user' ? actor.id : null;
}
