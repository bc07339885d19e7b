import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Migration } from '@mikro-orm/migrations';
import pg from 'pg';
import type { Tier } from '../src-shared/domain/tiers.ts';
import { TENANT_MIGRATIONS } from '../migrations/tenant/index.ts';
import { listenForChanges } from '../src-main/db/change-listener.ts';
import { openDatabaseTarget, probeServer } from '../src-main/db/connection.ts';
import { migrateAllTenants, migratePublic, tenantsBehind } from '../src-main/db/fan-out.ts';
import {
  backupDatabase,
  moveDatabase,
  restoreArchive,
} from '../src-main/db/transfer/operations.ts';
import { exportTenant } from '../src-main/db/transfer/tenant-export.ts';
import { importTenant } from '../src-main/db/transfer/tenant-import.ts';
import { Agent, Organization } from '../src-main/db/entities/index.ts';
import { quoteIdent, quoteLiteral } from '../src-main/db/identifiers.ts';
import { openOrm } from '../src-main/db/orm.ts';
import { catalogHealth } from '../src-main/db/structure/catalog-health.ts';
import { findDrift } from '../src-main/db/structure/check.ts';
import { organizationRow, tenantEm } from '../src-main/db/tenancy.ts';
import { sessionUser } from '../src-main/identity/signed-in.ts';
import { findRows } from '../src-main/services/paging.ts';
import {
  migratedSchemaStatements,
  TENANT_LEDGER_TABLE,
  tenantMigrationScripts,
} from '../src-main/db/tenant-migrator.ts';
import { createRouter, type Router } from '../src-main/ipc/router.ts';
import type { SessionSlot } from '../src-main/ipc/session-slot.ts';
import { SignedInCache } from '../src-main/identity/signed-in-cache.ts';
import { createPasswordHasher } from '../src-main/services/password-hasher.ts';
import { insertUser } from '../src-main/services/users.ts';
import { APP_VERSION } from '../src-main/version.ts';
import { chromiumLaunchOptions } from '../test/e2e/chromium.ts';
import { startConsoleServer } from '../test/e2e/console-server.ts';
import { curveSvg, type CurveSeries } from './curve-svg.ts';

/*
 * `npm run bench [--tenants N] [--quick] [--curve] [--cases B12,B13,…] [--out FILE]`:
 * each case against raw SQL through pg on the same server in the same run, in
 * a throwaway database. Prints a table and writes bench/results.json or
 * --out (`--curve`: see drawCurve). `--cases` runs only the cases named (see
 * CASE_NAMES) after the setup every case shares: the signed-in administrator
 * and the fleet of --tenants tenants; the goals table then holds only the
 * goals whose figures ran.
 */

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    tenants: { type: 'string' },
    quick: { type: 'boolean' },
    curve: { type: 'boolean' },
    // one point of the curve: the cases it draws only, written to --out
    'curve-point': { type: 'boolean' },
    out: { type: 'string' },
    cases: { type: 'string' },
  },
});
const quick = values.quick ?? false;
/** Every case `--cases` may name, in the order a full run takes them. */
const CASE_NAMES = [
  'B1',
  'B2',
  'B2s',
  'C1',
  'C2',
  'C3',
  'B13',
  'B3',
  'B4',
  'B8',
  'B8s',
  'B9',
  'B14',
  'B11',
  'B5',
  'B7',
  'B12',
  'B10',
  'B6',
] as const;
type CaseName = (typeof CASE_NAMES)[number];
/** What a point of the curve runs: B1-B4 and B6, with the catalog cases between them. */
const CURVE_POINT_CASES: readonly CaseName[] = [
  'B1',
  'B2',
  'B2s',
  'C1',
  'C2',
  'C3',
  'B13',
  'B3',
  'B4',
  'B6',
];
const chosen = chosenCases(values.cases, values['curve-point'] ?? false);
if (values.curve && values.cases !== undefined) refuse('--cases cannot be combined with --curve');
if (values.curve) {
  await drawCurve(quick);
  process.exit(0);
}
const runs = (name: CaseName) => chosen.has(name);
const resultsFile = values.out ?? join(projectRoot, 'bench', 'results.json');
const tenants = Number(values.tenants ?? (quick ? 60 : 1000));
const samples = (n: number) => (quick ? Math.max(5, Math.ceil(n / 4)) : n);

interface Figure {
  name: string;
  unit: string;
  p50: number;
  p95: number;
  n: number;
  raw?: { p50: number; p95: number; n: number };
  ratio?: number;
  note?: string;
  /** Where a call's time goes: each phase alone (p50, ms). */
  phases?: Record<string, number>;
}
const figures: Figure[] = [];

function refuse(message: string): never {
  console.error(`npm run bench: ${message}`);
  process.exit(2);
}

/** The cases `--cases` names (any case of letters), refused before anything is created when one is unknown. */
function chosenCases(list: string | undefined, curvePoint: boolean): ReadonlySet<CaseName> {
  if (list === undefined) return new Set(curvePoint ? CURVE_POINT_CASES : CASE_NAMES);
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const found = names.map((name) => CASE_NAMES.find((c) => c.toLowerCase() === name.toLowerCase()));
  const unknown = names.filter((_, i) => found[i] === undefined);
  if (unknown.length > 0)
    refuse(`unknown case ${unknown.join(', ')}; the cases are ${CASE_NAMES.join(', ')}`);
  if (names.length === 0) refuse(`--cases needs at least one of ${CASE_NAMES.join(', ')}`);
  return new Set(found.filter((name) => name !== undefined));
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), n: sorted.length };
}

interface Warmup {
  runs: number;
  ms: number;
}
/** Untimed runs before a case's timed ones: at least this many, for at least this long. */
const WARMUP: Warmup = { runs: 20, ms: 300 };

/**
 * `count` timed runs after a warm-up, ours and raw alike: the console is a
 * long-lived process, so its steady state is what is measured, not V8
 * compiling a path on its first calls (a list call needs some hundred runs).
 */
