import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TenantManifest } from '../../src-main/db/transfer/tenant-archive.ts';

/*
 * Organization archives edited by hand, for the refusals of a crafted or
 * damaged one: the lines are ungzipped, edited and gzipped again, so each
 * section's sha256 stays valid unless its own lines were edited.
 */

/** A copy of the archive at `from`, beside it, with its lines edited. */
export async function craftedArchive(
  from: string,
  edit: (lines: string[]) => string[],
): Promise<string> {
  const lines = gunzipSync(await readFile(from))
    .toString('utf8')
    .split('\n');
  const file = join(dirname(from), `crafted-${Math.random().toString(36).slice(2)}.fptenant`);
  await writeFile(file, gzipSync(edit(lines).join('\n')));
  return file;
}

/** The manifest an archive's lines hold (its second line). */
export const manifestOf = (lines: string[]) => JSON.parse(lines[1] ?? '') as TenantManifest;

/** The lines with their manifest replaced. */
export const withManifest = (lines: string[], manifest: TenantManifest) => [
  lines[0] ?? '',
  JSON.stringify(manifest),
  ...lines.slice(2),
];
