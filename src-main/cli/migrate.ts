import { openRuntime } from '../runtime.ts';
import { runCli } from './run-cli.ts';

await runCli(async () => {
  let last = -1;
  const runtime = await openRuntime({
    onProgress: ({ done, total }) => {
      const percent = Math.floor((done / total) * 100);
      if (percent !== last || done === total) console.log(`tenants migrated: ${done}/${total}`);
      last = percent;
    },
  });
  try {
    if (runtime.backup)
      console.log(`backed up the database before migrating it: ${runtime.backup}`);
    const { total, migrated, failed } = runtime.startup;
    console.log(
      `public schema up to date; ${total === 0 ? 'every tenant was already up to date' : `${migrated}/${total} tenants migrated`}`,
    );
    if (failed.length > 0) {
      console.log(`\n${failed.length} tenant(s) failed:`);
      for (const f of failed) console.log(`  ${f.schema}: ${f.message}`);
      return 1;
    }
    return 0;
  } finally {
    await runtime.close();
  }
});
