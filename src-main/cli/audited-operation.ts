import { maskUrl } from '../db/connection.ts';
import { openOrm } from '../db/orm.ts';
import { holdsUnfinishedCopy } from '../db/transfer/marker.ts';
import { redact } from '../log.ts';
import { COMMAND_LINE } from '../services/actors.ts';
import { created, outcome, recordAudit } from '../services/audit.ts';

/*
 * `npm run db:move`, `db:backup` and `db:restore` each leave one audit row,
 * actor "command line", whatever the outcome. The row is written after the
 * work, on its own connection: a failed copy has rolled back, and its row
 * must not go with it.
 *
 * Where the row goes: a move's and a backup's into the database they read
 * (the console's own, which always has an audit log); a restore's into the
 * database restored into, once it holds the restored audit log. A restore
 * that failed usually left that database empty (the copy is all or
 * nothing), or an unfinished copy that `--resume` will verify table by
 * table, where one more row would break the verification: then no row is
 * written, and the command says so and why. For the same reason a move
 * that left an unfinished copy writes no row into the database it copies
 * (the resume compares the copy with it): the resume that finishes the
 * copy, or the rollback that removes it, is recorded.
 */

export interface Operation<T> {
  action:
    | 'database.move'
    | 'database.backup'
    | 'database.restore'
    | 'organizations.export'
    | 'organizations.import';
  /** The database the row goes into. */
  recordIn: string;
  targetType: 'database' | 'file' | 'organization';
  /** The database (its URL masked), the file the work wrote, or the organization. */
  targetId: string | null;
  /** What is known before the work: where it reads from, masked. */
  details: Record<string, unknown>;
  /** The URLs whose passwords an error's message may hold. */
  urls: readonly string[];
  /** What the work reports: tenants, tables, rows. */
  counts: (result: T) => Record<string, number>;
  /** The organization the work made, whose audit log shows the row. */
  organizationOf?: (result: T) => string;
  /** Where a failed copy may have left an unfinished copy of `recordIn` (a move's target). */
  copyOf?: string;
}

/** Runs one database command's work and records it (see above); the work's error is rethrown. */
export async function audited<T>(operation: Operation<T>, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    if (operation.copyOf && (await holdsUnfinishedCopy(operation.copyOf))) {
      console.error(
        `no audit row written yet: ${maskUrl(operation.copyOf)} holds an unfinished copy, which ` +
          `--resume verifies against ${maskUrl(operation.recordIn)}; the --resume or --rollback that ends it is recorded`,
      );
      throw error;
    }
    const reason = await record(operation, {}, maskedMessage(error, operation.urls)).catch(
      (failure: unknown) => maskedMessage(failure, operation.urls),
    );
    if (reason) console.error(`no audit row could be written: ${reason}`);
    throw error;
  }
  const reason = await record(
    operation,
    operation.counts(result),
    undefined,
    operation.organizationOf?.(result),
  );
  if (reason) throw new Error(`done, but no audit row could be written: ${reason}`);
  return result;
}

function maskedMessage(error: unknown, urls: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  return redact(urls.reduce((text, url) => text.replaceAll(url, maskUrl(url)), message));
}

/** Writes the row; answers why it could not, or null once it is written. */
async function record<T>(
  operation: Operation<T>,
  counts: Record<string, number>,
  error?: string,
  organizationId: string | null = null,
): Promise<string | null> {
  const orm = await openOrm(operation.recordIn, { poolMax: 1 });
  try {
    const em = orm.em.fork();
    const [found] = await em.execute<{ audit: boolean; unfinished: boolean }[]>(
      `select to_regclass('public.audit_events') is not null as audit,
              to_regclass('public.fleetprompt_transfer') is not null as unfinished`,
    );
    const where = maskUrl(operation.recordIn);
    if (found?.unfinished)
      return `${where} holds an unfinished copy, which --resume verifies row by row`;
    if (!found?.audit) return `${where} has no audit log`;
    await em.transactional((tx) =>
      recordAudit(tx, COMMAND_LINE, {
        action: operation.action,
        organizationId,
        targetType: operation.targetType,
        targetId: organizationId ?? operation.targetId,
        changes: { ...created({ ...operation.details, ...counts }), ...outcome(error) },
      }),
    );
    return null;
  } finally {
    await orm.close(true);
  }
}
