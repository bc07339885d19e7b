import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readState } from '../../src-main/db/embedded/state.ts';

/**
 * Removes a data directory with its embedded cluster, also when the cluster
 * lives outside it (root's, when the postgres user cannot enter the folder),
 * so that a test leaves no orphan behind.
 */
export async function removeDataDir(home: string): Promise<void> {
  const clusterDir = (await readState(home))?.clusterDir;
  if (clusterDir && !clusterDir.startsWith(join(home, '/')))
    await rm(clusterDir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
}
