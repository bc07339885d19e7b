import { join } from 'node:path';
import type { ParsedInput, SettingsDto } from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import { DatabaseVersionError, maskUrl, probeServer } from '../db/connection.ts';
import { connectionFailureInWords } from './db-errors.ts';
import { keptDailyBackups, readStoredSettings, writeStoredSettings } from '../db/saved-settings.ts';
import { diff, recordAudit } from './audit.ts';
import { acceptUrlFromPage } from './url-from-page.ts';
import type { Work } from './work.ts';

export async function getSettings(w: Work): Promise<SettingsDto> {
  const env = w.runtime.environment;
  const stored = await readStoredSettings(env.dataDir);
  const saved = stored.database;
  const [policy] = await w.em.execute<{ require_admin_second_factor: boolean }[]>(
    'select require_admin_second_factor from public.security_policy',
  );
  return {
    database:
      saved?.mode === 'url'
        ? { mode: 'url', url: maskUrl(saved.url) }
        : { mode: 'embedded', url: null },
    databaseSource: env.databaseSource,
    superuser: env.superuser,
    dataDir: env.dataDir,
    appVersion: env.appVersion,
    startupBackup: env.startupBackup,
    requireAdminSecondFactor: policy?.require_admin_second_factor === true,
    dailyBackupsKept: keptDailyBackups(stored),
  };
}

/**
 * Settings → "Require two-step sign-in for administrators", for every
 * console on the database: administrators without it are taken to set it
 * up before anything else (admission.ts). Turning it off needs step-up.
 */
export async function requireSecondFactor(
  w: Work,
  input: ParsedInput<'settings.requireSecondFactor'>,
): Promise<SettingsDto> {
  await w.em.execute('insert into public.security_policy default values on conflict do nothing');
  const [old] = await w.em.execute<{ require_admin_second_factor: boolean }[]>(
    'select require_admin_second_factor from public.security_policy for update',
  );
  const from = old?.require_admin_second_factor === true;
  if (from !== input.required) {
    await w.em.execute('update public.security_policy set require_admin_second_factor = ?', [
      input.required,
    ]);
    await recordAudit(w.em, w.actor, {
      action: 'settings.requireSecondFactor',
      organizationId: null,
      targetType: 'policy',
      targetId: 'requireAdminSecondFactor',
      changes: { requireAdminSecondFactor: { from, to: input.required } },
    });
  }
  return getSettings(w);
}

/** Connects, checks the version, and says what it found; nothing is saved. */
export async function testDatabase(
  _w: Work,
  input: ParsedInput<'settings.testDatabase'>,
): Promise<{ version: string }> {
  acceptUrlFromPage(input.url);
  try {
    return { version: (await probeServer(input.url, 5_000)).version };
  } catch (error) {
    if (error instanceof DatabaseVersionError)
      throw new AppError('VALIDATION', error.message, { url: error.message });
    throw new AppError(
      'VALIDATION',
      `Could not connect: ${connectionFailureInWords(error, input.url)}`,
      { url: 'could not connect' },
    );
  }
}

/**
 * Tests a URL before saving it; the choice takes effect at the next start.
 * The URL is saved whole, password included: the console must connect with
 * it at its next start. It stays in the data directory's settings.json
 * (mode 0600, like the embedded server's own password), and is masked
 * wherever it is shown.
 */
export async function saveDatabase(
  w: Work,
  input: ParsedInput<'settings.saveDatabase'>,
): Promise<SettingsDto> {
  const dataDir = w.runtime.environment.dataDir;
  const settings = await readStoredSettings(dataDir);
  const shown = (saved: typeof settings.database) =>
    saved?.mode === 'url' ? maskUrl(saved.url) : 'embedded';
  const chosen =
    input.mode === 'url' ? { mode: 'url' as const, url: input.url } : { mode: 'embedded' as const };
  w.audit({
    targetId: shown(chosen),
    changes: diff({ database: shown(settings.database) }, { database: shown(chosen) }),
  });
  if (input.mode === 'url') await testDatabase(w, { url: input.url });
  settings.database = chosen;
  await writeStoredSettings(dataDir, settings);
  return getSettings(w);
}

/**
 * How many daily backups to keep; the scheduler reads it at its next backup,
 * which removes the oldest past the new number.
 */
export async function saveBackups(
  w: Work,
  input: ParsedInput<'settings.saveBackups'>,
): Promise<SettingsDto> {
  const dataDir = w.runtime.environment.dataDir;
  const settings = await readStoredSettings(dataDir);
  w.audit({
    targetId: join(dataDir, 'backups'),
    changes: diff({ keep: keptDailyBackups(settings) }, { keep: input.keep }),
  });
  settings.backups = { ...settings.backups, keep: input.keep };
  await writeStoredSettings(dataDir, settings);
  return getSettings(w);
}
