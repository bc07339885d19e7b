import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminHarness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { recordFault } from '../support/tally.ts';

/*
 * `npm run db:move` killed (SIGKILL) half-way: the target is then an
 * unfinished copy that nothing takes for a complete one, and a second run
 * with --resume finishes it, or --rollback empties it.
 */
const h = adminHarness('move-kill');
const TENANTS = 120;
let home = '';
const targets: ScratchDatabase[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'fleetprompt-move-kill-'));
  for (let i = 0; i < TENANTS; i++) await h.org(`kill-${i}`, 'free');
});

afterAll(async () => {
  for (const target of targets) await target.drop();
  await rm(home, { recursive: true, force: true });
});

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

function move(to: string, ...flags: string[]) {
  return spawn(process.execPath, ['src-main/cli/move.ts', '--to', to, ...flags], {
    env: { ...process.env, DATABASE_URL: h.db.url, FLEETPROMPT_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function output(child: ReturnType<typeof move>) {
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, text };
}

/** Starts a move and kills it once some, but not all, tenants are copied. */
async function killHalfWay(to: string): Promise<number> {
  const child = move(to);
  const exited = once(child, 'exit');
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const [row] = await sql<{ n: number | null }>(
      to,
      `select case when to_regclass('public.fleetprompt_transfer_done') is null then null
              else (select count(*)::int from public.fleetprompt_transfer_done) end as n`,
    ).catch(() => [{ n: null }]);
    if (row?.n && row.n > 3) break;
  }
  child.kill('SIGKILL');
  await exited;
  const [row] = await sql<{ n: number }>(
    to,
    'select count(*)::int as n from public.fleetprompt_transfer_done',
  );
  return row?.n ?? 0;
}

async function emptyTarget(): Promise<ScratchDatabase> {
  const target = await createScratchDatabase(inject('serverUrl'), 'fp_kill');
  targets.push(target);
  return target;
}

describe('a move killed half-way', () => {
  it('is finished by --resume, and verified', async () => {
    const target = await emptyTarget();
    const done = await killHalfWay(target.url);
    expect(done).toBeLessThan(TENANTS + 2);

    const again = await output(move(target.url));
    expect(again.code).toBe(1);
    expect(again.text).toContain('unfinished copy');

    const resumed = await output(move(target.url, '--resume'));
    expect(resumed.text).toContain('moved and verified');
    expect(resumed.code).toBe(0);
    const [schemas] = await sql<{ n: number }>(
      target.url,
      `select count(*)::int as n from pg_namespace where nspname like 'org\\_%'`,
    );
    expect(schemas?.n).toBe(TENANTS + 1);
    recordFault('a move killed half-way, then resumed');
  });

  it('is removed by --rollback, leaving the empty database it was', async () => {
    const target = await emptyTarget();
    await killHalfWay(target.url);
    const rolledBack = await output(move(target.url, '--rollback'));
    expect(rolledBack.code).toBe(0);
    const [left] = await sql<{ n: number }>(
      target.url,
      `select (select count(*) from pg_tables where schemaname = 'public')::int
            + (select count(*) from pg_namespace where nspname like 'org\\_%')::int as n`,
    );
    expect(left?.n).toBe(0);
    recordFault('a move killed half-way, then rolled back');
  });
});
