import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src-main/db/embedded/open.ts';

/*
 * The embedded cluster follows its data directory, as a user meets it:
 * `npm run seed` and `npm run db:where` run as child processes. As root in
 * a 0700 folder the `postgres` user cannot enter, the cluster lives outside
 * the data directory (in a clusters folder of this file's own); as anyone
 * else it lives inside, and deleting or moving still has to work.
 */

const asRoot = process.getuid?.() === 0;
let base: string;
let clusters: string;
let templates: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'fleetprompt-private-home-'));
  await chmod(base, 0o700);
  clusters = await mkdtemp(join(tmpdir(), 'fleetprompt-clusters-'));
  await chmod(clusters, 0o755);
  // empty: every new cluster runs initdb, and the machine's prepared one is left alone
  templates = await mkdtemp(join(tmpdir(), 'fleetprompt-no-templates-'));
  await chmod(templates, 0o755);
});
afterAll(async () => {
  for (const dir of [base, clusters, templates]) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(script: string, home: string, args: string[] = []): Promise<Run> {
  const { DATABASE_URL: _unset, ...inherited } = process.env;
  const env = {
    ...inherited,
    FLEETPROMPT_HOME: home,
    FLEETPROMPT_CLUSTERS: clusters,
    FLEETPROMPT_TEMPLATES: templates,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const seed = (home: string) => cli('src-main/cli/seed.ts', home);
const where = (home: string, ...args: string[]) => cli('src-main/cli/where.ts', home, args);

interface Where {
  dataDir: string;
  database: string;
  cluster: { path: string; id: string; bytes: number; running: boolean; lastUsed: string } | null;
  orphans: {
    path: string;
    id: string | null;
    dataDir: string | null;
    bytes: number;
    running: boolean;
    lastUsed: string | null;
    reason: string;
  }[];
}

async function whereJson(home: string): Promise<Where> {
  const run = await where(home, '--json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Where;
}

/** Runs SQL on the data directory's database as the app does, then stops the server. */
async function withDatabase<T>(home: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const server = await openEmbedded(home, undefined, { clustersRoot: clusters, templates: null });
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
    await server.stop();
  }
}

const demoOrganizations = (home: string) =>
  withDatabase(home, async (c) => (await c.query('select name from organizations')).rows);

/** A data directory with a stopped cluster of its own, and that cluster's path. */
async function dataDirWithCluster(name: string): Promise<{ home: string; cluster: string }> {
  const home = join(base, name);
  await (await openEmbedded(home, undefined, { clustersRoot: clusters, templates: null })).stop();
  const cluster = (await whereJson(home)).cluster?.path;
  if (!cluster) throw new Error(`no cluster reported for ${home}`);
  return { home, cluster };
}

describe('a data directory and its cluster', () => {
  it('deleted, then seeded again: a fresh database with the demo data once', async () => {
    const home = join(base, 'deleted');
    const first = await seed(home);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('Seed data created successfully');
    await rm(home, { recursive: true, force: true });

    const again = await seed(home);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Seed data created successfully');
    expect(await demoOrganizations(home)).toEqual([{ name: 'Demo Company' }]);
  });

  it('moved, then started: the same data, and a new data directory at the old path gets its own', async () => {
    const before = join(base, 'before-move');
    const after = join(base, 'after-move');
    expect((await seed(before)).code).toBe(0);
    await withDatabase(before, (c) =>
      c.query("update organizations set name = 'Changed before the move'"),
    );
    await rename(before, after);

    const newcomer = await seed(before);
    expect(newcomer.stderr).toBe('');
    expect(newcomer.stdout).toContain('Seed data created successfully');
    const moved = await seed(after);
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toContain('Nothing to do: the demo data was already loaded.');
    expect(await demoOrganizations(after)).toEqual([{ name: 'Changed before the move' }]);
    expect(await demoOrganizations(before)).toEqual([{ name: 'Demo Company' }]);
  });

  it('made by a version from before cluster ids: adopts the cluster its state names, with its data', async () => {
    const home = join(base, 'from-before-ids');
    expect((await seed(home)).code).toBe(0);
    const stateFile = join(home, 'embedded-postgres.json');
    const { clusterId: _id, ...before } = JSON.parse(await readFile(stateFile, 'utf8')) as {
      clusterId: string;
      clusterDir: string;
    };
    await writeFile(stateFile, JSON.stringify(before));
    await rm(join(before.clusterDir, 'fleetprompt-cluster.json'));

    const again = await seed(home);
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain('Nothing to do: the demo data was already loaded.');
    const report = await whereJson(home);
    expect(report.cluster?.path).toBe(before.clusterDir);
    expect(report.cluster?.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('npm run db:where', () => {
  it('--json: the data directory, its cluster with size and last use, and the orphans', async () => {
    const { home, cluster } = await dataDirWithCluster('described');
    const report = await whereJson(home);
    expect(report).toEqual({
      dataDir: home,
      database: 'embedded',
      cluster: {
        path: cluster,
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        bytes: expect.any(Number),
        running: false,
        lastUsed: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
      orphans: expect.any(Array),
    });
    expect(report.cluster!.bytes).toBeGreaterThan(1_000_000);
    expect(cluster.startsWith(asRoot ? clusters : home)).toBe(true);
  });

  it('prints the same for a person to read', async () => {
    const { home, cluster } = await dataDirWithCluster('printed');
    const run = await where(home);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`data directory: ${home}`);
    expect(run.stdout).toMatch(new RegExp(`cluster: ${cluster} \\(\\d+(\\.\\d)? MB, stopped`));
  });

  it('says there is no cluster yet for a new data directory, and creates nothing', async () => {
    const home = join(base, 'not-yet');
    const report = await whereJson(home);
    expect(report.cluster).toBeNull();
    expect(existsSync(home)).toBe(false);
  });
});

describe.runIf(asRoot)('orphans, as root in a folder the postgres user cannot enter', () => {
  it('the cluster of a deleted data directory is listed as an orphan, with its last use', async () => {
    const { home, cluster } = await dataDirWithCluster('to-delete');
    await rm(home, { recursive: true, force: true });
    const report = await whereJson(join(base, 'elsewhere'));
    expect(report.orphans).toContainEqual({
      path: cluster,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      dataDir: home,
      bytes: expect.any(Number),
      running: false,
      lastUsed: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      reason: 'its data directory is gone',
    });
    const printed = await where(join(base, 'elsewhere'));
    expect(printed.stdout).toMatch(new RegExp(`orphan: ${cluster} .*last used`));
  });

  it('the cluster of a data directory seeded anew is an orphan too', async () => {
    const { home, cluster } = await dataDirWithCluster('renewed');
    await rm(home, { recursive: true, force: true });
    await dataDirWithCluster('renewed');
    const orphan = (await whereJson(home)).orphans.find((o) => o.path === cluster);
    expect(orphan?.reason).toBe('its data directory holds another cluster');
  });

  it('--remove-orphan removes that orphan and nothing else', async () => {
    const { home, cluster } = await dataDirWithCluster('removed');
    const { home: kept, cluster: keptCluster } = await dataDirWithCluster('kept');
    await rm(home, { recursive: true, force: true });
    const run = await where(kept, '--remove-orphan', cluster);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`removed the orphaned cluster ${cluster}`);
    expect(existsSync(cluster)).toBe(false);
    expect(existsSync(keptCluster)).toBe(true);
    expect((await whereJson(kept)).orphans.map((o) => o.path)).not.toContain(cluster);
  });

  it('--remove-orphan refuses the cluster of a data directory that holds it', async () => {
    const { home, cluster } = await dataDirWithCluster('still-here');
    const run = await where(home, '--remove-orphan', cluster);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not an orphan: it is the cluster of .*still-here/);
    expect(existsSync(cluster)).toBe(true);
  });

  it('--remove-orphan refuses a folder that is not a cluster of ours', async () => {
    const run = await where(join(base, 'elsewhere'), '--remove-orphan', base);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not a cluster in /);
    expect(existsSync(base)).toBe(true);
  });

  it('--remove-orphan refuses an orphan whose server is running', async () => {
    const home = join(base, 'running');
    const server = await openEmbedded(home, undefined, { clustersRoot: clusters, templates: null });
    try {
      const cluster = (await whereJson(home)).cluster!.path;
      await rm(home, { recursive: true, force: true });
      const run = await where(join(base, 'elsewhere'), '--remove-orphan', cluster);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/is running/);
      expect(existsSync(cluster)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('a copied data directory is refused rather than sharing the original cluster', async () => {
    const { home } = await dataDirWithCluster('original');
    const copy = join(base, 'copy');
    await cp(home, copy, { recursive: true });
    const run = await seed(copy);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/belongs to .*original/);
  });
});
