import { DEMO_ADMIN } from '../../seeds/demo-data.ts';
import { DemoSeeder } from '../../seeds/demo-seeder.ts';
import { openRuntime } from '../runtime.ts';
import { runCli } from './run-cli.ts';

await runCli(async () => {
  const runtime = await openRuntime({ echo: false });
  try {
    const seeder = new DemoSeeder(runtime.passwords);
    await seeder.run(runtime.orm.em.fork());
    for (const line of seeder.report.created) console.log(`created: ${line}`);
    for (const line of seeder.report.present) console.log(`already present: ${line}`);
    console.log(
      seeder.report.created.length === 0
        ? '\nNothing to do: the demo data was already loaded.'
        : '\nSeed data created successfully.',
    );
    console.log(
      `\nSign in with:\n  Email:    ${DEMO_ADMIN.email}\n  Password: ${DEMO_ADMIN.password}`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
});
