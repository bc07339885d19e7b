import pg from 'pg';

/** The bootstrap superuser: it makes the app's role and database, nothing else uses it. */
export const SUPERUSER = 'postgres';
/** The app's own role: owns its database, nothing more. */
export const APP_ROLE = 'fleetprompt';
export const APP_DATABASE = 'fleetprompt';

/** The embedded server listens on loopback only. */
export const urlOf = (user: string, password: string, port: number, database: string) =>
  `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** Whether a server takes a connection and a query at `url` (within 2 s to connect). */
export async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
