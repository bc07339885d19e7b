import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseSettingsDto, ParsedInput, SettingsDto } from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import { checkServerVersion, DatabaseVersionError } from '../db/connection.ts';
import type { ServiceContext } from './context.ts';
import { requireAdmin } from './policy.ts';

/** What the running process knows about itself, for the Settings screen. */
export interface Environment {
  dataDir: string;
  appVersion: string;
  /** Where the database in use came from. */
  databaseSource: 'DATABASE_URL' | 'settings' | 'embedded';
}

interface StoredSettings {
  database?: { mode: 'embedded' } | { mode: 'url'; url: string };
}

const FILE = 'settings.json';

export async function readStoredSettings(dataDir: string): Promise<StoredSettings> {
  try {
    return JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as StoredSettings;
  } catch {
    return {};
  }
}

async function writeStoredSettings(dataDir: string, settings: StoredSettings): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const temporary = join(dataDir, `${FILE}.tmp`);
  await writeFile(temporary, JSON.stringify(settings, null, 2), { mode: 0o600 });
  await rename(temporary, join(dataDir, FILE));
}

/** The URL with its password replaced, so that it is never shown back in full. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '••••••';
    return parsed.toString();
  } catch {
    return '(not a valid URL)';
  }
}

function databaseDto(settings: StoredSettings): DatabaseSettingsDto {
  const db = settings.database;
  return db?.mode === 'url'
    ? { mode: 'url', url: maskUrl(db.url) }
    : { mode: 'embedded', url: null };
}

export async function getSettings(ctx: ServiceContext, env: Environment): Promise<SettingsDto> {
  requireAdmin(ctx.actor);
  return {
    database: databaseDto(await readStoredSettings(env.dataDir)),
    databaseSource: env.databaseSource,
    dataDir: env.dataDir,
    appVersion: env.appVersion,
  };
}

/** Connects, checks the version, and says what it found; nothing is saved. */
export async function testDatabase(
  ctx: ServiceContext,
  input: ParsedInput<'settings.testDatabase'>,
): Promise<{ version: string }> {
  requireAdmin(ctx.actor);
  const client = new pg.Client({ connectionString: input.url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ num: string; version: string }>(
      "select current_setting('server_version_num') as num, current_setting('server_version') as version",
    );
    const row = rows[0];
    if (!row) throw new Error('no version reported');
    checkServerVersion(Number(row.num), row.version);
    return { version: row.version };
  } catch (error) {
    if (error instanceof DatabaseVersionError)
      throw new AppError('VALIDATION', error.message, { url: error.message });
    const reason =
      error instanceof Error
        ? error.message.replace(input.url, maskUrl(input.url))
        : 'unknown error';
    throw new AppError('VALIDATION', `Could not connect: ${reason}`, { url: 'could not connect' });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Tests a URL before saving it; the choice takes effect at the next start. */
export async function saveDatabase(
  ctx: ServiceContext,
  env: Environment,
  input: ParsedInput<'settings.saveDatabase'>,
): Promise<SettingsDto> {
  requireAdmin(ctx.actor);
  if (input.mode === 'url') await testDatabase(ctx, { url: input.url });
  const settings = await readStoredSettings(env.dataDir);
  settings.database = input.mode === 'url' ? { mode: 'url', url: input.url } : { mode: 'embedded' };
  await writeStoredSettings(env.dataDir, settings);
  return getSettings(ctx, env);
}
