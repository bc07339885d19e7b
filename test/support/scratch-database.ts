import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function asAdmin(serverUrl: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The scratch databases this process created and has not dropped yet. */
const live = new Set<string>();

export const liveScratchDatabases = (): string[] => [...live];

/** Stops counting a database among this process's scratch databases (it became a template). */
export const forgetScratchDatabase = (url: string): boolean => live.delete(url);

/**
 * A new database on `serverUrl`'s server, empty or a copy of `template`,
 * dropped (with its connections) by drop().
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
  template?: string,
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asAdmin(
    serverUrl,
    template ? `create database ${name} template ${template}` : `create database ${name}`,
    // a test's commits need not survive a crash of the server: not waiting for each
    // WAL flush (3-4 ms per commit on these disks) takes minutes off a whole run
    `alter database ${name} set synchronous_commit = off`,
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  live.add(url.toString());
  return {
    name,
    url: url.toString(),
    drop: async () => {
      live.delete(url.toString());
      await asAdmin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
