import { join } from 'node:path';
import type { BackupReport, ParsedInput, TransferReport } from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import { DatabaseVersionError, maskUrl } from '../db/connection.ts';
import { messageWithUrlMasked } from '../db/connection-string.ts';
import { TransferError } from '../db/transfer/copy-into.ts';
import { holdsUnfinishedCopy, UnfinishedTransferError } from '../db/transfer/marker.ts';
import { backupDatabase, backupFileName, moveDatabase } from '../db/transfer/operations.ts';
import { created } from './audit.ts';
import { connectionFailureInWords, isConnectionFailure } from './db-errors.ts';
import { acceptUrlFromPage } from './url-from-page.ts';
import type { Work } from './work.ts';

/** One move or backup at a time per console: each holds a snapshot and many connections. */
const ONE_AT_A_TIME = 'database-transfer';

/** What went wrong, in the operator's words; the password never appears. */
function refusal(error: unknown, url: string): AppError {
  if (error instanceof AppError) return error;
  const message = messageWithUrlMasked(error, url);
  if (
    error instanceof TransferError ||
    error instanceof UnfinishedTransferError ||
    error instanceof DatabaseVersionError
  )
    return new AppError('CONFLICT', message);
  return new AppError(
    'VALIDATION',
    `Could not copy to that server: ${connectionFailureInWords(error, url)}`,
    { url: 'could not copy there' },
  );
}

/**
 * A connection that failed once the target holds the copy's marker: the
 * move stopped half-way, and the operator finishes or removes it.
 */
function lostMidway(error: unknown, url: string): AppError {
  return new AppError(
    'UNAVAILABLE',
    `A database connection was lost during the move (${messageWithUrlMasked(error, url)}). ` +
      'The target holds an unfinished copy: move again with resume to finish it, or roll it back.',
  );
}

/**
 * Copies the console's database to the server at `url`, verified; the
 * console's own database is only read. Saving the server as the console's
 * connection is the operator's next, separate step (settings.saveDatabase).
 */
export function moveToServer(
  w: Work,
  input: ParsedInput<'database.move'>,
): Promise<TransferReport> {
  acceptUrlFromPage(input.url);
  const from = w.runtime.environment.databaseUrl;
  w.audit({ targetId: maskUrl(input.url), changes: created({ from: maskUrl(from) }) });
  return w.runtime.serially(ONE_AT_A_TIME, async () => {
    // past 'checking' the target holds the copy's marker: a failure leaves it unfinished
    let underWay = false;
    try {
      const report = await moveDatabase(from, input.url, {
        resume: input.resume,
        intoExisting: input.intoExisting,
        onProgress: (progress) => {
          underWay ||= progress.phase !== 'checking';
          w.runtime.emit({ type: 'transfer-progress', ...progress });
        },
      });
      const { tenants, tables, rows } = report;
      w.audit({ targetId: report.target, changes: created({ tenants, tables, rows }) });
      return report;
    } catch (error) {
      // recorded by the resume that finishes it: a row now would differ from what that resume verifies
      if (await holdsUnfinishedCopy(input.url))
        w.audit({ targetId: maskUrl(input.url), withheld: true });
      throw underWay && isConnectionFailure(error)
        ? lostMidway(error, input.url)
        : refusal(error, input.url);
    }
  });
}

/** Writes a backup of the console's database into `<data directory>/backups`. */
export function backupNow(w: Work): Promise<BackupReport> {
  const { dataDir, databaseUrl } = w.runtime.environment;
  const file = join(dataDir, 'backups', backupFileName('fleetprompt-'));
  w.audit({ targetId: file, changes: created({ from: maskUrl(databaseUrl) }) });
  return w.runtime.serially(ONE_AT_A_TIME, async () => {
    try {
      const report = await backupDatabase(databaseUrl, file);
      const { tables, rows, bytes } = report;
      w.audit({ targetId: file, changes: created({ tables, rows, bytes }) });
      return report;
    } catch (error) {
      throw unwritten(error);
    }
  });
}

/** A backup the file system refused (a folder that cannot be written, a full disk), in the operator's words. */
function unwritten(error: unknown): unknown {
  const system = error as { syscall?: unknown } | null;
  if (!(error instanceof Error) || typeof system?.syscall !== 'string') return error;
  return new AppError('UNAVAILABLE', `Could not write the backup: ${error.message}`);
}