async function timed(
  work: (i: number) => Promise<unknown>,
  count: number,
  warmup: Warmup = WARMUP,
): Promise<number[]> {
  const began = performance.now();
  for (let i = 0; i < warmup.runs || performance.now() - began < warmup.ms; i++) await work(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await work(i);
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * Ours and raw timed in turn, one of each per round, after both have warmed
 * up: a read of a few milliseconds is at the mercy of whatever else the two
 * cores do (autovacuum after the bench's bulk inserts, the other process),
 * and alternating gives both sides the same share of it instead of handing
 * a burst to whichever side was being timed. These cases cost milliseconds,
 * so the quick run takes every sample too.
 */
async function timedPair(
  ours: () => Promise<unknown>,
  raw: () => Promise<unknown>,
  count: number,
): Promise<[number[], number[]]> {
  await timed(
    async () => {
      await ours();
      await raw();
    },
    0,
    { ...WARMUP, ms: 2 * WARMUP.ms },
  );
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < count; i++) {
    for (const [side, work] of [ours, raw].entries()) {
      const start = performance.now();
      await work();
      times[side]?.push(performance.now() - start);
    }
  }
  return times;
}

function record(name: string, unit: string, ours: number[], raw?: number[], note?: string) {
  const o = stats(ours);
  const figure: Figure = { name, unit, ...o, ...(note ? { note } : {}) };
  if (raw) {
    figure.raw = stats(raw);
    figure.ratio = figure.raw.p50 > 0 ? o.p50 / figure.raw.p50 : 0;
  }
  figures.push(figure);
  const ratio =
    figure.ratio && figure.raw
      ? `  ${figure.ratio.toFixed(2)}x raw (raw p50 ${figure.raw.p50.toFixed(2)})`
      : '';
  console.log(
    `${name.padEnd(44)} p50 ${o.p50.toFixed(2)} ${unit}  p95 ${o.p95.toFixed(2)} ${unit}  n=${o.n}${ratio}${note ? `  ${note}` : ''}`,
  );
}

/**
 * Times each phase of the last recorded call on its own and prints them with
 * what is left over (validation, policy, the layers between, DTOs).
 */
async function phases(parts: Record<string, () => Promise<unknown>>, n: number) {
  const figure = figures.at(-1);
  if (!figure) return;
  const found: Record<string, number> = {};
  for (const [name, work] of Object.entries(parts)) found[name] = stats(await timed(work, n)).p50;
  const measured = Object.entries(found)
    .filter(([name]) => !name.startsWith('('))
    .reduce((sum, [, ms]) => sum + ms, 0);
  found.rest = figure.p50 - measured;
  figure.phases = found;
  console.log(
    `  phases, p50 ms: ${Object.entries(found)
      .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
      .join(', ')}`,
  );
}

const home = await mkdtemp(join(tmpdir(), 'fleetprompt-bench-'));
await chmod(home, 0o755);
const target = await openDatabaseTarget({ dataDir: home });
const { version } = await probeServer(target.url);
const dbName = `fp_bench_${Date.now().toString(36)}`;
// a database of its own: created with the embedded server's superuser when there is one
const admin = new pg.Client({ connectionString: target.adminUrl ?? target.url });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = new URL(target.adminUrl ?? target.url);
url.pathname = `/${dbName}`;
const dbUrl = url.toString();
const raw = new pg.Pool({ connectionString: dbUrl, max: 4 });
const orm = await openOrm(dbUrl);
const passwords = createPasswordHasher();
// wired as the runtime wires it: who is signed in is known while changes are heard
const signedIn = new SignedInCache();
const changes = listenForChanges(dbUrl, {
  onChange: () => undefined,
  onReconnect: () => undefined,
  ...signedIn.listening,
  log: (message) => console.log(message),
});
await signedIn.heard();
const router: Router = createRouter({
  em: orm.em,
  passwords,
  logError: (m, e) => console.error(m, e),
  environment: {
    dataDir: home,
    appVersion: APP_VERSION,
    databaseSource: target.source,
    databaseUrl: dbUrl,
    superuser: true,
    startupBackup: null,
  },
  signedIn,
});
const createOrganization = (input: { name: string; slug: string; tier: Tier }) =>
  router.system('organizations.create', input);

async function call(slot: SessionSlot, channel: string, input: unknown) {
  const result = await router.dispatch(slot, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
  return result.data;
}

try {
  console.log(
    `FleetPrompt bench: ${tenants} tenants${quick ? ' (quick)' : ''}, PostgreSQL ${version}, ${cpus().length} cores\n`,
  );
  await migratePublic(orm);
  const home0 = await createOrganization({
    name: 'Bench Admin',
    slug: 'bench-admin',
    tier: 'enterprise',
  });
  const adminUser = await orm.em.fork().transactional((tx) =>
    insertUser(tx, passwords, {
      organizationId: home0.id,
      email: 'bench@bench.test',
      name: 'Bench',
      role: 'admin',
      password: 'bench-password',
      confirmed: true,
    }),
  );
  const slot: SessionSlot = {
    sessionId: await orm.em
      .fork()
      .transactional((tx) => router.sessions.open(tx, adminUser.id, 'headless')),
  };

  // B1: one organization, row + schema + tenant migrations, in one transaction
  if (runs('B1')) {
    const b1 = await timed(
      (i) =>
        call(slot, 'organizations.create', {
          name: `B1 ${i}`,
          slug: `b1-${i < 0 ? `w${-i}` : i}`,
          tier: 'free',
        }),
      samples(40),
      { runs: 20, ms: 0 },
    );
    // the raw twin runs the tenant migrations' own SQL, one statement at a time
    const tenantSql = (await tenantMigrationScripts(orm.em)).flatMap((script) => script.sql);
    const ddl = (schema: string) => [
      `create schema "${schema}"`,
      `set local search_path to "${schema}"`,
      'create table mikro_orm_migrations (id serial primary key, name varchar(255) not null, executed_at timestamptz(6) not null default current_timestamp(6))',
      ...tenantSql,
      ...TENANT_MIGRATIONS.map(
        (m) => `insert into mikro_orm_migrations (name) values ('${m.name}')`,
      ),
    ];
    const b1raw = await timed(async (i) => {
      const client = await raw.connect();
      try {
        const slug = `r1-${i < 0 ? `w${-i}` : i}`;
        await client.query('begin');
        await client.query(
          "insert into organizations (name, slug, tier, monthly_token_limit, agent_limit, workflow_limit, tenant_schema_version) values ($1, $2, 'free', 100000, 3, 0, $3)",
          [`R1 ${i}`, slug, TENANT_MIGRATIONS.length],
        );
        for (const sql of ddl(`org_${slug}`)) await client.query(sql);
        await client.query('commit');
      } finally {
        client.release();
      }
    }, samples(40));
    record('B1 provisioning (organizations.create)', 'ms', b1, b1raw);
  }

  // tenants for the fan-out, start-up and organizations page cases
  const created = performance.now();
  for (let i = 0; i < tenants; i++) {
    await createOrganization({
      name: `Tenant ${String(i).padStart(5, '0')}`,
      slug: `t-${i}`,
      tier: 'pro',
    });
  }
  await raw.query('analyze');
  console.log(
    `(created ${tenants} tenants in ${((performance.now() - created) / 1000).toFixed(1)} s, then ANALYZE)`,
  );
  const allTenants = Number(
    (await raw.query<{ n: string }>('select count(*) as n from organizations')).rows[0]?.n,
  );

  // B2: one new tenant migration to every schema, the fan-out against serial
  const column = (name: string) =>
    class extends Migration {
      override name = `Migration29990101${name}`;
      override up(): void {
        this.addSql(`alter table agents add column ${name} text`);
      }
    };
  let release = [...TENANT_MIGRATIONS];
  const nextRelease = () => {
    release = [...release, column(`bench_${release.length}`)];
    return release;
  };
  const pass = async () => {
    const migrations = nextRelease();
    const start = performance.now();
    const result = await migrateAllTenants(orm.em, { migrations });
    if (result.failed.length > 0) throw new Error(`B2: ${result.failed.length} tenants failed`);
    return { seconds: (performance.now() - start) / 1000, tenants: result.total };
  };
  /*
   * Serial, as the issue measured it before this round: one tenant after
   * another, each in a transaction of its own that waits for its commit to
   * be flushed, its row locked, the migration, its ledger row and its level
   * sent as one round trip. The fan-out differs only in what it was built
   * for: tenants batched per transaction, commits not waited for, workers
   * in parallel.
   */
  const serialPass = async () => {
    const migrations = nextRelease();
    const latest = migrations.length;
    const newest = (await tenantMigrationScripts(orm.em, migrations)).at(-1);
    if (!newest) throw new Error('B2: no migration');
    const behind = await raw.query<{ slug: string }>(
      'select slug from organizations where tenant_schema_version < $1 order by slug',
      [latest],
    );
    const client = await raw.connect();
    const start = performance.now();
    try {
      for (const { slug } of behind.rows) {
        const literal = quoteLiteral(slug);
        await client.query(
          [
            'begin',
            `select 1 from public.organizations where slug = ${literal} for update`,
            `set local search_path to ${quoteIdent(`org_${slug}`)}`,
            ...newest.sql,
            `insert into public.${TENANT_LEDGER_TABLE} (tenant_slug, name) values (${literal}, ${quoteLiteral(newest.name)})`,
            `update public.organizations set tenant_schema_version = ${latest} where slug = ${literal}`,
            'commit',
          ].join(';\n'),
        );
      }
    } finally {
      client.release();
    }
    return (performance.now() - start) / 1000;
  };
  if (runs('B2')) {
    // the warm-up reads every tenant's catalog entries once, so neither side pays that alone
    await pass();
    const fanRuns: number[] = [];
    const serialRuns: number[] = [];
    let migrated = 0;
    // a quick run's pass lasts 20-40 ms, as long as a hiccup of the machine: nine pairs, and the median
    for (let i = 0; i < (quick ? 9 : 3); i++) {
      serialRuns.push(await serialPass());
      const fan = await pass();
      fanRuns.push(fan.seconds);
      migrated = fan.tenants;
    }
    const perSecond = (runs: number[]) => (migrated / stats(runs).p50).toFixed(0);
    record(
      'B2 fan-out of one migration',
      's',
      fanRuns,
      serialRuns,
      `${migrated} tenants, ${perSecond(fanRuns)} tenants/s vs ${perSecond(serialRuns)} serial`,
    );
  }

  // B2s: start-up check with nothing pending
  if (runs('B2s')) {
    const b2s = await timed(() => tenantsBehind(orm.em, release.length), samples(30));
    record(
      'B2s start-up check, nothing pending',
      'ms',
      b2s,
      undefined,
      `${allTenants} organizations`,
    );
  }

  // C: what the tenant schemas cost the catalog, read through raw SQL
  if (runs('C1')) {
    const [catalog] = (
      await raw.query<{
        schemas: string;
        relations: string;
        tenant_relations: string;
        pg_class: string;
        pg_attribute: string;
        pg_depend: string;
      }>(
        `select (select count(*) from pg_namespace where nspname like 'org\\_%') as schemas,
              (select count(*) from pg_class) as relations,
              (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname like 'org\\_%') as tenant_relations,
              pg_total_relation_size('pg_catalog.pg_class') as pg_class,
              pg_total_relation_size('pg_catalog.pg_attribute') as pg_attribute,
              pg_total_relation_size('pg_catalog.pg_depend') as pg_depend`,
      )
    ).rows;
    const megabytes = (bytes: string | undefined) => `${(Number(bytes) / 2 ** 20).toFixed(0)} MB`;
    record(
      'C1 catalog lookup of one tenant table (pg_class, indexed)',
      'ms',
      await timed(
        () =>
          raw.query(
            "select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'org_t-1' and c.relname = 'agents'",
          ),
        samples(30),
      ),
      undefined,
      `${catalog?.schemas} tenant schemas, ${catalog?.tenant_relations} of ${catalog?.relations} pg_class rows; ` +
        `pg_class ${megabytes(catalog?.pg_class)}, pg_attribute ${megabytes(catalog?.pg_attribute)}, pg_depend ${megabytes(catalog?.pg_depend)}`,
    );
  }
  if (runs('C2'))
    record(
      'C2 information_schema lookup of one tenant table',
      'ms',
      await timed(
        () =>
          raw.query(
            "select 1 from information_schema.tables where table_schema = 'org_t-1' and table_name = 'agents'",
          ),
        samples(30),
      ),
    );
  if (runs('C3'))
    record(
      'C3 count every tenant table (catalog scan)',
      'ms',
      await timed(
        () => raw.query("select count(*) from pg_tables where schemaname like 'org\\_%'"),
        samples(10),
      ),
    );

  // B13: every tenant schema against its level, and the catalog figures beside it
  if (runs('B13')) {
    const cold = performance.now();
    await findDrift(orm.em, { migrations: release });
    const coldMs = performance.now() - cold;
    const b13 = await timed(async () => {
      const found = await findDrift(orm.em, { migrations: release });
      if (found.drifted.length > 0) throw new Error(`B13: ${found.drifted.length} drifts found`);
    }, samples(10));
    const health = await catalogHealth(orm.em);
    const [largest] = health.largestTenants;
    record(
      'B13 drift check (every tenant schema)',
      'ms',
      b13,
      undefined,
      `${allTenants} tenants; first check in the process (expected structure probed) ${coldMs.toFixed(0)} ms; ` +
        `catalog: ${health.relations.tenant} of ${health.relations.total} pg_class rows in tenant schemas ` +
        `(${(health.relations.share * 100).toFixed(0)} %), ${(health.catalogBytes / 2 ** 20).toFixed(0)} MB; ` +
        `a whole-fleet transaction needs ${health.locks.fleetNeeds} locks of ${health.locks.capacity}; ` +
        `largest tenant ${largest?.slug ?? '-'} ${((largest?.bytes ?? 0) / 2 ** 20).toFixed(1)} MB`,
    );
  }

  // B3: agents page, 50 of 10,000 agents in one tenant
  if (runs('B3')) {
    const big = await createOrganization({
      name: 'Big Tenant',
      slug: 'big-tenant',
      tier: 'enterprise',
    });
    const agentCount = quick ? 2_000 : 10_000;
    await raw.query(
      `insert into "org_big-tenant".agents (name, system_prompt) select 'Agent ' || lpad(g::text, 5, '0') || case when g % 7 = 0 then ' research' else '' end, 'p' from generate_series(1, $1) g`,
      [agentCount],
    );
    await raw.query('update organizations set agent_count = $1 where id = $2', [
      agentCount,
      big.id,
    ]);
    await raw.query('analyze "org_big-tenant".agents');
    const [b3, b3raw] = await timedPair(
      () =>
        call(slot, 'agents.list', {
          organizationId: big.id,
          page: 3,
          pageSize: 50,
          sort: 'name',
          search: 'research',
        }),
      async () => {
        await raw.query('select 1 from organizations where id = $1', [big.id]);
        await raw.query(
          `select * from "org_big-tenant".agents where name ilike '%research%' order by name, id limit 50 offset 100`,
        );
        await raw.query(
          `select count(*) from "org_big-tenant".agents where name ilike '%research%'`,
        );
      },
      60,
    );
    record(`B3 agents page (50 of ${agentCount})`, 'ms', b3, b3raw);
    // B3 while the console's own database is backed up (what a daily backup costs the calls)
    const researchCall = () =>
      call(slot, 'agents.list', {
        organizationId: big.id,
        page: 3,
        pageSize: 50,
        sort: 'name',
        search: 'research',
      });
    const backupStarted = performance.now();
    const backingUp = backupDatabase(dbUrl, join(home, 'b3-during.fpbackup'));
    let backedUp = false;
    void backingUp.finally(() => (backedUp = true)).catch(() => undefined);
    const during: number[] = [];
    do {
      const start = performance.now();
      await researchCall();
      during.push(performance.now() - start);
    } while (!backedUp);
    await backingUp;
    await rm(join(home, 'b3-during.fpbackup'), { force: true });
    record(
      `B3 agents page during a backup of ${allTenants} tenants`,
      'ms',
      during,
      b3,
      `raw = B3 alone; the backup took ${secondsSince(backupStarted).toFixed(1)} s`,
    );
    const researchPage = {
      where: { name: { $ilike: '%research%' } },
      options: { orderBy: { name: 'asc', id: 'asc' }, limit: 50, offset: 100 } as const,
    };
    await phases(
      {
        'session -> user': () =>
          signedIn.read(adminUser.id, () => sessionUser(orm.em, adminUser.id)),
        organization: () =>
          signedIn.organization(big.id, () => organizationRow(orm.em.fork(), big.id)),
        'page + count (ORM)': () =>
          findRows(tenantEm(orm.em, 'big-tenant'), Agent, researchPage.where, researchPage.options),
        '(same SQL raw)': () =>
          Promise.all([
            raw.query(
              `select * from "org_big-tenant".agents where name ilike '%research%' order by name, id limit 50 offset 100`,
            ),
            raw.query(`select count(*) from "org_big-tenant".agents where name ilike '%research%'`),
          ]),
      },
      samples(60),
    );
  }

  // B4: organizations page, 50 of N sorted, with agent counts. A full page
  // of the tenants the search matches (and Big Tenant): page 5 from 250 on,
  // the last full one below, as a page past the end would hold no row.
  if (runs('B4')) {
    const b4Page = Math.max(1, Math.min(5, Math.floor((tenants + 1) / 50)));
    const b4Offset = (b4Page - 1) * 50;
    const [b4, b4raw] = await timedPair(
      () =>
        call(slot, 'organizations.list', {
          page: b4Page,
          pageSize: 50,
          sort: 'name',
          search: 'Tenant',
        }),
      async () => {
        await raw.query(
          `select * from organizations where name ilike '%Tenant%' or slug ilike '%Tenant%' order by name, id limit 50 offset ${b4Offset}`,
        );
        await raw.query(
          "select count(*) from organizations where name ilike '%Tenant%' or slug ilike '%Tenant%'",
        );
      },
      60,
    );
    record(`B4 organizations page (50 of ${allTenants})`, 'ms', b4, b4raw);
    const tenantSearch = { $ilike: '%Tenant%' };
    await phases(
      {
        'session -> user': () =>
          signedIn.read(adminUser.id, () => sessionUser(orm.em, adminUser.id)),
        'page + count (ORM)': () =>
          findRows(
            orm.em.fork(),
            Organization,
            { $or: [{ name: tenantSearch }, { slug: tenantSearch }] },
            { orderBy: { name: 'asc', id: 'asc' }, limit: 50, offset: b4Offset },
          ),
        '(same SQL raw)': () =>
          Promise.all([
            raw.query(
              `select * from organizations where name ilike '%Tenant%' or slug ilike '%Tenant%' order by name, id limit 50 offset ${b4Offset}`,
            ),
            raw.query(
              "select count(*) from organizations where name ilike '%Tenant%' or slug ilike '%Tenant%'",
            ),
          ]),
      },
      samples(60),
    );
  }

  // B8, B8s: the fleet overview and the agent search, from public alone, with 10 agents per tenant in the index
  if (runs('B8') || runs('B8s')) {
    await raw.query(
      `insert into agent_index (agent_id, organization_id, name, status, status_since)
     select gen_random_uuid(), o.id, 'Agent ' || g || ' of ' || o.slug,
            (array['draft','deploying','active','paused','error'])[1 + g % 5], now() - g * interval '1 minute'
       from organizations o cross join generate_series(1, 10) g where o.slug like 't-%'`,
    );
    await raw.query("update organizations set agent_count = 10 where slug like 't-%'");
    // what autovacuum would have done by the time anyone looks
    await raw.query('vacuum analyze organizations, agent_index');
    const fleetAgents = Number(
      (await raw.query<{ n: string }>('select count(*) as n from agent_index')).rows[0]?.n ?? 0,
    );
    if (runs('B8')) {
      const [b8, b8raw] = await timedPair(
        () => call(slot, 'fleet.overview', {}),
        () =>
          Promise.all([
            raw.query(
              `select tier, billing_status, count(*), sum(agents_draft), sum(agents_deploying), sum(agents_active),
                  sum(agents_paused), sum(agents_error),
                  count(*) filter (where agent_limit > 0 and agent_count >= ceil(agent_limit * 0.8)),
                  count(*) filter (where agent_limit > 0 and agent_count >= agent_limit),
                  count(*) filter (where tenant_schema_version < 2)
             from organizations group by tier, billing_status`,
            ),
            raw.query(
              'select id, name, agent_count, agent_limit from organizations where agent_limit > 0 and agent_count >= ceil(agent_limit * 0.8) order by agent_count::float / agent_limit desc, name limit 20',
            ),
            raw.query(
              "select a.organization_id, o.name, a.agent_id, a.name, a.status_since from agent_index a join organizations o on o.id = a.organization_id where a.status = 'error' order by a.status_since desc limit 20",
            ),
          ]).then(() => raw.query('select * from audit_events order by at desc, id desc limit 10')),
        60,
      );
      record(`B8 fleet overview (${allTenants} tenants, ${fleetAgents} agents)`, 'ms', b8, b8raw);
    }

    // B8s: agents by name across every tenant
    if (runs('B8s')) {
      const [b8s, b8sraw] = await timedPair(
        () => call(slot, 'fleet.searchAgents', { query: 'Agent 7 of t-12' }),
        () =>
          Promise.all([
            raw.query(
              "select a.agent_id, a.name, a.status, a.organization_id, o.name, o.slug from agent_index a join organizations o on o.id = a.organization_id where a.name ilike '%Agent 7 of t-12%' order by a.name, a.agent_id limit 20",
            ),
            raw.query("select count(*) from agent_index a where a.name ilike '%Agent 7 of t-12%'"),
          ]),
        60,
      );
      record(`B8s cross-tenant agent search (${fleetAgents} agents)`, 'ms', b8s, b8sraw);
    }
  }

  // B9: a write here to its change arriving in a second console process on the same database
  if (runs('B9')) {
    const listener = spawn(
      process.execPath,
      [join(projectRoot, 'bench', 'change-listener-child.ts'), dbUrl],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const arrivals = new Map<string, (at: number) => void>();
    createInterface({ input: listener.stdout }).on('line', (line) => {
      const { id, at } = JSON.parse(line) as { id: string | null; at: number };
      if (id) arrivals.get(id)?.(at);
    });
    const heard = (id: string) => new Promise<number>((resolve) => arrivals.set(id, resolve));
    // an organization of its own: the big tenant is past its agent limit
    const watchedOrg = await createOrganization({ name: 'B9', slug: 'b9-watch', tier: 'pro' });
    const watched = (await call(slot, 'agents.create', {
      organizationId: watchedOrg.id,
      name: 'B9 watched',
      systemPrompt: 'p',
    })) as { id: string; version: number };
    // the listener is ready once it hears a change
    for (let ready = false, attempt = 0; !ready; attempt++) {
      const renamed = heard(watched.id);
      const current = (await call(slot, 'agents.get', {
        organizationId: watchedOrg.id,
        id: watched.id,
      })) as { version: number };
      await call(slot, 'agents.update', {
        organizationId: watchedOrg.id,
        id: watched.id,
        version: current.version,
        name: `B9 warm-up ${attempt}`,
      });
      ready = await Promise.race([
        renamed.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
      ]);
    }
    const b9: number[] = [];
    for (let i = 0; i < samples(40); i++) {
      const current = (await call(slot, 'agents.get', {
        organizationId: watchedOrg.id,
        id: watched.id,
      })) as { version: number };
      const arrived = heard(watched.id);
      const sent = performance.timeOrigin + performance.now();
      await call(slot, 'agents.update', {
        organizationId: watchedOrg.id,
        id: watched.id,
        version: current.version,
        name: `B9 ${i}`,
      });
      b9.push((await arrived) - sent);
    }
    listener.kill('SIGTERM');
    record('B9 write to event in a second console', 'ms', b9);
  }

  // B14: a slug renamed among every tenant: schema, ledger rows and view, in maintenance around it
  if (runs('B14')) {
    const renamed = (await call(slot, 'organizations.create', {
      name: 'B14',
      slug: 'b14-a',
      tier: 'pro',
    })) as { id: string; version: number; slug: string };
    let current = renamed;
    const b14 = await timed(
      async () => {
        current = (await call(slot, 'organizations.renameSlug', {
          id: current.id,
          slug: current.slug === 'b14-a' ? 'b14-b' : 'b14-a',
          version: current.version,
        })) as typeof current;
      },
      samples(30),
      { runs: 5, ms: 0 },
    );
    record(`B14 rename a slug (among ${tenants} tenants)`, 'ms', b14);
  }

  // B11: a change to a user on this console to their session's refusal on a second console
  if (runs('B11')) {
    const consoleB = await openOrm(dbUrl);
    const signedInB = new SignedInCache();
    const changesB = listenForChanges(dbUrl, {
      onChange: () => undefined,
      onReconnect: () => undefined,
      ...signedInB.listening,
      log: () => undefined,
    });
    await signedInB.heard();
    const routerB = createRouter({
      em: consoleB.em,
      passwords,
      logError: (m, e) => console.error(m, e),
      environment: {
        dataDir: home,
        appVersion: APP_VERSION,
        databaseSource: target.source,
        databaseUrl: dbUrl,
        superuser: true,
        startupBackup: null,
      },
      signedIn: signedInB,
    });
    const changed = await orm.em.fork().transactional((tx) =>
      insertUser(tx, passwords, {
        organizationId: home0.id,
        email: 'b11@bench.test',
        name: 'B11',
        role: 'developer',
        password: 'bench-password',
        confirmed: true,
      }),
    );
    const b11: number[] = [];
    for (let i = 0; i < samples(40); i++) {
      const slotB: SessionSlot = {
        sessionId: await consoleB.em
          .fork()
          .transactional((tx) => routerB.sessions.open(tx, changed.id, 'headless')),
      };
      const listB = () => routerB.dispatch(slotB, 'organizations.list', { page: 1, pageSize: 5 });
      // kept by console B, as a session in use is
      if (!(await listB()).ok) throw new Error('B11: the session was refused before the change');
      const began = performance.now();
      await call(slot, 'users.update', {
        id: changed.id,
        role: i % 2 === 0 ? 'user' : 'developer',
      });
      while ((await listB()).ok) {
        if (performance.now() - began > 5_000) throw new Error('B11: still served after 5 s');
      }
      b11.push(performance.now() - began);
    }
    await changesB.close();
    await consoleB.close(true);
    record("B11 role change to the other console's refusal", 'ms', b11);
  }

  // B5: sign-in latency, and the longest event-loop stall while 10 run at once
  if (runs('B5')) {
    const b5 = await timed(
      () => call({}, 'auth.signIn', { email: 'bench@bench.test', password: 'bench-password' }),
      samples(8),
      { runs: 1, ms: 0 },
    );
    // ten operators at once (one email's concurrent attempts are throttled on purpose)
    const operators = [];
    for (let i = 0; i < 10; i++) {
      const email = `operator-${i}@bench.test`;
      await orm.em.fork().transactional((tx) =>
        insertUser(tx, passwords, {
          organizationId: home0.id,
          email,
          name: `Operator ${i}`,
          role: 'developer',
          password: 'bench-password',
          confirmed: true,
        }),
      );
      operators.push(email);
    }
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    await Promise.all(
      operators.map((email) => call({}, 'auth.signIn', { email, password: 'bench-password' })),
    );
    loop.disable();
    record(
      'B5 sign-in (bcrypt cost 12)',
      'ms',
      b5,
      undefined,
      `longest loop stall during 10 at once: ${(loop.max / 1e6).toFixed(1)} ms`,
    );
  }

  // B7: memory across 10,000 router calls spread over the tenants
  if (runs('B7')) {
    const orgIds = (await raw.query<{ id: string }>('select id from organizations')).rows.map(
      (r) => r.id,
    );
    const gc = (globalThis as { gc?: () => void }).gc;
    const calls = quick ? 2_000 : 10_000;
    const spread = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const id = orgIds[i % orgIds.length] ?? home0.id;
        await call(
          slot,
          i % 2 === 0 ? 'organizations.get' : 'agents.list',
          i % 2 === 0 ? { id } : { organizationId: id, page: 1, pageSize: 10 },
        );
      }
    };
    // the warm-up grows the heap and the allocator's arenas to their working size once
    await spread(2_000);
    gc?.();
    const before = process.memoryUsage();
    await spread(calls);
    gc?.();
    const after = process.memoryUsage();
    const mb = (bytes: number) => bytes / 1024 / 1024;
    record(
      `B7 RSS growth over ${calls} calls`,
      'MB',
      [mb(after.rss - before.rss)],
      undefined,
      gc
        ? `live heap ${mb(before.heapUsed).toFixed(1)} -> ${mb(after.heapUsed).toFixed(1)} MB`
        : '(run with --expose-gc for a stable figure)',
    );
  }

  // B12: one tenant's export and its import as a clone, among every other tenant
  if (runs('B12')) await b12OneTenant(allTenants, slot);

  // B10, B10b: move, back up and restore fleets of their own, beside pg_dump and pg_restore
  if (runs('B10')) {
    if (quick) await transferCases(60);
    else {
      await transferCases(1_000);
      // where pg_dump still works on default settings (past about 4,100 tenants it fails): the backup alone
      await backupCase(3_000);
      await transferCases(10_000);
    }
  }

  // B6: cold start of start:headless to the sign-in screen painted in Chromium.
  // An empty data directory is timed as the first start after `npm install`
  // (its postinstall run, untimed, before each run: a prepared cluster and
  // compiled modules) and with nothing prepared (initdb, modules compiled
  // on load). The existing database is started as installed.
  if (runs('B6')) {
    const cases: [string, string | null, Preparation][] = [
      ['empty database', null, 'install'],
      ['empty database, nothing prepared', null, 'nothing'],
      [`${allTenants} tenants`, dbUrl, 'install'],
    ];
    for (const [label, databaseUrl, preparation] of cases) {
      const runs: number[] = [];
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        const prepared = await mkdtemp(join(tmpdir(), 'fleetprompt-bench-install-'));
        try {
          await chmod(prepared, 0o755);
          const env = {
            FLEETPROMPT_TEMPLATES: join(prepared, 'templates'),
            NODE_COMPILE_CACHE: join(prepared, 'compile-cache'),
          };
          if (preparation === 'install') await postinstall(env);
          runs.push(await coldStart(databaseUrl, env));
        } finally {
          await rm(prepared, { recursive: true, force: true });
        }
      }
      record(`B6 cold start to sign-in painted (${label})`, 'ms', runs);
    }
    record(
      'B6 floor: the browser alone, console already running',
      'ms',
      await browserAlone(quick ? 1 : 3),
    );
  }
} finally {
  await changes.close();
  await orm.close(true);
  await raw.end();
  await passwords.close();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await target.release();
  await rm(home, { recursive: true, force: true });
}

/**
 * B12: `tenant:export` of one organization (10 agents with their history,
 * 3 users) and `tenant:import` of its archive as a clone beside it, each
 * verified, on the bench's database of `count` tenants; `pg_dump -n
 * org_<slug> -Fc` of the same schema beside the export (it reads the
 * catalog of every schema, and checks nothing).
 */
async function b12OneTenant(count: number, slot: SessionSlot): Promise<void> {
  const source = await createOrganization({ name: 'B12 Source', slug: 'b12-source', tier: 'pro' });
  for (let i = 0; i < 3; i++)
    await orm.em.fork().transactional((tx) =>
      insertUser(tx, passwords, {
        organizationId: source.id,
        email: `b12-${i}@bench.test`,
        name: `B12 ${i}`,
        role: 'developer',
        password: 'bench-password',
        confirmed: true,
      }),
    );
  for (let i = 0; i < 10; i++) {
    const agent = (await call(slot, 'agents.create', {
      organizationId: source.id,
      name: `B12 agent ${i}`,
      systemPrompt: 'You answer questions about the bench.',
    })) as { id: string; version: number };
    await call(slot, 'agents.transition', {
      organizationId: source.id,
      id: agent.id,
      version: agent.version,
      event: 'deploy',
    });
  }
  const file = join(home, 'b12.fptenant');
  const exportOnce = async () => {
    const out = createWriteStream(file);
    await exportTenant(dbUrl, 'b12-source', out, { app: APP_VERSION });
    out.end();
    await once(out, 'finish');
  };
  const dumpFile = join(home, 'b12.dump');
  const pgDump = () => spawnSync('pg_dump', ['-n', 'org_b12-source', '-Fc', '-f', dumpFile, dbUrl]);
  // the machine's pg_dump refuses a newer server (the embedded one): then ours is shown alone
  const probe = pgDump();
  const n = samples(20);
  if (probe.status === 0) {
    const [ours, dumped] = await timedPair(exportOnce, async () => pgDump(), n);
    record(
      `B12 one tenant's export (${count} tenants)`,
      'ms',
      ours,
      dumped,
      'raw: pg_dump -n org_<slug> -Fc; ours verified on import',
    );
  } else {
    const why = (probe.stderr?.toString() || String(probe.error)).split('\n')[0];
    record(
      `B12 one tenant's export (${count} tenants)`,
      'ms',
      await timed(exportOnce, n, { runs: 3, ms: 0 }),
      undefined,
      `no pg_dump beside it: ${why}`,
    );
  }
  let clone = 0;
  const imports = await timed(
    () => importTenant(file, dbUrl, { as: `b12-clone-${clone++}`, em: orm.em }),
    n,
    { runs: 3, ms: 0 },
  );
  record(
    `B12 one tenant's import as a clone (${count} tenants)`,
    'ms',
    imports,
    undefined,
    'verified table by table, all or nothing',
  );
}

/**
 * Where B10 runs: the machine's PostgreSQL on 5432 when it answers
 * (BENCH_TRANSFER_SERVER overrides), whose pg_dump and pg_restore are on
 * PATH at the same major version; else the bench's own server, without
 * them. Every database it makes there is dropped by `drop`.
 */
interface TransferServer {
  adminUrl: string;
  where: string;
  /** pg_dump and pg_restore of the server's major version are on PATH. */
  tools: boolean;
  database(prefix: string): Promise<string>;
  drop(): Promise<void>;
}

async function transferServer(): Promise<TransferServer> {
  const candidates = [
    process.env.BENCH_TRANSFER_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    target.adminUrl ?? target.url,
  ];
  for (const server of candidates) {
    const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
    } catch {
      continue;
    }
    const { rows } = await client.query<{ v: string; major: string }>(
      "select current_setting('server_version') as v, current_setting('server_version_num')::int / 10000 as major",
    );
    const dump = await run('pg_dump', ['--version']).catch(() => '');
    const made: string[] = [];
    return {
      adminUrl: server,
      where: `PostgreSQL ${rows[0]?.v ?? '?'} at ${new URL(server).host}`,
      tools: new RegExp(`\\) ${rows[0]?.major ?? 'none'}\\.`).test(dump),
      database: async (prefix) => {
        const name = `${prefix}_${Date.now().toString(36)}_${made.length}`;
        await client.query(`create database ${name}`);
        made.push(name);
        const at = new URL(server);
        at.pathname = `/${name}`;
        return at.toString();
      },
      drop: async () => {
        for (const name of made) await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }
  throw new Error('B10: no PostgreSQL server to move to');
}

/** Runs a program to its end; its stdout, or its stderr as the error. */
function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${program} exited with ${code}: ${err}`)),
    );
  });
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

/**
 * B10 (move) and B10b (backup, restore) of a fleet of `count` tenants, each
 * verified; pg_dump -Fc and pg_restore -j 2 of the same database beside
 * them (not verified: they compare nothing).
 */
async function transferCases(count: number): Promise<void> {
  const server = await transferServer();
  try {
    const fleet = await fleetToMove(server, count);
    const moved = await moveDatabase(fleet, await server.database('fp_bench_move'));
    record(
      `B10 move ${count} tenants (${moved.rows} rows)`,
      's',
      [moved.seconds],
      undefined,
      `on ${server.where}; verified`,
    );
    const archive = join(home, `bench-${count}.fpbackup`);
    const dump = join(home, `bench-${count}.dump`);
    const dumped = await backupBesideDump(server, fleet, count, archive, dump);
    const restored = await restoreArchive(archive, await server.database('fp_bench_restore'));
    let restoreSeconds: number[] | undefined;
    if (dumped) {
      const into = await server.database('fp_bench_pg_restore');
      const started = performance.now();
      await run('pg_restore', ['-j', '2', '-d', into, dump]);
      restoreSeconds = [secondsSince(started)];
    }
    record(
      `B10b restore ${count} tenants`,
      's',
      [restored.seconds],
      restoreSeconds,
      'verified; raw = pg_restore -j 2',
    );
    await rm(archive, { force: true });
    await rm(dump, { force: true });
  } finally {
    await server.drop();
  }
}

/**
 * B10b's backup of `fleet` into `archive`, timed beside `pg_dump -Fc` of the
 * same database into `dump`; whether pg_dump made one.
 */
async function backupBesideDump(
  server: TransferServer,
  fleet: string,
  count: number,
  archive: string,
  dump: string,
): Promise<boolean> {
  let started = performance.now();
  const backup = await backupDatabase(fleet, archive);
  const backupSeconds = secondsSince(started);
  let dumpSeconds: number[] | undefined;
  // pg_dump locks every table in one transaction: past ~4,100 tenants on default settings it fails
  let dumpFailure = '';
  if (server.tools) {
    started = performance.now();
    try {
      await run('pg_dump', ['-Fc', '-f', dump, fleet]);
      dumpSeconds = [secondsSince(started)];
    } catch (error) {
      dumpFailure = `; pg_dump -Fc failed: ${(error as Error).message.split('\n').find((l) => l.includes('ERROR')) ?? 'see its output'}`;
    }
  }
  record(
    `B10b backup ${count} tenants`,
    's',
    [backupSeconds],
    dumpSeconds,
    `${(backup.bytes / 1024 / 1024).toFixed(1)} MiB; raw = pg_dump -Fc${dumpFailure}`,
  );
  return dumpSeconds !== undefined;
}

/** B10b's backup alone (no move, no restore) at a size between transferCases' two. */
async function backupCase(count: number): Promise<void> {
  const server = await transferServer();
  try {
    const fleet = await fleetToMove(server, count);
    const archive = join(home, `bench-${count}.fpbackup`);
    const dump = join(home, `bench-${count}.dump`);
    await backupBesideDump(server, fleet, count, archive, dump);
    await rm(archive, { force: true });
    await rm(dump, { force: true });
  } finally {
    await server.drop();
  }
}

/**
 * B10's source: `count` tenants made as provisioning makes them, each with
 * 10 agents (jsonb config, bigint metrics), a user and an audit event, and
 * 20 skills (text[] tools).
 */
async function fleetToMove(server: TransferServer, count: number): Promise<string> {
  const url = await server.database('fp_bench_fleet');
  const fleetOrm = await openOrm(url);
  await migratePublic(fleetOrm);
  const scripts = await tenantMigrationScripts(fleetOrm.em);
  await fleetOrm.close(true);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into skills (name, slug, system_prompt_enhancement, tools)
       select 'Skill ' || g, 'skill-' || g, 'Enhance ' || g, array['search', 'fetch-' || g]
         from generate_series(1, 20) g`,
    );
    for (let i = 0; i < count; i++) {
      const slug = `m-${i}`;
      await client.query('begin');
      const { rows } = await client.query<{ id: string }>(
        `insert into organizations (name, slug, tier, monthly_token_limit, agent_limit, workflow_limit,
                                    tenant_schema_version, agent_count)
         values ($1, $2, 'pro', 1000000, 999, 10, $3, 10) returning id`,
        [`Moved ${i}`, slug, scripts.length],
      );
      const id = rows[0]?.id;
      await client.query(migratedSchemaStatements(`org_${slug}`, scripts).join(';\n'));
      await client.query(
        `insert into "org_${slug}".agents (name, system_prompt, status, config, total_tokens_used)
         select 'Agent ' || g, 'Prompt ' || g, 'active',
                jsonb_build_object('model', 'claude-sonnet-4', 'max_tokens', 4096, 'temperature', 0.7),
                g * 1000000000::bigint
           from generate_series(1, 10) g`,
      );
      await client.query(
        `insert into agent_index (agent_id, organization_id, name, status)
         select a.id, $1, a.name, a.status from "org_${slug}".agents a`,
        [id],
      );
      await client.query(
        `insert into users (email, hashed_password, name, role, organization_id, confirmed_at)
         values ($1, 'x', $2, 'developer', $3, now())`,
        [`${slug}@bench.test`, slug, id],
      );
      await client.query(
        `insert into audit_events (actor_label, organization_id, action, target_type, target_id, changes)
         values ('bench', $1::uuid, 'organizations.create', 'organization', $1::text, '{"name": {"from": null, "to": "x"}}')`,
        [id],
      );
      await client.query('commit');
    }
    await client.query('analyze');
  } finally {
    await client.end();
  }
  return url;
}

