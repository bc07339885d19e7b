import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { writeFileWith, type FileTarget } from '../files/file-target.ts';

export const DOWNLOAD_TTL_MS = 5 * 60_000;
const DOWNLOAD_ID = /^[A-Za-z0-9_-]{22}$/;

export interface PendingDownload {
  path: string;
  name: string;
}

export interface Downloads {
  /** What headless windows save into: a file here, offered once at /download/<id>. */
  target: FileTarget;
  /** The download with this id, removed from the offer; null when unknown or expired. */
  take(id: string): PendingDownload | null;
  close(): Promise<void>;
}

/**
 * Files saved in headless mode, for the page to download: a browser
 * navigation cannot carry the token header, so each file gets its own
 * unguessable 128-bit id, served once and forgotten after five minutes.
 */
export async function createDownloads(now: () => number = Date.now): Promise<Downloads> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetprompt-downloads-'));
  const offered = new Map<string, PendingDownload & { expires: number }>();

  const sweep = () => {
    for (const [id, download] of offered) {
      if (download.expires > now()) continue;
      offered.delete(id);
      void rm(download.path, { force: true });
    }
  };

  return {
    target: {
      async save(suggestedName, write) {
        sweep();
        const id = randomBytes(16).toString('base64url');
        const path = join(dir, id);
        const bytes = await writeFileWith(path, write);
        const name = basename(suggestedName);
        offered.set(id, { path, name, expires: now() + DOWNLOAD_TTL_MS });
        return { name, bytes, path: null, downloadUrl: `/download/${id}` };
      },
    },
    take(id) {
      sweep();
      if (!DOWNLOAD_ID.test(id)) return null;
      const download = offered.get(id);
      offered.delete(id);
      return download ? { path: download.path, name: download.name } : null;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
