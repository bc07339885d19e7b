import type { EntityManager } from '@mikro-orm/postgresql';
import type { FleetChange } from '../../../src-shared/channels.ts';
import type { Channel } from '../../../src-shared/contract.ts';
import { namesItsOrganization } from '../../../src-shared/domain/events.ts';
import type { Actor } from '../../../src-shared/domain/permissions.ts';
import { isAppError } from '../../../src-shared/errors.ts';
import { CHANGE_CHANNEL } from '../../db/change-listener.ts';
import { outcome, recordAudit, type Changes } from '../../services/audit.ts';
import { appErrorOf } from '../../services/db-errors.ts';
import type { AuditNote } from '../../services/work.ts';
import type { AnyRegistration } from './registration-shape.ts';

/**
 * What one call reports through `w.audit`, and how it is written: a record
 * kind's changes in the call's own transaction, each announced by NOTIFY;
 * an operation's one row whatever its outcome, in a transaction of its own.
 */
export class AuditTrail {
  readonly #notes: AuditNote[] = [];
  readonly #channel: Channel;
  readonly #audit: AnyRegistration['audit'];
  readonly #actor: Actor;
  readonly #root: EntityManager;
  /** The organization the events belong to unless the function says otherwise. */
  organization: string | null = null;

  constructor(
    channel: Channel,
    audit: AnyRegistration['audit'],
    actor: Actor,
    root: EntityManager,
  ) {
    this.#channel = channel;
    this.#audit = audit;
    this.#actor = actor;
    this.#root = root;
  }

  readonly note = (note: AuditNote): void => void this.#notes.push(note);

  get pending(): boolean {
    return this.#notes.length > 0;
  }

  /** What a refused or retried unit reported is not recorded. */
  forget(): void {
    this.#notes.length = 0;
  }

  /**
   * Writes the reported changes in `em`'s transaction, each announced to
   * every console on the database by NOTIFY: sent inside the transaction,
   * it is heard only if the write commits.
   */
  async writeChanges(em: EntityManager, result?: unknown): Promise<void> {
    const kind = this.#audit;
    if (typeof kind !== 'string') return;
    const written = result as { id?: unknown; version?: unknown } | null | undefined;
    for (const note of this.#notes.splice(0)) {
      const organizationId =
        note.organizationId === undefined ? this.organization : note.organizationId;
      await recordAudit(em, this.#actor, {
        action: this.#channel,
        targetType: kind,
        targetId: note.targetId,
        organizationId,
        ...(note.changes ? { changes: note.changes } : {}),
      });
      const change: FleetChange = {
        kind,
        id: note.targetId,
        organizationId,
        version:
          written?.id === note.targetId && typeof written?.version === 'number'
            ? written.version
            : null,
        action: this.#channel,
      };
      // caught here, in the write's transaction: consoles would drop it, and the audit view miss it
      if (!namesItsOrganization(change))
        throw new Error(`${this.#channel}: a ${change.kind} change must name its organization`);
      await em.execute(`select pg_notify('${CHANGE_CHANNEL}', ?)`, [JSON.stringify(change)]);
    }
  }

  /** Runs the call; an operation is recorded whatever its outcome (#writeOutcome). */
  async recording(run: () => Promise<unknown>): Promise<unknown> {
    if (typeof this.#audit !== 'object') return run();
    const { operation } = this.#audit;
    let result: unknown;
    try {
      result = await run();
    } catch (error) {
      await this.#writeOutcome(operation, error);
      throw error;
    }
    await this.#writeOutcome(operation);
    return result;
  }

  /**
   * The one row of a call audited whatever its outcome: what the function
   * reported (its target, then its counts), and how it ended, in a
   * transaction of its own.
   */
  async #writeOutcome(operation: string, error?: unknown): Promise<void> {
    const reported = this.#notes.splice(0);
    if (reported.some((note) => note.withheld)) return;
    const failure =
      error === undefined
        ? undefined
        : // a fault's text is for the log, not for a screen
          ((isAppError(error) ? error : appErrorOf(error))?.message ?? 'internal error');
    await this.#root.fork().transactional((tx) =>
      recordAudit(tx, this.#actor, {
        action: this.#channel,
        targetType: operation,
        targetId: reported.findLast((note) => note.targetId !== null)?.targetId ?? null,
        organizationId: reported.findLast((note) => note.organizationId)?.organizationId ?? null,
        changes: {
          ...reported.reduce<Changes>((all, note) => ({ ...all, ...note.changes }), {}),
          ...outcome(failure),
        },
      }),
    );
  }
}
