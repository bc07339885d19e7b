import type { EntityManager } from '@mikro-orm/postgresql';
import type { MigrationProgress } from '../../src-shared/channels.ts';
import type { RolloutDto } from '../../src-shared/contract.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { checkedTenantSchema } from './identifiers.ts';
import { migrateAllTenants, type FanOutResult } from './fan-out.ts';
import type { TenantMigrationList } from './tenant-migrator.ts';

/*
 * A rollout: a release reaches the tenants behind in steps the operator
 * chooses, a canary first and then waves, instead of all at once. Its
 * state is in public (public.tenant_rollouts, one in progress at most, and
 * each tenant's wave and outcome), so a rerun, another console or the next
 * start-up knows where it stands. A wave stops the rollout when more than
 * `maxFailures` of its tenants fail; a rerun retries them and goes on.
 */

export interface RolloutOptions {
  onProgress?: (progress: MigrationProgress) => void;
  /** The tenant migration set; tests pass a longer one to simulate a release. */
  migrations?: TenantMigrationList;
}

interface RolloutRow {
  id: number;
  target_level: number;
  waves: number | null;
  max_failures: number;
  stopped_reason: string | null;
}

/** The rollout in progress, if any. */
async function current(em: EntityManager): Promise<RolloutRow | null> {
  const [row] = await em
    .fork()
    .execute<RolloutRow[]>(
      `select id, target_level, waves, max_failures, stopped_reason from public.tenant_rollouts where ended_at is null`,
    );
  return row ?? null;
}

export async function rolloutInProgress(em: EntityManager): Promise<boolean> {
  return (await current(em)) !== null;
}

/** The rollout in progress, or a new one for the release at hand. */
async function begin(em: EntityManager, target: number, maxFailures: number): Promise<RolloutRow> {
  const found = await current(em);
  if (found) {
    if (found.target_level !== target)
      throw new Error(
        `A rollout to level ${found.target_level} is in progress; this release is level ${target}. Finish or stop it first.`,
      );
    return found;
  }
  const [row] = await em.fork().execute<RolloutRow[]>(
    `insert into public.tenant_rollouts (target_level, max_failures) values (?, ?)
       returning id, target_level, waves, max_failures, stopped_reason`,
    [target, maxFailures],
  );
  if (!row) throw new Error('The rollout could not be recorded');
  return row;
}

