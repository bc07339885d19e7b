import { openDatabaseTarget, type DatabaseTarget } from '../db/connection.ts';
import { prepareDataDir, resolveDataDir } from '../db/data-dir.ts';

/** The database the console uses (DATABASE_URL, the saved connection, or the embedded server). */
export async function currentDatabase(
  env: NodeJS.ProcessEnv = process.env,
): Promise<DatabaseTarget & { dataDir: string }> {
  const dataDir = resolveDataDir(env);
  await prepareDataDir(dataDir);
  return { ...(await openDatabaseTarget({ dataDir, env })), dataDir };
}
