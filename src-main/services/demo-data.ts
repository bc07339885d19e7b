import type { DemoDataResult } from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import { DEMO_ADMIN } from '../../seeds/demo-data.ts';
import { DemoSeeder } from '../../seeds/demo-seeder.ts';
import { recordAudit } from './audit.ts';
import { isFirstRun } from './auth.ts';
import type { ServiceContext } from './context.ts';
import { isAdmin } from './policy.ts';

let running: Promise<unknown> = Promise.resolve();

/**
 * The demo data of `npm run seed`, loaded by the same seeder, idempotent.
 * Allowed to administrators, and to anyone before the first account exists
 * (the first-run screen offers it instead of creating an administrator).
 * Loads in this process run one after another, so two clicks do not race.
 */
export async function loadDemoData(ctx: ServiceContext): Promise<DemoDataResult> {
  const firstRun = ctx.actor.kind === 'anonymous' && (await isFirstRun(ctx));
  if (!isAdmin(ctx.actor) && !firstRun) {
    throw new AppError(
      'FORBIDDEN',
      ctx.actor.kind === 'anonymous'
        ? 'Demo data can be loaded here only before the first account exists; sign in as an administrator'
        : 'Only administrators can load demo data',
    );
  }
  const load = running.then(async () => {
    const seeder = new DemoSeeder(ctx.passwords);
    await seeder.run(ctx.em.fork());
    await recordAudit(ctx.em.fork(), ctx.actor, {
      action: 'demo.load',
      organizationId: null,
      targetType: 'demo',
      targetId: null,
      changes: { created: { from: null, to: seeder.report.created } },
    });
    return seeder.report;
  });
  running = load.catch(() => undefined);
  const report = await load;
  return {
    created: [...report.created],
    present: [...report.present],
    signInAs: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
  };
}
