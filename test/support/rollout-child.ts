import { Migration } from '@mikro-orm/migrations';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { runWaves } from '../../src-main/db/rollout.ts';
import { openOrm } from '../../src-main/db/orm.ts';

/*
 * A rollout in waves of a slow release (a quarter second per tenant), in a
 * process of its own for a test to kill: argv is the database URL.
 */
export class SlowProbe extends Migration {
  override name = 'Migration29991231000997_slow_probe';
  override up(): void {
    this.addSql('create table slow_probe (id integer)');
    this.addSql('select pg_sleep(0.25)');
  }
  override down(): void {
    this.addSql('drop table slow_probe');
  }
}

if (process.argv[2]) {
  const orm = await openOrm(process.argv[2]);
  process.stdout.write('started\n');
  await runWaves(orm.em, 2, { migrations: [...TENANT_MIGRATIONS, SlowProbe] });
  process.stdout.write('finished\n');
  await orm.close(true);
}
