import type { RolloutDto } from '../../src-shared/contract.ts';
import { rolloutStatus, runWaves, stopRollout } from '../db/rollout.ts';
import type { Work } from './work.ts';

/** The rollout in progress, or null: Tenancy's view of it. */
export function rollout(w: Work): Promise<RolloutDto | null> {
  return rolloutStatus(w.em);
}

/**
 * Tenancy's "continue": the rollout's remaining waves, as a rerun of
 * `db:migrate -- --waves N` would (the waves it planned, or one for the
 * rest after a canary), progress pushed to the consoles.
 */
export async function continueRollout(w: Work): Promise<RolloutDto | null> {
  const before = await rolloutStatus(w.runtime.root);
  if (!before) return null;
  const report = await runWaves(w.runtime.root, before.plannedWaves ?? 1, {
    maxFailures: before.maxFailures,
    onProgress: (progress) => w.runtime.emit({ type: 'migration-progress', ...progress }),
  });
  w.audit({
    targetId: null,
    organizationId: null,
    changes: {
      migrated: { from: null, to: report.steps.reduce((n, s) => n + s.result.migrated, 0) },
      failed: { from: null, to: report.steps.reduce((n, s) => n + s.result.failed.length, 0) },
    },
  });
  return rolloutStatus(w.runtime.root);
}

/** Tenancy's "stop": the rollout ends where it stands; the tenants it did not reach stay behind. */
export async function endRollout(w: Work): Promise<null> {
  if (await stopRollout(w.runtime.root))
    w.audit({
      targetId: null,
      organizationId: null,
      changes: { rollout: { from: 'in progress', to: 'stopped' } },
    });
  return null;
}
