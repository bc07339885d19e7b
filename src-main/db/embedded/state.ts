import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a process needs to reach the embedded server, kept in the data
 * directory (mode 0600): the cluster's id and place, and its passwords.
 */
export interface EmbeddedState {
  /** The id written in the cluster too (identity.ts); absent in states from before ids. */
  clusterId?: string;
  clusterDir: string;
  port: number;
  /** The bootstrap superuser's password. */
  password: string;
  /** pid of the process that started the running server; absent when none is running. */
  ownerPid?: number;
  /** The app's own role: owns its database, nothing more. */
  appPassword?: string;
  appDatabase?: string;
}

export const STATE_FILE = 'embedded-postgres.json';

export async function readState(home: string): Promise<EmbeddedState | null> {
  try {
    return JSON.parse(await readFile(join(home, STATE_FILE), 'utf8')) as EmbeddedState;
  } catch {
    return null;
  }
}

export async function writeState(home: string, state: EmbeddedState): Promise<void> {
  await writeFile(join(home, STATE_FILE), JSON.stringify(state, null, 2), { mode: 0o600 });
}

/** The cluster id a data directory names, or null when it names none (gone, never made, from before ids). */
export async function clusterIdOf(home: string): Promise<string | null> {
  return (await readState(home))?.clusterId ?? null;
}
