import type { MigrateAllResult } from '../../src-shared/contract.ts';

/**
 * The tenants the last fan-out could not migrate, kept by the runtime so
 * that Tenancy shows them until they migrate.
 */
export class TenantFailures {
  readonly #bySlug = new Map<string, string>();

  /** Replaces what is known with the outcome of a whole fan-out. */
  replace(result: MigrateAllResult): void {
    this.#bySlug.clear();
    for (const failure of result.failed) this.#bySlug.set(failure.slug, failure.message);
  }

  of(slug: string): string | null {
    return this.#bySlug.get(slug) ?? null;
  }

  all(): { slug: string; message: string }[] {
    return [...this.#bySlug].map(([slug, message]) => ({ slug, message }));
  }
}
