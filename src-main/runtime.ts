import { join } from 'node:path';
import { PUBLIC_MIGRATIONS } from '../migrations/public/index.ts';
import { listenForChanges } from './db/change-listener.ts';
import { SYSTEM_ACTOR } from '../src-shared/domain/permissions.ts';
import { maskUrl, openDatabaseTarget, probeServer, type DatabaseTarget } from './db/connection.ts';
import { refuseUnfinishedTransfer } from './db/transfer/marker.ts';
import { prepareDataDir, resolveDataDir } from './db/data-dir.ts';
import {
  migrateAllTenants,
  migratePublic,
  tenantsBehind,
  type FanOutResult,
} from './db/fan-out.ts';
import { TENANT_MIGRATION_COUNT } from './db/tenant-migrator.ts';
import { backupBeforeMigrating } from './db/transfer/operations.ts';
import { scheduleDailyBackups } from './db/transfer/daily-backups.ts';
import { keptDailyBackups, readStoredSettings } from './db/saved-settings.ts';
import { openOrm, type Orm } from './db/orm.ts';
import { rolloutInProgress } from './db/rollout.ts';
import { installStructureMarks } from './db/structure/marks.ts';
import { createRouter, type Router } from './ipc/router.ts';
import { SignedInCache } from './identity/signed-in-cache.ts';
import type { SessionStore } from './identity/sessions.ts';
import type { FleetEvent, MigrationProgress } from '../src-shared/channels.ts';
import { changeEvent } from '../src-shared/domain/events.ts';
import { fileLog, redact, type Log } from './log.ts';
import { created, outcome, recordAudit } from './services/audit.ts';
import { createPasswordHasher, type PasswordHasher } from './services/password-hasher.ts';
import { APP_VERSION } from './version.ts';
import { TenantFailures } from './services/tenant-failures.ts';

export interface Runtime {
  dataDir: string;
  log: Log;
  target: DatabaseTarget;
  orm: Orm;
  passwords: PasswordHasher;
  sessions: SessionStore;
  router: Router;
  startup: FanOutResult;
  /** A rollout was in progress: start-up left the tenants behind to it. */
  rolloutInProgress: boolean;
  /** The backup taken before this start-up migrated the embedded database, if one was. */
  backup: string | null;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  /** Echo log lines to stderr (CLI). */
  echo?: boolean;
  onProgress?: (progress: MigrationProgress) => void;
  /**
   * Bring tenants behind up to date at start-up (the default). Off for
   * commands that move tenants themselves (`db:migrate --down-to`): their
   * work, not start-up's, decides each tenant's level.
   */
  migrateTenants?: boolean;
  /** Migrate the embedded database without the backup taken first (confirmed by the operator). */
  skipBackup?: boolean;
  /** Back the embedded database up daily while this runs (the consoles; not the commands). */
  dailyBackups?: boolean;
  onEvent?: (event: FleetEvent) => void;
}

const NOTHING_MIGRATED: FanOutResult = { total: 0, migrated: 0, failed: [] };

/**
 * Why start-up stopped before migrating: the backup it takes first failed.
 * Nothing was migrated; the message says how to go on.
 */
export class StartupBackupError extends Error {
  constructor(reason: string, folder: string) {
    super(
      `Could not back up the database before migrating it (${reason}). Nothing was migrated: ` +
        `the database is as it was. Fix the cause (space and write access in ${folder}) and ` +
        'start again, or migrate it without a backup once: `npm run db:migrate -- --skip-backup` ' +
        '(it asks you to confirm).',
    );
    this.name = 'StartupBackupError';
  }
}

/**
 * The embedded database is backed up before start-up applies new migrations
 * to it (a server's own backups are its administrator's business). A new,
 * empty database has nothing to lose. `skipBackup` is the operator's
 * confirmed choice to go on without one.
 */
async function backupIfUpgrading(
  orm: Orm,
  target: DatabaseTarget,
  dataDir: string,
  options: { skipBackup: boolean; log: Log },
): Promise<string | null> {
  if (target.source !== 'embedded') return null;
  const pending = (await orm.migrator.getPending()).length;
  if (pending === PUBLIC_MIGRATIONS.length) return null;
  if (pending === 0 && (await tenantsBehind(orm.em, TENANT_MIGRATION_COUNT)).length === 0)
    return null;
  if (options.skipBackup) {
    options.log('migrating the database without a backup, as the operator confirmed');
    return null;
  }
  try {
    return await backupBeforeMigrating(target.url, dataDir);
  } catch (error) {
    throw new StartupBackupError(
      redact(error instanceof Error ? error.message : String(error)),
      join(dataDir, 'backups'),
    );
  }
}

