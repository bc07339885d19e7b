import pg from 'pg';
import type { DatabaseSource } from '../../src-shared/contract.ts';
import { openEmbedded } from './embedded/open.ts';
import type { EmbeddedLog } from './embedded/types.ts';
import { readStoredSettings } from './saved-settings.ts';

/** The one masker of database URLs, where callers have always found it. */
export { maskUrl } from './connection-string.ts';

export const MIN_SERVER_VERSION_NUM = 140000;

export interface DatabaseTarget {
  url: string;
  /** Where the URL came from, for start-up messages. */
  source: DatabaseSource;
  /** The embedded server's superuser, for tools that create databases (the bench); null otherwise. */
  adminUrl: string | null;
  /** Releases what opening the target started (the embedded server, when this process owns it). */
  release(): Promise<void>;
}

export class DatabaseVersionError extends Error {
  constructor(version: string) {
    super(
      `PostgreSQL ${version} is too old: FleetPrompt needs PostgreSQL 14 or newer. ` +
        'Point DATABASE_URL at a newer server, or unset it to use the embedded one.',
    );
    this.name = 'DatabaseVersionError';
  }
}

/** DATABASE_URL when set; else the URL saved in Settings; else the embedded PostgreSQL of the data directory. */
export async function openDatabaseTarget(options: {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  log?: EmbeddedLog;
}): Promise<DatabaseTarget> {
  const url = (options.env ?? process.env).DATABASE_URL;
  if (url) return { url, source: 'DATABASE_URL', adminUrl: null, release: async () => undefined };
  const saved = (await readStoredSettings(options.dataDir)).database;
  if (saved?.mode === 'url')
    return { url: saved.url, source: 'settings', adminUrl: null, release: async () => undefined };
  const server = await openEmbedded(options.dataDir, options.log);
  return {
    url: server.url,
    source: 'embedded',
    adminUrl: server.adminUrl,
    release: () => server.stop(),
  };
}

export interface ServerInfo {
  version: string;
  /** Whether the connection's role is a superuser (least privilege says it should not be). */
  superuser: boolean;
  /** Whether the database holds an unfinished move or restore (db/transfer/marker.ts). */
  unfinishedTransfer: boolean;
}

/**
 * Connects once and reads what the console needs to know of a server;
 * refuses servers older than PostgreSQL 14 with a message naming the version.
 */
export async function probeServer(url: string, timeoutMs = 10_000): Promise<ServerInfo> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    const { rows } = await client.query<{
      num: string;
      version: string;
      superuser: boolean;
      unfinished: boolean;
    }>(
      `select current_setting('server_version_num') as num, current_setting('server_version') as version,
              (select rolsuper from pg_roles where rolname = current_user) as superuser,
              to_regclass('public.fleetprompt_transfer') is not null as unfinished`,
    );
    const row = rows[0];
    if (!row) throw new Error('The server did not report its version');
    checkServerVersion(Number(row.num), row.version);
    return { version: row.version, superuser: row.superuser, unfinishedTransfer: row.unfinished };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function checkServerVersion(versionNum: number, version: string): void {
  if (versionNum < MIN_SERVER_VERSION_NUM) throw new DatabaseVersionError(version);
}
