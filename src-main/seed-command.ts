import { DEMO_ADMIN } from '../seeds/demo-data.ts';
import { DemoSeeder } from '../seeds/demo-seeder.ts';
import { openRuntime, type RuntimeOptions } from './runtime.ts';

/**
 * `npm run seed` and the packaged app's `--seed`: open the database the app
 * would use, load the demo data (idempotent), print what happened, close.
 */
export async function seedCommand(
  options: RuntimeOptions,
  print: (line: string) => void,
): Promise<void> {
  const runtime = await openRuntime(options);
  try {
    const seeder = new DemoSeeder(runtime.passwords);
    await seeder.run(runtime.orm.em.fork());
    for (const line of seeder.report.created) print(`created: ${line}`);
    for (const line of seeder.report.present) print(`already present: ${line}`);
    print(
      seeder.report.created.length === 0
        ? '\nNothing to do: the demo data was already loaded.'
        : '\nSeed data created successfully.',
    );
    print(`\nSign in with:\n  Email:    ${DEMO_ADMIN.email}\n  Password: ${DEMO_ADMIN.password}`);
  } finally {
    await runtime.close();
  }
}