/**
 * The backup start-up took, as the system's `database.backup`. One that
 * failed stopped the start before any migration: it is said on screen and
 * in the log, and leaves no row (the database is not yet at the level the
 * code writes).
 */
async function recordStartupBackup(orm: Orm, target: DatabaseTarget, file: string): Promise<void> {
  await recordAudit(orm.em.fork(), SYSTEM_ACTOR, {
    action: 'database.backup',
    organizationId: null,
    targetType: 'file',
    targetId: file,
    changes: { ...created({ from: maskUrl(target.url), before: 'migrating' }), ...outcome() },
  });
}

/**
 * Start-up shared by the app, headless mode and the CLI: data directory,
 * database (DATABASE_URL or embedded), version check, public migrations,
 * tenant fan-out, router. close() undoes it in reverse.
 */
export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? resolveDataDir(env);
  await prepareDataDir(dataDir);
  const log = fileLog(join(dataDir, 'logs', 'fleetprompt.log'), { echo: options.echo ?? false });
  const target = await openDatabaseTarget({ dataDir, env, log });
  const cleanups: (() => Promise<void>)[] = [() => target.release()];
  const close = async () => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((e) => log('shutdown step failed', e));
  };
  try {
    const server = await probeServer(target.url);
    if (server.unfinishedTransfer) await refuseUnfinishedTransfer(target.url);
    log(`database: ${target.source}, PostgreSQL ${server.version}`);
    if (server.superuser) {
      log(
        'warning: the console connects as a superuser; give it a role that owns only its database (docs/security.md)',
      );
    }
    const orm = await openOrm(target.url);
    cleanups.push(() => orm.close(true));
    const passwords = createPasswordHasher();
    cleanups.push(() => passwords.close());
    const backup = await backupIfUpgrading(orm, target, dataDir, {
      skipBackup: options.skipBackup ?? false,
      log,
    });
    if (backup) log(`backed up the database before migrating it: ${backup}`);
    await migratePublic(orm);
    if (target.adminUrl) {
      // only the embedded server's superuser may make the drift check's event triggers
      const appDatabase = new URL(target.adminUrl);
      appDatabase.pathname = new URL(target.url).pathname;
      await installStructureMarks(appDatabase.toString());
    }
    // recorded once public is migrated: before, audit_events may be an older shape than the code's
    if (backup) await recordStartupBackup(orm, target, backup);
    // a rollout in progress decides when the tenants behind are migrated, not a start
    const rolloutWaiting = await rolloutInProgress(orm.em);
    if (rolloutWaiting) log('a rollout is in progress: the tenants behind are left to it');
    const startup =
      (options.migrateTenants ?? true) && !rolloutWaiting
        ? await migrateAllTenants(
            orm.em,
            options.onProgress ? { onProgress: options.onProgress } : {},
          )
        : NOTHING_MIGRATED;
    const tenantFailures = new TenantFailures();
    tenantFailures.replace(startup);
    for (const failure of startup.failed)
      log(`tenant ${failure.schema} failed to migrate: ${failure.message}`);
    const signedIn = new SignedInCache();
    const router = createRouter({
      em: orm.em,
      passwords,
      logError: log,
      environment: {
        dataDir,
        appVersion: APP_VERSION,
        databaseSource: target.source,
        databaseUrl: target.url,
        superuser: server.superuser,
        startupBackup: backup,
      },
      tenantFailures,
      signedIn,
      ...(options.onEvent ? { emit: options.onEvent } : {}),
    });
    const listener = listenForChanges(target.url, {
      onChange: (change) => options.onEvent?.(changeEvent(change)),
      onReconnect: () => options.onEvent?.({ type: 'reconnected' }),
      ...signedIn.listening,
      log,
    });
    cleanups.push(() => listener.close());
    if (options.dailyBackups && target.source === 'embedded') {
      const daily = scheduleDailyBackups({
        url: target.url,
        dataDir,
        keep: async () => keptDailyBackups(await readStoredSettings(dataDir)),
        log,
      });
      cleanups.push(() => daily.stop());
    }
    const { sessions } = router;
    return {
      dataDir,
      log,
      target,
      orm,
      passwords,
      sessions,
      router,
      startup,
      rolloutInProgress: rolloutWaiting,
      backup,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
