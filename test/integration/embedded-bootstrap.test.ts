import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  shippedBinaries,
  usableBinaries,
  type PostgresBinaries,
} from '../../src-main/db/embedded/binaries.ts';
import { EmbeddedStartError } from '../../src-main/db/embedded/errors.ts';
import { openEmbedded } from '../../src-main/db/embedded/open.ts';
import { APP_ROLE } from '../../src-main/db/embedded/urls.ts';

/*
 * How the embedded PostgreSQL is set up and how it fails: least privilege
 * for the app, no secret left in a shared folder, binaries reachable from
 * any folder as any user, and one clear paragraph for every failure.
 */

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A data directory the `postgres` user can enter (as the real ones are, or get moved to). */
async function home(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetprompt-bootstrap-'));
  await chmod(dir, 0o755);
  made.push(dir);
  return dir;
}

async function rows<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Stand-in binaries whose programs are shell scripts, for failures real ones
 * will not show on demand; a program not stood in for is the real one the
 * server's user can run (a checkout in root's 0700 home has it copied out, as
 * the console does, rather than one half of the set reachable and one not).
 */
async function fakeBinaries(scripts: {
  initdb?: string;
  postgres?: string;
}): Promise<PostgresBinaries> {
  const root = await home();
  await mkdir(join(root, 'bin'));
  const shipped = await usableBinaries(undefined);
  const program = async (name: 'initdb' | 'postgres', body: string | undefined) => {
    if (body === undefined) return shipped[name];
    const path = join(root, 'bin', name);
    await writeFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return path;
  };
  return {
    root,
    initdb: await program('initdb', scripts.initdb),
    postgres: await program('postgres', scripts.postgres),
    major: shipped.major,
  };
}

const failure = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmbeddedStartError);
  return (error as Error).message;
};

describe('the app connects with least privilege', () => {
  it('as a role without superuser that owns its own database', async () => {
    const server = await openEmbedded(await home());
    try {
      const [me] = await rows<{ user: string; superuser: boolean; owner: string }>(
        server.url,
        `select current_user as user, (select rolsuper from pg_roles where rolname = current_user) as superuser,
                (select pg_get_userbyid(datdba) from pg_database where datname = current_database()) as owner`,
      );
      expect(me).toEqual({ user: APP_ROLE, superuser: false, owner: APP_ROLE });
      await expect(rows(server.url, "copy (select 1) to program 'true'")).rejects.toThrow(
        /permission denied|must be superuser|pg_execute_server_program/,
      );
    } finally {
      await server.stop();
    }
  });

  it('and no other role on the server may connect to its database (nor send NOTIFY there)', async () => {
    const server = await openEmbedded(await home());
    try {
      await rows(server.adminUrl, "create role bystander login password 'bystander-pw'");
      const asBystander = new URL(server.url);
      asBystander.username = 'bystander';
      asBystander.password = 'bystander-pw';
      await expect(rows(asBystander.toString(), 'select 1')).rejects.toThrow(
        /permission denied for database/,
      );
    } finally {
      await server.stop();
    }
  });

  it('converts a cluster from before the role existed in place, its tables handed to the role', async () => {
    const dir = await home();
    const first = await openEmbedded(dir);
    // the layout of earlier versions: the app's tables in the superuser's `postgres` database
    await rows(
      first.adminUrl,
      'create table public.organizations (id int); create schema "org_old-co"',
    );
    await rows(first.adminUrl, 'create table "org_old-co".agents (id serial primary key)');
    await first.stop();
    const state = JSON.parse(await readFile(join(dir, 'embedded-postgres.json'), 'utf8'));
    delete state.appPassword;
    delete state.appDatabase;
    await writeFile(join(dir, 'embedded-postgres.json'), JSON.stringify(state));

    const converted = await openEmbedded(dir);
    try {
      expect(new URL(converted.url).pathname).toBe('/postgres');
      const owners = await rows<{ name: string; owner: string }>(
        converted.url,
        `select n.nspname || '.' || c.relname as name, pg_get_userbyid(c.relowner) as owner
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname in ('public', 'org_old-co') and c.relkind in ('r', 'S') order by 1`,
      );
      expect(owners.every((o) => o.owner === APP_ROLE)).toBe(true);
      expect(owners.map((o) => o.name)).toContain('org_old-co.agents');
      await rows(converted.url, 'insert into "org_old-co".agents default values');
    } finally {
      await converted.stop();
    }
  });
});

