import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { reachableBinaries, shippedBinaries } from './binaries.ts';
import { bootstrapAppRole } from './bootstrap.ts';
import { initialise } from './create.ts';
import { serverUser } from './process.ts';
import { freePort, halt, launchServer } from './server.ts';
import {
  prepareTemplatesRoot,
  publishTemplate,
  readTemplate,
  templatePlace,
  templatesRoot,
} from './template.ts';
import type { EmbeddedLog, EmbeddedOptions } from './types.ts';
import { SUPERUSER, urlOf } from './urls.ts';

/**
 * Makes the prepared empty cluster new data directories start from (see
 * template.ts): initdb, the app's role and database, a clean shutdown, then
 * published at once. Does nothing when one is there.
 */
export async function prepareClusterTemplate(
  log: EmbeddedLog = () => undefined,
  options: EmbeddedOptions = {},
): Promise<'made' | 'present'> {
  const binaries = await reachableBinaries(
    options.binaries ?? (await shippedBinaries()),
    options.runtimeRoot,
  );
  const root = options.templates ?? templatesRoot();
  const place = templatePlace(root, binaries.major);
  if (await readTemplate(place, binaries)) return 'present';
  await prepareTemplatesRoot(root);
  const as = await serverUser();
  const madeIn = `${place.dir}.making-${randomBytes(6).toString('hex')}`;
  await rm(madeIn, { recursive: true, force: true });
  const superuserPassword = randomBytes(18).toString('base64url');
  try {
    log(`preparing an empty PostgreSQL ${binaries.major} cluster in ${place.dir}`);
    await initialise(binaries, madeIn, superuserPassword, as);
    const launch = { binaries, clusterDir: madeIn, port: await freePort(), as };
    const running = await launchServer(launch);
    try {
      await bootstrapAppRole(urlOf(SUPERUSER, superuserPassword, launch.port, 'postgres'), {}, log);
    } finally {
      await halt(running);
    }
    const published = await publishTemplate(place, madeIn, { superuserPassword }, as);
    return published ? 'made' : 'present';
  } catch (error) {
    await rm(madeIn, { recursive: true, force: true });
    throw error;
  }
}