/** Migrates one step's tenants (by slug) and records each one's outcome. */
async function migrateStep(
  em: EntityManager,
  rollout: RolloutRow,
  slugs: string[],
  options: RolloutOptions,
): Promise<FanOutResult> {
  const result = await migrateAllTenants(em, {
    slugs,
    ...(options.migrations ? { migrations: options.migrations } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const failed = new Map(result.failed.map((f) => [f.slug, f.message]));
  await em.fork().execute(
    `update public.tenant_rollout_tenants t
        set outcome = case when f.message is null then 'migrated' else 'failed' end,
            message = f.message, finished_at = now()
       from public.organizations o
       left join unnest(?::text[], ?::text[]) as f(slug, message) on f.slug = o.slug
      where t.rollout_id = ? and t.organization_id = o.id and o.slug = any(?::text[])`,
    [
      `{${[...failed.keys()].join(',')}}`,
      toArray([...failed.values()]),
      rollout.id,
      `{${slugs.join(',')}}`,
    ],
  );
  return result;
}

/** A text[] literal of arbitrary strings (the messages of failures). */
function toArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

export interface StepReport {
  /** The wave (0 the canary) and what became of its tenants. */
  wave: number;
  result: FanOutResult;
}

/**
 * `--canary`: these tenants (or the first `count` behind, by slug) and no
 * others are migrated, as wave 0 of the rollout, which then waits.
 */
export async function runCanary(
  em: EntityManager,
  canary: { slugs: string[] } | { count: number },
  options: RolloutOptions & { maxFailures?: number } = {},
): Promise<StepReport> {
  const target = (options.migrations ?? TENANT_MIGRATIONS).length;
  const rollout = await begin(em, target, options.maxFailures ?? 0);
  const fork = em.fork();
  let slugs: string[];
  if ('slugs' in canary) {
    for (const slug of canary.slugs) checkedTenantSchema(slug);
    const unknown = await fork.execute<{ slug: string }[]>(
      `select s.slug from unnest(?::text[]) s(slug)
        where not exists (select 1 from public.organizations o where o.slug = s.slug)`,
      [`{${canary.slugs.join(',')}}`],
    );
    if (unknown.length > 0)
      throw new Error(`No organization has the slug ${unknown.map((u) => u.slug).join(', ')}`);
    slugs = canary.slugs;
  } else {
    slugs = (
      await fork.execute<{ slug: string }[]>(
        'select slug from public.organizations where tenant_schema_version < ? order by slug limit ?',
        [target, canary.count],
      )
    ).map((row) => row.slug);
  }
  await fork.execute(
    `insert into public.tenant_rollout_tenants (rollout_id, organization_id, wave)
     select ?, o.id, 0 from public.organizations o where o.slug = any(?::text[])
     on conflict (rollout_id, organization_id) do update set wave = 0, outcome = 'pending'`,
    [rollout.id, `{${slugs.join(',')}}`],
  );
  return { wave: 0, result: await migrateStep(em, rollout, slugs, options) };
}

export interface WavesReport {
  steps: StepReport[];
  /** The wave that stopped the rollout (more than maxFailures failed), if one did. */
  stoppedAt: number | null;
  finished: boolean;
}

/**
 * `--waves N`: the tenants still behind (a canary's failures included) are
 * split into N waves, kept from an earlier run; each wave is migrated in
 * turn, and the rollout stops at the first where more than `maxFailures`
 * tenants fail, naming them. A rerun picks up at that wave, its failures
 * first. The rollout ends once every tenant has reached the release.
 */
export async function runWaves(
  em: EntityManager,
  waves: number,
  options: RolloutOptions & { maxFailures?: number } = {},
): Promise<WavesReport> {
  if (!Number.isInteger(waves) || waves < 1) throw new Error('--waves takes a whole number from 1');
  const target = (options.migrations ?? TENANT_MIGRATIONS).length;
  const rollout = await begin(em, target, options.maxFailures ?? 0);
  const maxFailures = options.maxFailures ?? rollout.max_failures;
  const fork = em.fork();
  await fork.execute(
    `update public.tenant_rollouts set waves = coalesce(waves, ?), max_failures = ?, stopped_reason = null
      where id = ?`,
    [waves, maxFailures, rollout.id],
  );
  const planned = (
    await fork.execute<{ waves: number }[]>(
      'select waves from public.tenant_rollouts where id = ?',
      [rollout.id],
    )
  )[0]?.waves;
  const count = planned ?? waves;
  // tenants behind without a wave are spread over the waves, by slug
  await fork.execute(
    `insert into public.tenant_rollout_tenants (rollout_id, organization_id, wave)
     select ?, o.id, 1 + ((row_number() over (order by o.slug) - 1) * ? / count(*) over ())::int
       from public.organizations o
      where o.tenant_schema_version < ?
        and not exists (select 1 from public.tenant_rollout_tenants t
                         where t.rollout_id = ? and t.organization_id = o.id)`,
    [rollout.id, count, target, rollout.id],
  );
  const steps: StepReport[] = [];
  for (let wave = 0; wave <= count; wave += 1) {
    const slugs = (
      await fork.execute<{ slug: string }[]>(
        `select o.slug from public.tenant_rollout_tenants t join public.organizations o on o.id = t.organization_id
          where t.rollout_id = ? and t.wave = ? and o.tenant_schema_version < ? order by o.slug`,
        [rollout.id, wave, target],
      )
    ).map((row) => row.slug);
    if (slugs.length === 0) continue;
    const result = await migrateStep(em, rollout, slugs, options);
    steps.push({ wave, result });
    if (result.failed.length > maxFailures) {
      await fork.execute('update public.tenant_rollouts set stopped_reason = ? where id = ?', [
        `wave ${wave}: ${result.failed.length} failed (${result.failed.map((f) => f.slug).join(', ')})`,
        rollout.id,
      ]);
      return { steps, stoppedAt: wave, finished: false };
    }
  }
  const [left] = await fork.execute<{ n: string }[]>(
    'select count(*) as n from public.organizations where tenant_schema_version < ?',
    [target],
  );
  const finished = Number(left?.n ?? 0) === 0;
  if (finished)
    await fork.execute('update public.tenant_rollouts set ended_at = now() where id = ?', [
      rollout.id,
    ]);
  return { steps, stoppedAt: null, finished };
}

/** Ends the rollout in progress where it stands: the tenants not reached stay behind. */
export async function stopRollout(em: EntityManager): Promise<boolean> {
  const ended = await em.fork().execute<{ id: number }[]>(
    `update public.tenant_rollouts set ended_at = now(), stopped_reason = coalesce(stopped_reason, 'stopped by an operator')
        where ended_at is null returning id`,
  );
  return ended.length > 0;
}

/** The rollout in progress as Tenancy shows it: each wave and each tenant's outcome. */
export async function rolloutStatus(em: EntityManager): Promise<RolloutDto | null> {
  const rollout = await current(em);
  if (!rollout) return null;
  const tenants = await em.fork().execute<
    {
      organization_id: string;
      slug: string;
      wave: number;
      outcome: 'pending' | 'migrated' | 'failed';
      message: string | null;
    }[]
  >(
    `select t.organization_id, o.slug, t.wave, t.outcome, t.message
       from public.tenant_rollout_tenants t join public.organizations o on o.id = t.organization_id
      where t.rollout_id = ? order by t.wave, o.slug`,
    [rollout.id],
  );
  const waves = new Map<number, RolloutDto['waves'][number]>();
  for (const t of tenants) {
    const wave = waves.get(t.wave) ?? { wave: t.wave, tenants: [] };
    wave.tenants.push({
      organizationId: t.organization_id,
      slug: t.slug,
      outcome: t.outcome,
      message: t.message,
    });
    waves.set(t.wave, wave);
  }
  return {
    targetLevel: rollout.target_level,
    plannedWaves: rollout.waves,
    maxFailures: rollout.max_failures,
    stoppedReason: rollout.stopped_reason,
    waves: [...waves.values()],
  };
}