describe('no secret in a shared folder', () => {
  it('creates a cluster without writing its password to the temporary folder', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('pg-password')));
    const dir = await home();
    const server = await openEmbedded(dir);
    await server.stop();
    const after = readdirSync(tmpdir()).filter((f) => f.startsWith('pg-password'));
    expect(after.filter((f) => !before.has(f))).toEqual([]);
    expect(existsSync(join(dir, 'postgres.init'))).toBe(false);
  });

  it('removes the password file when initdb fails', async () => {
    const dir = await home();
    const binaries = await fakeBinaries({ initdb: 'echo "initdb: something broke" >&2; exit 1' });
    const message = await failure(openEmbedded(dir, undefined, { binaries }));
    expect(message).toMatch(/initdb failed \(initdb: something broke\)/);
    expect(existsSync(join(dir, 'postgres.init'))).toBe(false);
  });

  it('never signals a process that merely has the number a stale postmaster.pid names', async () => {
    const dir = await home();
    await (await openEmbedded(dir)).stop();
    const bystander = spawn('sleep', ['30']);
    try {
      await writeFile(join(dir, 'postgres', 'postmaster.pid'), `${bystander.pid}\n${dir}\n0\n1\n`);
      const server = await openEmbedded(dir);
      await server.stop();
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});

describe('every way the embedded server fails to start says what to do', () => {
  it('a cluster made by another major version', async () => {
    const dir = await home();
    await mkdir(join(dir, 'postgres'), { recursive: true });
    await writeFile(join(dir, 'postgres', 'PG_VERSION'), '16\n');
    const message = await failure(openEmbedded(dir));
    expect(message).toMatch(/was made by PostgreSQL 16; this console runs PostgreSQL 1[0-9]/);
    expect(message).toMatch(/DATABASE_URL/);
  });

  it('a full disk while creating the cluster', async () => {
    const binaries = await fakeBinaries({
      initdb: 'echo "could not write to file: No space left on device" >&2; exit 1',
    });
    expect(await failure(openEmbedded(await home(), undefined, { binaries }))).toMatch(
      /the disk is full\. Free some space/,
    );
  });

  it('a port taken by another program, twice', async () => {
    const dir = await home();
    await (await openEmbedded(dir)).stop();
    const binaries = await fakeBinaries({
      postgres:
        'echo "LOG:  could not bind IPv4 address \\"127.0.0.1\\": Address already in use" >&2; exit 1',
    });
    expect(await failure(openEmbedded(dir, undefined, { binaries }))).toMatch(
      /was taken by another program\. Start again/,
    );
  });

  it('binaries its user may not run', async () => {
    const binaries = await fakeBinaries({ initdb: 'exit 0' });
    await chmod(binaries.initdb, 0o600);
    expect(await failure(openEmbedded(await home(), undefined, { binaries }))).toMatch(
      /permission was denied|initdb failed/,
    );
  });

  it('ends the command with one paragraph and exit code 1, no stack trace', () => {
    const dir = join(tmpdir(), `fleetprompt-cli-${process.pid}`);
    made.push(dir);
    spawnSync('mkdir', ['-p', join(dir, 'postgres')]);
    spawnSync('chmod', ['755', dir]);
    spawnSync('sh', ['-c', `echo 15 > ${join(dir, 'postgres', 'PG_VERSION')}`]);
    const { DATABASE_URL: _unset, ...env } = process.env;
    const run = spawnSync(process.execPath, ['src-main/cli/migrate.ts'], {
      env: { ...env, FLEETPROMPT_HOME: dir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: The embedded database in .* was made by PostgreSQL 15;/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

// PostgreSQL refuses to run as root, so only root has to reach binaries through another user.
describe.runIf(process.getuid?.() === 0)(
  'as root, from a folder the postgres user cannot enter',
  () => {
    it('copies the binaries where that user can run them, verified, and starts', async () => {
      const shipped = await shippedBinaries();
      const hidden = await mkdtemp(join(tmpdir(), 'fleetprompt-private-'));
      made.push(hidden);
      await chmod(hidden, 0o700);
      const root = join(hidden, 'native');
      await cp(shipped.root, root, { recursive: true, verbatimSymlinks: true });
      const runtimeRoot = await home();
      const binaries: PostgresBinaries = {
        root,
        initdb: join(root, 'bin', 'initdb'),
        postgres: join(root, 'bin', 'postgres'),
        major: shipped.major,
      };
      const dataDir = join(hidden, 'data');
      // the cluster goes where that user can enter too: a clusters folder of this test's own
      const clustersRoot = await home();
      const server = await openEmbedded(dataDir, undefined, {
        binaries,
        runtimeRoot,
        clustersRoot,
      });
      try {
        expect(await rows(server.url, 'select 1 as up')).toEqual([{ up: 1 }]);
        const copies = readdirSync(runtimeRoot).filter((f) => f.startsWith('postgresql-'));
        expect(copies).toHaveLength(1);
        expect(readdirSync(clustersRoot)).toHaveLength(1);
      } finally {
        await server.stop();
      }
      // a second start reuses the verified copy
      const again = await openEmbedded(dataDir, undefined, { binaries, runtimeRoot, clustersRoot });
      await again.stop();
      expect(readdirSync(runtimeRoot).filter((f) => f.startsWith('postgresql-'))).toHaveLength(1);
    });
  },
);