type Preparation = 'install' | 'nothing';

/** What `npm install` leaves for a first start: the postinstall script, run with `env`. */
async function postinstall(env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [join(projectRoot, 'src-main/cli/postinstall.mjs')], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`postinstall exited with ${code}`);
}

async function coldStart(
  databaseUrl: string | null,
  prepared: Record<string, string>,
): Promise<number> {
  const { chromium } = await import('@playwright/test');
  const startHome = await mkdtemp(join(tmpdir(), 'fleetprompt-cold-'));
  await chmod(startHome, 0o755);
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const started = performance.now();
  const child = spawn(process.execPath, [join(projectRoot, 'src-main/cli/headless.ts')], {
    env: {
      ...env,
      ...prepared,
      FLEETPROMPT_HOME: startHome,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // the window opens while the database starts, as Electron's does (app-main.ts)
  const launching = chromium.launch(chromiumLaunchOptions);
  const opening = launching.then((browser) => browser.newPage());
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`headless exited with ${code}`)));
    });
    const page = await opening;
    await page.goto((JSON.parse(line) as { url: string }).url);
    await page.getByRole('button', { name: /Sign in|Create administrator/ }).waitFor();
    return performance.now() - started;
  } finally {
    await (await launching.catch(() => null))?.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(startHome, { recursive: true, force: true });
  }
}

