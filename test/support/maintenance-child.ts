import { holdMaintenance } from '../../src-main/db/maintenance.ts';
import { openOrm } from '../../src-main/db/orm.ts';

/*
 * A process that puts one organization in an operation's maintenance and
 * then waits to be killed: argv is the database URL and the organization id.
 */
const [url, organizationId] = process.argv.slice(2);
const orm = await openOrm(url!);
const hold = await holdMaintenance(orm.em, 'being imported', 'organizations.setMaintenance');
await hold.claim('id', [organizationId!]);
process.stdout.write('held\n');
setInterval(() => undefined, 60_000);
