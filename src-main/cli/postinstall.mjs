// npm's postinstall: prepares the embedded PostgreSQL's empty cluster once
// per machine user, so that a first start copies it instead of running
// initdb (src-main/db/embedded/template.ts), and compiles the console's
// modules into Node's on-disk cache (headless.ts). Plain JavaScript, so
// that any Node runs it; it never fails the install.

import { flushCompileCache } from 'node:module';

const skip = (why) => {
  console.log(`fleetprompt: ${why}; a first start will run initdb instead`);
  process.exit(0);
};

if (!process.features.typescript)
  skip('this Node cannot run the console (it needs 22.18 or newer)');
setTimeout(() => skip('preparing the embedded database took over two minutes'), 120_000).unref();
// importing the console's modules runs nothing: it only compiles them, and the cache keeps that
const { useCompileCache } = await import('./compile-cache.ts');
useCompileCache();
await import('./headless-console.ts').catch(() => undefined);
flushCompileCache();
try {
  const { prepareClusterTemplate } = await import('../db/embedded/prepare-template.ts');
  const outcome = await prepareClusterTemplate();
  console.log(
    outcome === 'made'
      ? 'fleetprompt: prepared the embedded database for first starts'
      : 'fleetprompt: the embedded database is prepared for first starts',
  );
} catch (error) {
  skip(
    `the embedded database could not be prepared (${error instanceof Error ? error.message : error})`,
  );
}
