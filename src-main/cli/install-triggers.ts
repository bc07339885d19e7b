import { parseArgs } from 'node:util';
import { installStructureMarks } from '../db/structure/marks.ts';
import { runCli } from './run-cli.ts';

/*
 * `npm run db:install-triggers -- URL`: installs the drift check's event
 * triggers (src-main/db/structure/marks.ts) in the console's database, as
 * the superuser URL names, for a server where the console's own role is
 * not one: only a superuser may make event triggers. Without them every
 * check reads every tenant schema (seconds at 10,000 tenants). Safe to run
 * again; the consoles need no restart. A password in URL shows in the
 * process list: PGPASSWORD or ~/.pgpass keep it out (the driver reads both).
 */

const USAGE =
  'usage: npm run db:install-triggers -- URL (a superuser, connected to the console’s database; ' +
  'leave the password out of URL and set PGPASSWORD to keep it out of the process list)';

await runCli(async () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  const [url] = positionals;
  if (url === undefined || positionals.length > 1) throw new Error(USAGE);
  const { database } = await installStructureMarks(url);
  console.log(
    `structure triggers in place in ${database}: a console's drift check now reads again only the schemas DDL changed`,
  );
  return 0;
});