/**
 * What B6 cannot go below on this machine: Chromium opening a window and
 * painting the first-run screen of a console that is already running and
 * idle (a fresh database, so the same screen as B6's; started as the
 * end-to-end tests start theirs). The console's own start is then none of
 * the time.
 */
async function browserAlone(count: number): Promise<number[]> {
  const { chromium } = await import('@playwright/test');
  const running = await startConsoleServer();
  try {
    const runs: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const browser = await chromium.launch(chromiumLaunchOptions);
      try {
        const page = await browser.newPage();
        await page.goto(running.url);
        await page.getByRole('button', { name: /Sign in|Create administrator/ }).waitFor();
        runs.push(performance.now() - started);
      } finally {
        await browser.close();
      }
    }
    return runs;
  } finally {
    await running.stop();
  }
}

/** One speed goal of #17 checked against this run's figures (those of another scale are left out). */
interface Goal {
  goal: string;
  value: string;
  met: boolean;
}

function goalsOf(): Goal[] {
  const find = (prefix: string) => figures.find((f) => f.name.startsWith(prefix));
  const goals: Goal[] = [];
  const check = (
    goal: string,
    value: number | undefined,
    met: (v: number) => boolean,
    show: (v: number) => string,
  ) => {
    if (value !== undefined) goals.push({ goal, value: show(value), met: met(value) });
  };
  const x = (v: number) => `${v.toFixed(2)}x`;
  // every call within 1.5x of raw SQL: the pages the issue names, and the other calls timed beside raw
  for (const prefix of [
    'B3 agents page',
    'B4 organizations page',
    'B1 provisioning',
    'B8 fleet overview',
    'B8s cross-tenant agent search',
  ])
    check(`${prefix} <= 1.5x raw`, find(prefix)?.ratio, (v) => v <= 1.5, x);
  const b3 = find('B3 agents page (50 of 10000)');
  check(
    'B3 p95 <= 10 ms at 10,000 agents',
    b3?.p95,
    (v) => v <= 10,
    (v) => `${v.toFixed(1)} ms`,
  );
  const b14 = find('B14 rename a slug');
  if (tenants >= 10_000)
    check(
      'B14 rename p95 <= 50 ms at 10,000 tenants',
      b14?.p95,
      (v) => v <= 50,
      (v) => `${v.toFixed(1)} ms`,
    );

  check(
    "B11 a change on one console to the other's refusal, p95 <= 1 s",
    find("B11 role change to the other console's refusal")?.p95,
    (v) => v <= 1_000,
    (v) => `${v.toFixed(1)} ms`,
  );
  const b2 = find('B2 fan-out of one migration');
  const seconds = (v: number) => `${v.toFixed(2)} s`;
  if (tenants >= 10_000) check('B2 <= 3 s at 10,000 tenants', b2?.p50, (v) => v <= 3, seconds);
  else if (tenants >= 1_000)
    check('B2 <= 0.4 s at 1,000 tenants', b2?.p50, (v) => v <= 0.4, seconds);
  check('B2 >= 4x serial', b2?.raw && b2.raw.p50 / b2.p50, (v) => v >= 4, x);
  const b13 = find('B13 drift check');
  if (tenants >= 10_000)
    check(
      'B13 drift check p95 <= 1 s at 10,000 tenants',
      b13?.p95,
      (v) => v <= 1_000,
      (v) => `${v.toFixed(0)} ms`,
    );
  for (const prefix of ['B10b backup', 'B10b restore'])
    for (const figure of figures.filter((f) => f.name.startsWith(prefix)))
      check(
        `${figure.name} <= ${prefix.endsWith('backup') ? 'pg_dump -Fc' : 'pg_restore -j 2'}`,
        figure.ratio,
        (v) => v <= 1,
        x,
      );
  const floor = find('B6 floor')?.p50;
  check(
    'B6 cold start, empty data directory, p95 <= 2.0 s',
    find('B6 cold start to sign-in painted (empty database)')?.p95,
    (v) => v <= 2_000,
    (v) =>
      `${(v / 1000).toFixed(2)} s${floor ? ` (the browser alone takes ${(floor / 1000).toFixed(2)} s here)` : ''}`,
  );
  return goals;
}

