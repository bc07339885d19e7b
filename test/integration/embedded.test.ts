import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src-main/db/embedded/open.ts';

/*
 * These tests start their own embedded PostgreSQL in a throwaway data
 * directory, whichever server the other tests use: CI runs them on its
 * embedded leg only (vitest.config.ts, EMBEDDED_FILES).
 */

let home: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'fleetprompt-embedded-'));
  // the server runs as the postgres user, which must be able to enter the directory
  await chmod(home, 0o755);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(home, { recursive: true, force: true });
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

function postgresPids(): number[] {
  try {
    return execFileSync('pgrep', ['-f', `postgres -D ${join(home, 'postgres')}`], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function startChild(): Promise<{ child: ChildProcess; url: string; owned: boolean }> {
  const child = spawn(process.execPath, ['test/support/embedded-child.ts', home], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
  return { child, ...(JSON.parse(line) as { url: string; owned: boolean }) };
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

describe('embedded PostgreSQL', () => {
  it('initialises a cluster on first use and never on port 5432', async () => {
    const server = await openEmbedded(home);
    expect(server.owned).toBe(true);
    expect(new URL(server.url).port).not.toBe('5432');
    await query(server.url, "create table kept (v text); insert into kept values ('before')");
    await server.stop();
    expect(postgresPids()).toEqual([]);
  });

  it('reuses the existing data directory instead of initialising it again', async () => {
    const server = await openEmbedded(home);
    expect(await query(server.url, 'select v from kept')).toEqual([{ v: 'before' }]);
    await server.stop();
  });

  it('lets a second process join the server the first one started, and only the owner stops it', async () => {
    const owner = await openEmbedded(home);
    const second = await startChild();
    expect(second.owned).toBe(false);
    expect(new URL(second.url).port).toBe(new URL(owner.url).port);
    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(await query(owner.url, 'select 1 as up')).toEqual([{ up: 1 }]);
    await owner.stop();
    expect(postgresPids()).toEqual([]);
  });

  it('recovers a server orphaned by a crash of the process that started it', async () => {
    const crashed = await startChild();
    expect(crashed.owned).toBe(true);
    crashed.child.kill('SIGKILL');
    await exited(crashed.child);
    expect(postgresPids().length).toBeGreaterThan(0);

    const server = await openEmbedded(home);
    expect(server.owned).toBe(true);
    expect(await query(server.url, 'select v from kept')).toEqual([{ v: 'before' }]);
    await server.stop();
    expect(postgresPids()).toEqual([]);
  });

  it('starts despite a stale postmaster.pid left behind', async () => {
    await writeFile(join(home, 'postgres', 'postmaster.pid'), '999999\n/nowhere\n0\n1\n');
    const server = await openEmbedded(home);
    expect(await query(server.url, 'select v from kept')).toEqual([{ v: 'before' }]);
    await server.stop();
  });
});
