import { DEMO_ADMIN } from '../../seeds/demo-data.ts';
import { openRuntime, type RuntimeOptions } from '../runtime.ts';
import { seedDemoData } from '../services/demo-data.ts';

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
    const report = await seedDemoData(runtime.orm.em, runtime.router.system);
    for (const line of report.created) print(`created: ${line}`);
    for (const line of report.present) print(`already present: ${line}`);
    print(
      report.created.length === 0
        ? '\nNothing to do: the demo data was already loaded.'
        : '\nSeed data created successfully.',
    );
    print(
      `\nSign in with:\n  Email:    ${DEMO_ADMIN.email}\n  Password: ${DEMO_ADMIN.password}\n` +
        'This password is published: the console asks for a new one at the first sign-in.',
    );
  } finally {
    await runtime.close();
  }
}