const goals = goalsOf();
console.log('\ngoals (#17):');
for (const g of goals) console.log(`  ${g.met ? 'met   ' : 'missed'} ${g.goal}: ${g.value}`);

await mkdir(dirname(resultsFile), { recursive: true });
await writeFile(
  resultsFile,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      versions: { app: APP_VERSION, postgres: version },
      tenants,
      quick,
      ...(values.cases === undefined ? {} : { cases: [...chosen] }),
      figures,
      goals,
    },
    null,
    2,
  ),
);
console.log(`\nwrote ${resultsFile}`);
process.exit(0);

/**
 * `--curve`: B1-B4 and B6 at 100, 1,000 and 10,000 tenants (20, 60, 200
 * with --quick), each point a run of its own, drawn into
 * docs/scaling-curve.svg with the points in bench/results-curve.json.
 */
async function drawCurve(small: boolean): Promise<void> {
  const counts = small ? [20, 60, 200] : [100, 1_000, 10_000];
  const runs: { tenants: number; figures: Figure[] }[] = [];
  for (const count of counts) {
    const out = join(tmpdir(), `fleetprompt-curve-${count}-${Date.now()}.json`);
    const args = ['--expose-gc', fileURLToPath(import.meta.url), '--tenants', String(count)];
    const child = spawn(
      process.execPath,
      [...args, '--curve-point', '--out', out, ...(small ? ['--quick'] : [])],
      { stdio: 'inherit' },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`the curve's run at ${count} tenants failed`);
    const { figures: measured } = JSON.parse(await readFile(out, 'utf8')) as { figures: Figure[] };
    runs.push({ tenants: count, figures: measured });
    await rm(out, { force: true });
  }
  const cases: [string, string][] = [
    ['B1 provisioning', 'B1 provisioning'],
    ['B2 fan-out of one migration', 'B2 fan-out (whole run)'],
    ['B3 agents page', 'B3 agents page'],
    ['B4 organizations page', 'B4 organizations page'],
    ['B6 cold start to sign-in painted (', 'B6 cold start (existing data)'],
  ];
  const series: CurveSeries[] = cases.map(([prefix, name]) => {
    const at = runs.flatMap((run) => {
      const figure = run.figures.find(
        (f) => f.name.startsWith(prefix) && !f.name.includes('empty database'),
      );
      if (!figure) return [];
      const scale = figure.unit === 's' ? 1000 : 1;
      return [{ tenants: run.tenants, figure, scale }];
    });
    return {
      name,
      rawLabel: prefix.startsWith('B2') ? 'serial' : 'raw SQL',
      ours: at.map(({ tenants: x, figure, scale }): [number, number] => [x, figure.p50 * scale]),
      raw: at.flatMap(({ tenants: x, figure, scale }): [number, number][] =>
        figure.raw ? [[x, figure.raw.p50 * scale]] : [],
      ),
    };
  });
  const svg = curveSvg(`FleetPrompt: cost against tenant count (${cpus().length} cores)`, series);
  const svgFile = small
    ? join(tmpdir(), 'fleetprompt-scaling-curve-quick.svg')
    : join(projectRoot, 'docs', 'scaling-curve.svg');
  await writeFile(svgFile, svg);
  if (!small)
    await writeFile(
      join(projectRoot, 'bench', 'results-curve.json'),
      `${JSON.stringify({ at: new Date().toISOString(), runs }, null, 2)}\n`,
    );
  console.log(`\nwrote ${svgFile}`);
}
