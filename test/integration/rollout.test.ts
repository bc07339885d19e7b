import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import { describe, expect, it } from 'vitest';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { rollbackTenants } from '../../src-main/db/fan-out.ts';
import {
  rolloutInProgress,
  rolloutStatus,
  runCanary,
  runWaves,
  stopRollout,
} from '../../src-main/db/rollout.ts';
import { openRuntime } from '../../src-main/runtime.ts';
import { adminHarness } from '../support/harness.ts';
import { SlowProbe } from '../support/rollout-child.ts';

/*
 * Rollouts: a release reaches a canary first, then the rest in waves; a
 * wave with more failures than allowed stops the rollout with the failed
 * tenants named, and a rerun goes on from there. Start-up leaves the
 * tenants behind to a rollout in progress.
 */

const h = adminHarness('rollout', 'rollout-zz-home');

/** The release: one more tenant migration, which a tenant holding its table by hand fails. */
class ProbeMigration extends Migration {
  override name = 'Migration29991231000998_rollout_probe';
  override up(): void {
    this.addSql('create table rollout_probe (id integer)');
  }
  override down(): void {
    this.addSql('drop table rollout_probe');
  }
}
const RELEASE = [...TENANT_MIGRATIONS, ProbeMigration];
const LATEST = TENANT_MIGRATIONS.length;

const levels = async () =>
  Object.fromEntries(
    (
      await h.db.sql<{ slug: string; level: number }>(
        'select slug, tenant_schema_version as level from organizations order by slug',
      )
    ).map((row) => [row.slug, Number(row.level)]),
  );

describe('a rollout', () => {
  it('migrates the canary alone, then the rest in waves; a failing wave stops it, named, and a rerun finishes', async () => {
    for (const letter of 'abcdef') await h.org(`roll-${letter}`);
    await h.db.sql('create table "org_roll-d".rollout_probe (id integer)');

    const canary = await runCanary(h.db.orm.em, { slugs: ['roll-a'] }, { migrations: RELEASE });
    expect(canary.result).toMatchObject({ total: 1, migrated: 1, failed: [] });
    expect(await levels()).toMatchObject({ 'roll-a': LATEST + 1, 'roll-b': LATEST });
    expect(await rolloutInProgress(h.db.orm.em)).toBe(true);

    // b c d | e f rollout-zz-home: d fails in wave 1, wave 2 is not begun
    const stopped = await runWaves(h.db.orm.em, 2, { migrations: RELEASE });
    expect(stopped.stoppedAt).toBe(1);
    expect(stopped.steps.map((s) => s.result.failed.map((f) => f.slug))).toEqual([['roll-d']]);
    expect(await levels()).toMatchObject({
      'roll-b': LATEST + 1,
      'roll-c': LATEST + 1,
      'roll-d': LATEST,
      'roll-e': LATEST,
    });
    const status = await rolloutStatus(h.db.orm.em);
    expect(status?.stoppedReason).toContain('roll-d');
    expect(status?.waves.map((w) => w.wave)).toEqual([0, 1, 2]);
    expect(status?.waves[1]?.tenants.find((t) => t.slug === 'roll-d')).toMatchObject({
      outcome: 'failed',
      message: expect.stringContaining('rollout_probe'),
    });

    await h.db.sql('drop table "org_roll-d".rollout_probe');
    const rerun = await runWaves(h.db.orm.em, 2, { migrations: RELEASE });
    expect(rerun).toMatchObject({ stoppedAt: null, finished: true });
    expect(Object.values(await levels()).every((level) => level === LATEST + 1)).toBe(true);
    expect(await rolloutInProgress(h.db.orm.em)).toBe(false);
    // back to the code's own release for the tests that follow
    expect(
      (await rollbackTenants(h.db.orm.em, { to: LATEST, migrations: RELEASE })).failed,
    ).toEqual([]);
  });

  it('lets a wave with failures up to --max-failures go on', async () => {
    await h.db.sql('create table "org_roll-b".rollout_probe (id integer)');
    try {
      const report = await runWaves(h.db.orm.em, 1, { migrations: RELEASE, maxFailures: 1 });
      expect(report.stoppedAt).toBeNull();
      expect(report.steps[0]?.result.failed.map((f) => f.slug)).toEqual(['roll-b']);
      expect(report.finished).toBe(false);
      expect(await rolloutInProgress(h.db.orm.em)).toBe(true);
    } finally {
      await stopRollout(h.db.orm.em);
      await h.db.sql('drop table "org_roll-b".rollout_probe');
      await rollbackTenants(h.db.orm.em, { to: LATEST, migrations: RELEASE });
    }
  });

  it('is left the tenants behind by a start-up while it is in progress', async () => {
    await rollbackTenants(h.db.orm.em, { to: LATEST - 1, slugs: ['roll-c'] });
    await runCanary(h.db.orm.em, { count: 0 });
    const home = await mkdtemp(join(tmpdir(), 'fleetprompt-rollout-'));
    try {
      const runtime = await openRuntime({ dataDir: home, env: { DATABASE_URL: h.db.url } });
      try {
        expect(runtime.rolloutInProgress).toBe(true);
        expect(runtime.startup.total).toBe(0);
      } finally {
        await runtime.close();
      }
      expect((await levels())['roll-c']).toBe(LATEST - 1);
      await stopRollout(h.db.orm.em);
      const runtime2 = await openRuntime({ dataDir: home, env: { DATABASE_URL: h.db.url } });
      try {
        expect(runtime2.rolloutInProgress).toBe(false);
        expect(runtime2.startup).toMatchObject({ total: 1, migrated: 1 });
      } finally {
        await runtime2.close();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('leaves every tenant at one level or the other, and none in maintenance, when killed during a wave', async () => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, '../support/rollout-child.ts'), h.db.url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(child.stdout, 'data');
      // killed once some tenants have the slow release and others not yet
      for (let waited = 0; ; waited += 50) {
        const reached = Object.values(await levels()).filter((l) => l === LATEST + 1).length;
        if (reached > 0) break;
        if (waited > 20_000) throw new Error('The rollout reached no tenant');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill('SIGKILL');
      await once(child, 'exit');
    } finally {
      child.kill('SIGKILL');
    }
    const after = Object.values(await levels());
    expect(after.every((l) => l === LATEST || l === LATEST + 1)).toBe(true);
    expect(after.some((l) => l === LATEST)).toBe(true);
    // the killed process's connections go as the server notices; its maintenance with them
    for (let waited = 0; ; waited += 100) {
      const held = await h.db.sql(
        'select slug from organizations where public.maintenance_live(maintenance_reason, maintenance_ticket)',
      );
      if (held.length === 0) break;
      if (waited > 5_000) expect(held).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const rerun = await runWaves(h.db.orm.em, 2, { migrations: [...TENANT_MIGRATIONS, SlowProbe] });
    expect(rerun).toMatchObject({ stoppedAt: null, finished: true });
    expect(Object.values(await levels()).every((l) => l === LATEST + 1)).toBe(true);
  });
});
